"""Every validation rule shows up in the row report — JSON and workbook — and malformed or
oversize files are 400/413, never 500 and never a partial write."""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import clock
from models.workers.tables import Worker
from tests.factories import id_number
from tests.tabular.sheets import WORKER_HEADERS, XLSX, csv_file, sheet_rows, upload, worker_row, xlsx

URL = "/api/v1/workers/import"
HEADERS = [*WORKER_HEADERS, "语言", "需要住宿", "可到岗日期", "求职状态"]


def _with_check(body: str) -> str:
    from stdnum.cn import ric

    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize("column,value,fragment", [
    ("姓名", None, "Missing data for required field"),
    ("身份证号", "150921200405171230", "check character"),
    ("身份证号", _with_check("15092120041317123"), "birth date is not a real date"),
    ("身份证号", "1509212004051712", "18 characters"),
    ("身份证号", 150921200405171230.0, "format the ID column as Text"),
    ("身份证号", "150921200405171000", "store the column as text"),  # a text copy of Excel's 15 digits
    ("身份证号", "000000000000000000", "all zeros"),
    ("身份证号", "15092120040517123", "1 too few"),
    ("身份证号", "15O921200405171230", "Character 3 is a letter"),
    ("身份证号", "150921********1230", "masked copy"),
    ("身份证号", id_number(birth=clock.today() - timedelta(days=365 * 15)), "minimum working age"),
    ("联系电话", "12800000000", "mainland mobile"),
    ("户籍所在旗县", "海淀区", "Unknown county"),
    ("户籍所在旗县", "110105", "Inner Mongolia"),
    ("脱贫属性", "五保户", "Must be one of"),
    ("文化程度", "博士后", "Must be one of"),
    ("技能", "保安;开挖掘机", "Unrecognised skill: 开挖掘机"),
    ("技能", "保安（三年经验）", "Unrecognised skill"),
    ("技能", "保安;安保", "A skill is listed twice"),
    ("意向工种", "宇航员", "Unrecognised occupation"),
    ("意向地区", "月球", "Must be one of"),
    ("期望月薪", "面议", "whole number"),
    ("期望月薪", 0, "between 1 and 100000"),
    ("期望月薪", "=A1*2", "Formulas are not evaluated"),
    ("语言", "法语", "Must be one of"),
    ("需要住宿", "也许", "是/否"),
    ("可到岗日期", "下个月", "YYYY-MM-DD"),
    ("可到岗日期", "1999-01-01", "after 2000"),
    ("可到岗日期", "2026-02-30", "Not a valid date"),
    ("求职状态", "退休", "Must be one of"),
])
def test_each_rule_is_reported_with_row_column_value_and_in_the_workbook(api, db_session, column, value,
                                                                        fragment):
    rows = [worker_row(1), worker_row(2, **{column: value})]
    r = upload(api, "bureau", URL, xlsx(HEADERS, rows))
    assert r.status_code == 422
    errors = r.get_json()["errors"]["rows"]
    assert {e["row"] for e in errors} == {3} and {e["column"] for e in errors} == {column}
    shown = "" if value is None else str(value)
    if isinstance(value, float):  # a number cell keeps 15 significant digits: what the clerk sees
        assert errors[0]["value"].startswith("15092120040517")
    else:
        assert errors[0]["value"] == shown
    assert fragment in " ".join(e["message"] for e in errors) and " / " in errors[0]["message"]
    assert db_session.scalar(select(func.count()).select_from(Worker)) == 0
    book = upload(api, "bureau", URL, xlsx(HEADERS, rows), headers={"Accept": XLSX})
    assert book.status_code == 422
    rejected = sheet_rows(book.data)
    assert [row[0] for row in rejected[1:]] == [3] and fragment in rejected[1][-1]


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


GOOD = xlsx(WORKER_HEADERS, [worker_row(1)])


@pytest.mark.parametrize("body,filename,fragment", [
    (b"this is not a workbook", "roster.xlsx", "not a valid .xlsx"),
    (GOOD[: len(GOOD) // 2], "roster.xlsx", "not a valid .xlsx"),
    (_zip({"hello.txt": b"hi"}), "roster.xlsx", "could not be read"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "old.xls", "old .xls format"),
    (b"", "empty.csv", "empty"),
    (b"\x00\x01\x02binary\x00", "roster.csv", "not a text CSV"),
    (b"\x81\x30\xff\xfe", "roster.csv", "Unknown encoding"),
    (csv_file(["a", "b"], [{"a": 1, "b": 2}]), "roster.csv", "No header row"),
])
def test_malformed_files_are_a_400_with_a_clear_message(api, db_session, body, filename, fragment):
    r = upload(api, "bureau", URL, body, filename=filename)
    assert r.status_code == 400, r.get_json()
    assert fragment in r.get_json()["message"] and " / " in r.get_json()["message"]
    assert db_session.scalar(select(func.count()).select_from(Worker)) == 0


def test_a_file_over_the_size_cap_is_a_413(api, app):
    app.config["MAX_UPLOAD_BYTES"] = 100_000
    body = csv_file(WORKER_HEADERS, [worker_row(i) for i in range(1, 1500)])
    assert len(body) > 100_000 + 64 * 1024
    r = upload(api, "bureau", URL, body, filename="big.csv")
    assert r.status_code == 413 and "limit" in r.get_json()["message"]
    just_over = csv_file(WORKER_HEADERS, [worker_row(i) for i in range(1, 900)])
    assert 100_000 < len(just_over) < 100_000 + 64 * 1024
    assert upload(api, "bureau", URL, just_over, filename="big.csv").status_code == 413


def test_more_rows_than_the_cap_is_a_413(api, app, db_session):
    app.config["MAX_IMPORT_ROWS"] = 2
    r = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, [worker_row(i) for i in (1, 2, 3)]))
    assert r.status_code == 413 and "More than 2 rows" in r.get_json()["message"]
    assert upload(api, "bureau", URL, xlsx(WORKER_HEADERS, [worker_row(1), worker_row(2)])).status_code == 200


def test_a_workbook_inflating_past_the_cap_is_a_413(api, app):
    app.config["MAX_UNZIPPED_BYTES"] = 10_000
    r = upload(api, "bureau", URL, GOOD)
    assert r.status_code == 413 and "inflates" in r.get_json()["message"]


def test_a_zip_bomb_is_a_413_before_it_is_inflated(api, db_session):
    r = upload(api, "bureau", URL, _zip({"xl/worksheets/sheet1.xml": b"\0" * 5_000_000}), filename="bomb.xlsx")
    assert r.status_code == 413 and "abnormal compression" in r.get_json()["message"]
    assert {"code", "status", "message"} <= set(r.get_json())


def test_a_request_without_a_file_is_a_422_naming_the_field(api):
    r = api.post("bureau", URL, data={}, content_type="multipart/form-data")
    assert r.status_code == 422 and "file" in r.get_json()["errors"]["files"]


def test_unknown_mode_is_refused(api):
    r = upload(api, "bureau", URL, GOOD, mode="some_rows")
    assert r.status_code == 422 and "mode" in r.get_json()["errors"]["query"]
