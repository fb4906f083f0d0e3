"""Worker roster import: Chinese XLSX and GBK CSV, modes, duplicates, scope, report workbook."""
from __future__ import annotations

from sqlalchemy import func, select

from models.access.tables import AuditEntry
from models.workers.tables import Worker
from tests.factories import AOHAN, id_number, worker_payload
from tests.tabular.sheets import WORKER_HEADERS, XLSX, csv_file, sheet_rows, upload, worker_row, xlsx

URL = "/api/v1/workers/import"


def count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Worker))


def test_chinese_header_xlsx_with_a_title_row_imports_every_worker(api, db_session):
    rows = [worker_row(1), worker_row(2, 脱贫属性="监测对象", 文化程度="高中", 意向地区="本县"),
            worker_row(3, 脱贫属性="一般", 户籍所在旗县="150921", 技能="")]
    r = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows, title="卓资县农村劳动力花名册"))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["created"], body["rejected"], body["written"], body["format"]) == (3, 0, True, "xlsx")
    listed = api.get("bureau", "/api/v1/workers").get_json()["items"]
    first = listed[0]
    assert first["id_number"] == "150921********" + id_number(seq=1)[-4:]
    assert first["skills"] == [{"code": "security", "level": 3, "certified": True},
                               {"code": "electrician", "level": 1, "certified": False}]
    assert first["preferred_occupations"] == ["4-07-05-01"]
    assert first["destinations"] == ["beijing", "in_region"] and first["poverty_status"] == "alleviated"
    assert [w["poverty_status"] for w in listed] == ["alleviated", "monitored", "none"]
    assert listed[1]["education"] == "senior" and listed[1]["destinations"] == ["home_county"]
    assert db_session.scalar(select(AuditEntry).where(AuditEntry.action == "worker.import")) is not None


def test_gbk_csv_with_chinese_headers_imports(api):
    body = csv_file(WORKER_HEADERS, [worker_row(1), worker_row(2, 户籍所在旗县="卓资县")], encoding="gbk")
    body.decode("gbk")  # really GBK, not UTF-8
    r = upload(api, "bureau", URL, body, filename="花名册.csv")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["created"] == 2 and r.get_json()["format"] == "csv"
    assert api.get("bureau", "/api/v1/workers").get_json()["items"][0]["name"] == "张1"


def test_utf8_csv_with_english_headers_imports(api):
    english = {"姓名": "name", "身份证号": "id_number", "联系电话": "phone", "户籍所在旗县": "county",
               "脱贫属性": "poverty_status", "文化程度": "education", "技能": "skills",
               "意向工种": "preferred_occupations", "意向地区": "destinations", "期望月薪": "expected_monthly_wage"}
    row = {english[k]: v for k, v in worker_row(5, 脱贫属性="alleviated", 文化程度="junior",
                                                  意向地区="beijing").items()}
    r = upload(api, "bureau", URL, csv_file(list(english.values()), [row]), filename="roster.csv")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["created"] == 1


def test_atomic_mode_writes_nothing_when_any_row_fails(api, db_session):
    rows = [worker_row(1), worker_row(2, 联系电话="12345"), worker_row(3)]
    r = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows))
    assert r.status_code == 422
    body = r.get_json()
    assert set(body) == {"code", "status", "message", "errors"} and "Nothing was imported" in body["message"]
    assert body["errors"]["rows"] == [{"row": 3, "column": "联系电话", "value": "12345",
                                       "message": body["errors"]["rows"][0]["message"]}]
    assert "mainland mobile" in body["errors"]["rows"][0]["message"]
    assert count(db_session) == 0


def test_valid_rows_mode_imports_the_good_rows_and_lists_the_rest(api, db_session):
    rows = [worker_row(1), worker_row(2, 文化程度="博士后研究"), worker_row(3)]
    r = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows), mode="valid_rows")
    assert r.status_code == 200
    body = r.get_json()
    assert (body["created"], body["rejected"], body["total_rows"]) == (2, 1, 3)
    assert [(e["row"], e["column"], e["value"]) for e in body["rows"]] == [(3, "文化程度", "博士后研究")]
    assert count(db_session) == 2


