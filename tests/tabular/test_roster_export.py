"""Exports mask by role exactly as the API does, honour the list filters, defuse formulas;
posting import follows the posting API's rules and the employer's scope."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from models import clock
from models.access.tables import AuditEntry
from models.postings.tables import Posting
from tests.factories import AOHAN, id_number, posting_payload, worker_payload
from tests.tabular.sheets import XLSX, sheet_rows, upload, xlsx

WORKERS = "/api/v1/workers/export"
POSTINGS = "/api/v1/postings/export"


def _csv_rows(body: bytes) -> list[list[str]]:
    import csv

    text = body.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel needs the BOM to show Chinese
    return list(csv.reader(io.StringIO(text[1:])))


def test_worker_export_is_masked_exactly_like_the_api_and_scoped_to_the_bureau(api, db_session):
    api.post("bureau", "/api/v1/workers", json=worker_payload(seq=1))
    api.post("bureau_other", "/api/v1/workers", json=worker_payload(seq=2, county=AOHAN))
    listed = api.get("bureau", "/api/v1/workers").get_json()["items"][0]
    r = api.get("bureau", WORKERS)
    assert r.status_code == 200 and r.mimetype == XLSX and r.headers["Cache-Control"] == "no-store"
    rows = sheet_rows(r.data)
    header, data = rows[0], rows[1:]
    assert len(data) == 1
    record = dict(zip(header, data[0]))
    assert record["身份证号"] == listed["id_number"] == "150921********" + id_number(seq=1)[-4:]
    assert record["联系电话"] == listed["phone"] == "138****0001"
    assert record["户籍所在旗县"] == "卓资县" and record["脱贫属性"] == "脱贫户"
    assert record["技能"] == "保安（初级，有证）" and record["意向工种"] == "保安员"
    assert db_session.scalar(select(AuditEntry).where(AuditEntry.action == "worker.export")).detail["rows"] == 1
    admin = sheet_rows(api.get("admin", WORKERS).data)
    assert len(admin) == 3 and all("********" in row[header.index("身份证号")] for row in admin[1:])


def test_worker_export_as_csv_with_list_filters(api):
    api.post("bureau", "/api/v1/workers", json=worker_payload(seq=1))
    api.post("bureau", "/api/v1/workers", json=worker_payload(seq=2, poverty_status="monitored"))
    r = api.get("bureau", WORKERS + "?format=csv&poverty_status=monitored")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = _csv_rows(r.data)
    assert len(rows) == 2 and rows[1][rows[0].index("脱贫属性")] == "监测对象"
    assert rows[1][rows[0].index("联系电话")] == "138****0002"
    assert api.get("bureau", WORKERS + "?format=pdf").status_code == 422


def test_employers_and_fairs_cannot_export_workers(api):
    assert api.get("employer", WORKERS).status_code == 403
    assert api.get("fair", WORKERS).status_code == 403


def test_exports_defuse_formula_injection(api):
    api.post("bureau", "/api/v1/workers", json=worker_payload(seq=1, name="=cmd|' /C calc'!A0"))
    api.post("bureau", "/api/v1/workers", json=worker_payload(seq=2, name="@SUM(1+1)", village="-2+3"))
    rows = _csv_rows(api.get("bureau", WORKERS + "?format=csv").data)
    names = [row[rows[0].index("姓名")] for row in rows[1:]]
    assert names == ["'=cmd|' /C calc'!A0", "'@SUM(1+1)"]
    assert rows[2][rows[0].index("村（嘎查）")] == "'-2+3"
    book = sheet_rows(api.get("bureau", WORKERS).data)
    assert book[1][book[0].index("姓名")] == "'=cmd|' /C calc'!A0"


def test_posting_export_shows_an_employer_only_its_own_postings(api):
    api.post("employer", "/api/v1/postings", json=posting_payload())
    api.post("admin", "/api/v1/postings", json=posting_payload(api.tokens["_employer_other_id"], title="家政"))
    own = sheet_rows(api.get("employer", POSTINGS).data)
    assert [row[own[0].index("岗位名称")] for row in own[1:]] == ["小区保安"]
    everything = _csv_rows(api.get("fair", POSTINGS + "?format=csv").data)
    assert len(everything) == 3 and everything[1][everything[0].index("工作地区县")] == "朝阳区"


POSTING_HEADERS = ["岗位名称", "工种", "工作地区县", "工作地址", "招聘人数", "最低月薪", "最高月薪", "技能要求",
                   "提供住宿", "截止日期"]


def posting_row(**overrides):
    row = {"岗位名称": "小区保安", "工种": "保安员", "工作地区县": "朝阳区", "工作地址": "望京街道",
           "招聘人数": 5, "最低月薪": 5500, "最高月薪": 6500, "技能要求": "保安（中级，有证）", "提供住宿": "是",
           "截止日期": clock.today() + timedelta(days=60)}
    row.update(overrides)
    return row


def test_an_employer_imports_postings_for_itself(api, db_session):
    r = upload(api, "employer", "/api/v1/postings/import", xlsx(POSTING_HEADERS, [posting_row(), posting_row(
        岗位名称="家政服务员", 工种="家政服务员", 技能要求="家政")]))
    assert r.status_code == 200, r.get_json()
    postings = api.get("employer", "/api/v1/postings").get_json()["items"]
    assert [p["employer_id"] for p in postings] == [api.tokens["_employer_id"]] * 2
    assert postings[0]["district_code"] == "110105" and postings[0]["provides_dormitory"] is True
    assert postings[0]["required_skills"] == [{"code": "security", "min_level": 3, "certificate_required": True}]


def test_an_imported_posting_restricting_marital_status_is_a_row_error_citing_the_law(api, db_session):
    rows = [posting_row(), posting_row(岗位名称="收银员（未婚未育）")]
    r = upload(api, "employer", "/api/v1/postings/import", xlsx(POSTING_HEADERS, rows))
    assert r.status_code == 422
    [issue] = r.get_json()["errors"]["rows"]
    assert issue["row"] == 3 and issue["column"] == "岗位名称" and "Art. 43" in issue["message"]
    assert api.get("employer", "/api/v1/postings").get_json()["total"] == 0


def test_posting_rules_are_row_errors_and_atomic_writes_nothing(api, db_session):
    rows = [posting_row(), posting_row(岗位名称="保安（限男性）"), posting_row(最低月薪=2000, 最高月薪=3000),
            posting_row(用人单位编号=api.tokens["_employer_other_id"])]
    r = upload(api, "employer", "/api/v1/postings/import", xlsx([*POSTING_HEADERS, "用人单位编号"], rows))
    assert r.status_code == 422
    errors = {(e["row"], e["column"]): e["message"] for e in r.get_json()["errors"]["rows"]}
    assert "Employment Promotion Law" in errors[(3, "岗位名称")]
    assert "minimum wage" in errors[(4, "最低月薪")]
    assert "your own employer" in errors[(5, "用人单位编号")]
    assert db_session.scalar(select(func.count()).select_from(Posting)) == 0


def test_a_posting_row_naming_an_occupation_group_is_told_to_give_an_occupation(api):
    r = upload(api, "employer", "/api/v1/postings/import", xlsx(POSTING_HEADERS, [posting_row(工种="4-09-08-00")]),
               mode="valid_rows")
    [error] = r.get_json()["rows"]
    assert error["column"] == "工种" and "是小类" in error["message"] and "4-09-08-01 保洁员" in error["message"]


def test_an_administrator_must_name_the_employer(api):
    r = upload(api, "admin", "/api/v1/postings/import", xlsx(POSTING_HEADERS, [posting_row()]), mode="valid_rows")
    assert r.get_json()["created"] == 0 and "employer_id is required" in r.get_json()["rows"][0]["message"]
    named = {**posting_row(), "用人单位编号": api.tokens["_employer_other_id"]}
    ok = upload(api, "admin", "/api/v1/postings/import", xlsx([*POSTING_HEADERS, "用人单位编号"], [named]))
    assert ok.status_code == 200 and ok.get_json()["created"] == 1
    missing = {**posting_row(), "用人单位编号": 99999}
    bad = upload(api, "admin", "/api/v1/postings/import", xlsx([*POSTING_HEADERS, "用人单位编号"], [missing]))
    assert "No such employer" in bad.get_json()["errors"]["rows"][0]["message"]


def test_posting_template_downloads(api):
    r = api.get("employer", "/api/v1/postings/import/template")
    assert r.status_code == 200 and r.mimetype == XLSX
    assert "岗位名称*" in sheet_rows(r.data)[0]
