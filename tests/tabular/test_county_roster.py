"""A county roster as bureaus keep it (花名册) imports: .xlsx and GBK .csv, people at work
recorded as placements, incomplete profiles kept out of matching until completed."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import clock
from models.placements.tables import Placement
from models.workers.tables import Worker
from tests.factories import posting_payload
from tests.tabular import county_roster as roster
from tests.tabular.sheets import XLSX, sheet_rows, upload

URL = "/api/v1/workers/import"
FILES = {"xlsx": (roster.xlsx_bytes, "卓资县花名册.xlsx"), "csv": (roster.gbk_csv_bytes, "卓资县花名册.csv")}


def send(api, fmt: str, role: str = "bureau", persons=None, **query):
    build, filename = FILES[fmt]
    return upload(api, role, URL, build(persons or roster.people()), filename=filename, **query)


def all_workers(api, role: str = "bureau", **query) -> list[dict]:
    qs = "&".join(f"{k}={v}" for k, v in {"page_size": 100, **query}.items())
    return api.get(role, f"/api/v1/workers?{qs}").get_json()["items"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_real_roster_imports_every_importable_row_and_refuses_only_the_excel_numbers(api, db_session, fmt):
    persons = roster.people()
    if fmt == "csv":
        assert roster.gbk_csv_bytes(persons).decode("gbk")  # really GBK
    r = send(api, fmt, mode="valid_rows")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    mangled = [i for i, p in enumerate(persons) if p.mangled]
    assert (body["total_rows"], body["created"], body["rejected"]) == (26, 24, 2)
    assert sorted({e["row"] for e in body["rows"]}) == [roster.row_number(i) for i in mangled]
    assert all(e["column"] == "身份证号码" and "format the ID column as Text" in e["message"]
               and "科学计数法" in e["message"] for e in body["rows"]), body["rows"]
    # The blank row, the 合计 row and the 制表人 footer are reported as skipped, not as errors.
    reasons = [s["reason"] for s in body["skipped_rows"]]
    assert len(reasons) == 3 and "blank row" in reasons[0]
    assert "合计" in reasons[1] and "制表人" in reasons[2]
    assert body["not_stored_columns"] == ["序号"] and body["ignored_columns"] == []

    listed = {w["name"]: w for w in all_workers(api)}
    assert len(listed) == 24
    for i, person in enumerate(persons):
        if person.mangled:
            assert person.name not in listed
            continue
        worker = listed[person.name]
        assert worker["county_code"] == "150921" and worker["id_number"].endswith(person.id_number[-4:])
        assert worker["sex"] == ("M" if person.sex == "男" else "F")
    assert listed[persons[0].name]["education"] == "none"  # 半文盲
    assert listed[persons[3].name]["id_number"].endswith(persons[3].id_number[-4:])  # full-width, X
    assert listed[persons[7].name]["missing_fields"][0] != "phone"  # a full-width phone is a phone
    assert "phone" in listed[persons[8].name]["missing_fields"]
    # 培训意愿 and 备注 are kept: the code, the roster's own words, the note.
    assert [(listed[persons[i].name]["training_wish"], listed[persons[i].name]["training_wish_text"])
            for i in (0, 2, 3)] == [("no", "否"), ("yes", "电焊培训"), ("yes", "是")]
    assert listed[persons[0].name]["remark"] == "长期在外，电话常换" and listed[persons[1].name]["remark"] is None
    statuses = {persons[i].poverty: listed[persons[i].name]["poverty_status"] for i in range(8)}
    assert statuses == {"脱贫户": "alleviated", "监测户": "monitored", "是": "alleviated", "否": "none",
                        "一般户": "none", "脱贫不稳定户": "monitored", "边缘易致贫户": "monitored",
                        "突发严重困难户": "monitored"}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_roster_workers_without_wage_or_destinations_are_to_complete_and_never_matched(api, db_session, fmt):
    body = send(api, fmt, mode="valid_rows").get_json()
    assert body["incomplete_profiles"] == 24
    assert all({"destinations", "expected_monthly_wage"} <= set(i["missing_fields"]) for i in body["incomplete"])
    to_complete = all_workers(api, profile_complete="false")
    assert len(to_complete) == 24 and all_workers(api, profile_complete="true") == []
    assert all(not w["profile_complete"] for w in to_complete)

    open_to_all = {k: v for k, v in posting_payload(required_skills=[], age_min=16, age_max=60).items()
                   if k != "education_min"}
    posting = api.post("employer", "/api/v1/postings", json=open_to_all).get_json()
    matches = api.get("bureau", f"/api/v1/postings/{posting['id']}/matches").get_json()
    assert matches["items"] == []
    seeker = next(w for w in to_complete if w["name"] == roster.people()[3].name)  # 33, seeking, has a phone
    assert seeker["status"] == "seeking" and seeker["missing_fields"] == ["destinations", "expected_monthly_wage"]
    refused = api.post("bureau", "/api/v1/applications", json={"worker_id": seeker["id"], "posting_id": posting["id"]})
    assert refused.status_code == 422 and "Complete this worker's profile" in refused.get_json()["message"] + str(
        refused.get_json().get("errors"))

    invited = api.post("employer", "/api/v1/applications", json={"worker_id": seeker["id"],
                                                                 "posting_id": posting["id"]})
    assert invited.status_code == 422 and "cannot be invited" in str(invited.get_json())

    etag = api.get("bureau", f"/api/v1/workers/{seeker['id']}").headers["ETag"]
    done = api.patch("bureau", f"/api/v1/workers/{seeker['id']}", headers={"If-Match": etag},
                     json={"destinations": ["beijing"], "expected_monthly_wage": 5000})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["profile_complete"] is True and done.get_json()["missing_fields"] == []
    assert seeker["id"] in [w["id"] for w in all_workers(api, profile_complete="true")]
    ranked = api.get("bureau", f"/api/v1/postings/{posting['id']}/matches").get_json()["items"]
    assert [m["worker_id"] for m in ranked] == [seeker["id"]]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_people_at_work_become_employed_with_their_job_recorded_as_a_placement(api, db_session, fmt):
    persons = roster.people()
    body = send(api, fmt, mode="valid_rows").get_json()
    assert body["employed"] == 8 and body["placements_recorded"] == 7
    listed = {w["name"]: w for w in all_workers(api)}
    placements = {p["worker_id"]: p for p in api.get("bureau", "/api/v1/placements?page_size=100").get_json()["items"]}
    assert len(placements) == 7
    beijing = placements[listed[persons[1].name]["id"]]
    assert (beijing["workplace_code"], beijing["destination"], beijing["employer_name"], beijing["monthly_wage"],
            beijing["start_date"], beijing["posting_id"]) == (
        "110105", "beijing", "北京望京物业管理有限公司", 5600, "2026-03-01", None)
    hohhot = placements[listed[persons[2].name]["id"]]
    assert (hohhot["workplace_code"], hohhot["destination"], hohhot["start_date"]) == ("150100", "in_region",
                                                                                       "2026-05-01")
    ningbo = placements[listed[persons[10].name]["id"]]
    assert (ningbo["workplace_code"], ningbo["destination"]) == ("330200", "other")
    assert ningbo["start_date"] == clock.today().isoformat()
    workshop = placements[listed[persons[15].name]["id"]]
    assert (workshop["workplace_code"], workshop["employer_name"], workshop["monthly_wage"]) == (
        "150921", "卓资县帮扶车间", None)
    assert listed[persons[16].name]["status"] == "employed" and listed[persons[16].name]["id"] not in placements
    assert {w["status"] for n, w in listed.items() if w["id"] not in placements and n != persons[16].name} == {
        "seeking"}

    year = api.get("bureau", "/api/v1/reports/new-employment?county=150921&year=2026").get_json()
    assert (year["total"]["count"], year["beijing"]["count"], year["in_region"]["count"], year["other"]["count"]) \
        == (7, 3, 3, 1)
    overdue = api.get("bureau", "/api/v1/follow-ups/overdue").get_json()
    assert {o["placement_id"] for o in overdue["items"]} >= {beijing["id"], hohhot["id"]}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_atomic_mode_refuses_the_roster_with_the_same_report_shape(api, db_session, fmt):
    good = send(api, fmt, mode="valid_rows")
    db_session.execute(Placement.__table__.delete())
    db_session.execute(Worker.__table__.delete())
    db_session.commit()
    refused = send(api, fmt)
    assert refused.status_code == 422
    report = refused.get_json()["errors"]
    assert set(report) == set(good.get_json())
    assert report["written"] is False and report["created"] == 0 and len(report["rows"]) == 2
    assert db_session.scalar(select(Worker.id)) is None and db_session.scalar(select(Placement.id)) is None
    workbook = upload(api, "bureau", URL, FILES[fmt][0](roster.people()), filename=FILES[fmt][1],
                      headers={"Accept": XLSX})
    assert workbook.status_code == 422 and workbook.mimetype == XLSX
    rejected = sheet_rows(workbook.data, 0)
    assert len(rejected) == 3 and all("format the ID column as Text" in r[-1] for r in rejected[1:])
    skipped = sheet_rows(workbook.data, 2)
    assert [r[1].split("（")[0] for r in skipped[1:]] == ["空行 / blank row", "合计/表尾行", "合计/表尾行"]


def test_a_multi_county_account_takes_the_county_from_the_id_number_old_codes_resolved(api, db_session):
    persons = [p for p in roster.people() if not p.mangled][:6]
    r = send(api, "xlsx", role="admin", persons=persons)
    assert r.status_code == 200, r.get_json()
    counties = {w["name"]: w["county_code"] for w in all_workers(api, role="admin")}
    assert set(counties.values()) == {"150921"}  # 152624 (乌兰察布盟卓资县) → 150921
    assert persons[0].id_number.startswith("152624")


def test_sex_and_birth_date_columns_are_checked_against_the_id_number_with_every_error_of_the_row(api):
    from tests.tabular.sheets import xlsx

    person = roster.people()[0]  # female, born 1968-01-03
    headers = ["姓名", "性别", "出生日期", "身份证号", "文化程度", "联系电话"]
    row = {"姓名": person.name, "性别": "男", "出生日期": "1968.02", "身份证号": person.id_number,
           "文化程度": "博士后", "联系电话": "12345"}
    ok = {**row, "姓名": "王二", "性别": "女", "出生日期": roster.serial(roster.date(1968, 1, 3)),
          "身份证号": roster.valid_id("152624", roster.date(1968, 1, 3), 202), "文化程度": "小学",
          "联系电话": "13800000001"}
    r = upload(api, "bureau", URL, xlsx(headers, [row, ok]), mode="valid_rows")
    assert r.status_code == 200
    body = r.get_json()
    assert body["created"] == 1
    assert sorted(e["column"] for e in body["rows"]) == ["出生日期", "性别", "文化程度", "联系电话"]
    messages = " ".join(e["message"] for e in body["rows"])
    assert "does not match the ID number" in messages and "1968-01-03" in messages


def test_an_id_error_is_reported_together_with_the_rows_other_errors(api):
    from tests.tabular.sheets import xlsx

    headers = ["姓名", "身份证号", "联系电话", "文化程度"]
    bad_id = roster.valid_id("150921", roster.date(1990, 1, 1), 301)[:-1] + "0"
    if bad_id == roster.valid_id("150921", roster.date(1990, 1, 1), 301):
        bad_id = bad_id[:-1] + "1"
    r = upload(api, "bureau", URL, xlsx(headers, [{"姓名": "张三", "身份证号": bad_id, "联系电话": "123",
                                                   "文化程度": "初中"}]))
    assert r.status_code == 422
    columns = sorted(e["column"] for e in r.get_json()["errors"]["rows"])
    assert columns == ["联系电话", "身份证号"]


def test_the_export_says_what_each_roster_worker_still_lacks(api):
    send(api, "xlsx", mode="valid_rows")
    exported = api.get("bureau", "/api/v1/workers/export?format=xlsx&profile_complete=false")
    rows = sheet_rows(exported.data)
    at = rows[0].index("待完善项")
    assert len(rows) == 25 and all("意向地区" in r[at] and "期望月薪" in r[at] for r in rows[1:])


def test_an_update_import_records_a_new_job_once(api, db_session):
    from tests.tabular.sheets import xlsx

    number = roster.valid_id("150921", roster.date(1990, 6, 1), 311)
    headers = ["姓名", "身份证号", "务工状态", "务工地点", "务工单位", "月收入"]
    seeking = {"姓名": "其其格", "身份证号": number, "务工状态": "未务工"}
    assert upload(api, "bureau", URL, xlsx(headers, [seeking])).get_json()["created"] == 1
    at_work = {**seeking, "务工状态": "已务工", "务工地点": "北京市海淀区", "务工单位": "北京乙家政公司", "月收入": 6200}
    for expected in (1, 0):  # the second upload finds the job on record and adds none
        body = upload(api, "bureau", URL, xlsx(headers, [at_work]), on_duplicate="update").get_json()
        assert (body["updated"], body["employed"], body["placements_recorded"]) == (1, 1, expected), body
    placements = api.get("bureau", "/api/v1/placements").get_json()["items"]
    assert [(p["workplace_code"], p["employer_name"], p["monthly_wage"]) for p in placements] == [
        ("110108", "北京乙家政公司", 6200)]
    assert all_workers(api)[0]["status"] == "employed"


def test_a_roster_income_under_the_beijing_minimum_wage_is_a_row_error(api):
    from tests.tabular.sheets import xlsx

    number = roster.valid_id("150921", roster.date(1990, 6, 1), 313)
    row = {"姓名": "其其格", "身份证号": number, "务工状态": "已务工", "务工地点": "北京市朝阳区", "月收入": 1500}
    r = upload(api, "bureau", URL, xlsx(list(row), [row]))
    assert r.status_code == 422
    assert [(e["column"], e["value"]) for e in r.get_json()["errors"]["rows"]] == [("月收入", "1500")]