def test_report_downloads_as_a_workbook_that_can_be_fixed_and_reuploaded(api, db_session):
    rows = [worker_row(1), worker_row(2, 技能="保安;开挖掘机"), worker_row(3)]
    r = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows), headers={"Accept": XLSX})
    assert r.status_code == 422 and r.mimetype == XLSX
    assert count(db_session) == 0
    rejected = sheet_rows(r.data)
    header = rejected[0]
    assert header[0] == "原行号 / row" and header[-1] == "错误说明 / errors" and header[1:-1] == WORKER_HEADERS
    assert len(rejected) == 2 and rejected[1][0] == 3
    assert "开挖掘机" in rejected[1][-1] and "Unrecognised skill" in rejected[1][-1]
    details = sheet_rows(r.data, 1)
    assert details[1][:3] == [3, "技能", "保安;开挖掘机"]
    # the clerk fixes the cell in the report and uploads the report itself
    fixed = [[*row[:-1], None] for row in rejected[1:]]
    fixed[0][header.index("技能")] = "保安"
    from openpyxl import Workbook
    import io
    book = Workbook()
    book.active.append(header)
    for row in fixed:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    again = upload(api, "bureau", URL, buffer.getvalue())
    assert again.status_code == 200 and again.get_json()["created"] == 1
    assert "原行号 / row" in again.get_json()["ignored_columns"]


def test_valid_rows_report_workbook_comes_with_200(api, db_session):
    rows = [worker_row(1), worker_row(2, 期望月薪="面议")]
    r = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows), headers={"Accept": XLSX}, mode="valid_rows")
    assert r.status_code == 200 and r.mimetype == XLSX
    assert count(db_session) == 1
    assert "whole number" in sheet_rows(r.data)[1][-1]


def test_duplicate_id_numbers_in_the_file_are_reported(api, db_session):
    rows = [worker_row(1), worker_row(2, 身份证号=id_number(seq=1))]
    r = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows), mode="valid_rows")
    assert r.get_json()["rows"] == [{"row": 3, "column": "身份证号", "value": id_number(seq=1),
                                       "message": "与第2行身份证号重复 / Same ID number as row 2"}]
    assert count(db_session) == 1


def test_registered_id_numbers_are_skipped_or_updated_as_asked(api, db_session):
    existing = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=1)).get_json()["id"]
    rows = [worker_row(1, 期望月薪=7000), worker_row(2)]
    skipped = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows)).get_json()
    assert (skipped["created"], skipped["skipped"], skipped["updated"]) == (1, 1, 0)
    assert skipped["duplicates"] == [{"row": 2, "column": "身份证号", "action": "skipped",
                                      "existing_worker_id": existing,
                                      "value": "150921********" + id_number(seq=1)[-4:]}]
    assert api.get("bureau", f"/api/v1/workers/{existing}").get_json()["expected_monthly_wage"] == 5000
    updated = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows), on_duplicate="update").get_json()
    assert (updated["created"], updated["updated"], updated["skipped"]) == (0, 2, 0)
    worker = api.get("bureau", f"/api/v1/workers/{existing}")
    assert worker.get_json()["expected_monthly_wage"] == 7000 and worker.headers["ETag"] == f'"{existing}-2"'
    assert count(db_session) == 2


def test_a_bureau_cannot_import_into_another_county(api, db_session):
    rows = [worker_row(1), worker_row(2, 户籍所在旗县="敖汉旗", 身份证号=id_number(AOHAN, seq=2))]
    r = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows))
    assert r.status_code == 422
    assert [(e["row"], e["column"], e["value"]) for e in r.get_json()["errors"]["rows"]] == [(3, "户籍所在旗县", "敖汉旗")]
    assert count(db_session) == 0
    ok = upload(api, "bureau_other", URL, xlsx(WORKER_HEADERS, rows[1:]))
    assert ok.status_code == 200 and ok.get_json()["created"] == 1


def test_a_bureau_cannot_update_a_worker_registered_by_another_county(api, db_session):
    api.post("bureau_other", "/api/v1/workers", json=worker_payload(seq=7, county=AOHAN))
    row = worker_row(7, 身份证号=id_number(AOHAN, seq=7))
    r = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, [row]), on_duplicate="update")
    assert r.status_code == 422
    assert "another county" in r.get_json()["errors"]["rows"][0]["message"]
    assert "existing_worker_id" not in str(r.get_json()["errors"]["rows"])


def test_admin_imports_into_any_county(api):
    rows = [worker_row(1), worker_row(2, 户籍所在旗县="敖汉旗", 身份证号=id_number(AOHAN, seq=2))]
    assert upload(api, "admin", URL, xlsx(WORKER_HEADERS, rows)).get_json()["created"] == 2


def test_formula_cells_are_imported_as_text_never_evaluated(api):
    rows = [worker_row(1, 姓名='=HYPERLINK("http://x","点我")'), worker_row(2, 期望月薪="=2500*2")]
    r = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows), mode="valid_rows")
    body = r.get_json()
    assert body["created"] == 1
    assert body["rows"][0]["row"] == 3 and "Formulas are not evaluated" in body["rows"][0]["message"]
    assert api.get("bureau", "/api/v1/workers").get_json()["items"][0]["name"].startswith("=HYPERLINK")


def test_unknown_columns_are_ignored_and_missing_required_columns_are_a_400(api):
    headers = ["序号", "家庭人口", *WORKER_HEADERS, "备注"]
    rows = [{**worker_row(1), "序号": 1, "家庭人口": 4, "备注": "返乡"}]
    r = upload(api, "bureau", URL, xlsx(headers, rows))
    assert r.status_code == 200 and r.get_json()["ignored_columns"] == ["家庭人口"]
    assert r.get_json()["not_stored_columns"] == ["序号"]
    missing = upload(api, "bureau", URL, xlsx(["姓名", "联系电话"], [worker_row(2)]))
    assert missing.status_code == 400
    message = missing.get_json()["message"]
    assert "身份证号" in message and "联系电话" not in message and "Missing required columns" in message


def test_the_template_lists_the_roster_headers_and_imports_when_filled(api):
    r = api.get("bureau", "/api/v1/workers/import/template")
    assert r.status_code == 200 and r.mimetype == XLSX
    headers = sheet_rows(r.data)[0]
    assert headers[:4] == ["姓名*", "身份证号*", "联系电话", "户籍所在旗县"]
    assert sum(h.startswith("脱贫属性") for h in headers) == 1 and "是否监测户" not in headers
    assert any(row[0] == "脱贫属性" and "脱贫户" in row[3] for row in sheet_rows(r.data, 1))
    filled = {h: worker_row(1).get(h.rstrip("*")) for h in headers}
    filled["需要住宿"], filled["可到岗日期"], filled["语言"] = "是", "2026/9/1", "汉语；蒙古语"
    imported = upload(api, "bureau", URL, xlsx(headers, [filled]))
    assert imported.status_code == 200, imported.get_json()
    worker = api.get("bureau", "/api/v1/workers").get_json()["items"][0]
    assert worker["needs_dormitory"] is True and worker["languages"] == ["zh", "mn"]
    assert worker["available_from"] == "2026-09-01"


def test_a_refused_atomic_import_still_leaves_its_audit_trace(api, db_session):
    from sqlalchemy import select

    from models.access.tables import AuditEntry

    rows = [worker_row(1), worker_row(2, 联系电话="12345")]
    assert upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows)).status_code == 422
    assert count(db_session) == 0
    entries = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "worker.import")).all()
    assert len(entries) == 1
    assert entries[0].detail["refused"] == 422 and entries[0].detail["rejected"] == 1
    assert entries[0].user_id is not None


def test_an_update_import_changes_only_the_columns_the_file_carries(api, db_session):
    full = ["姓名", "身份证号", "联系电话", "户籍所在旗县", "脱贫属性", "文化程度", "技能", "意向工种", "意向地区",
            "期望月薪", "需要住宿", "可到岗日期", "语言", "乡镇（苏木）"]
    row = worker_row(1, 需要住宿="是", 可到岗日期="2026-09-01", 语言="汉语；蒙古语", **{"乡镇（苏木）": "卓资山镇"})
    assert upload(api, "bureau", URL, xlsx(full, [row])).get_json()["created"] == 1
    before = api.get("bureau", "/api/v1/workers").get_json()["items"][0]
    # A roster as kept: name, ID, a new phone, 文化程度 left blank; no skills, occupation,
    # dormitory, destination, wage, date, language or county columns.
    thin = {"姓名": "张一", "身份证号": row["身份证号"], "联系电话": "13900000001", "文化程度": None}
    r = upload(api, "bureau", URL, xlsx(["姓名", "身份证号", "联系电话", "文化程度"], [thin]), on_duplicate="update")
    assert r.status_code == 200 and r.get_json()["updated"] == 1, r.get_json()
    after = api.get("bureau", f"/api/v1/workers/{before['id']}?reveal=true").get_json()
    assert after["name"] == "张一" and after["phone"] == "13900000001"
    unchanged = ("skills", "preferred_occupations", "needs_dormitory", "destinations", "expected_monthly_wage",
                 "available_from", "languages", "education", "poverty_status", "county_code", "township", "status",
                 "profile_complete")
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    assert before["needs_dormitory"] is True and before["skills"] and before["languages"] == ["zh", "mn"]
