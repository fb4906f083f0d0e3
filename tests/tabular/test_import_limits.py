"""Bounded imports: an atomic import stops collecting errors after ``MAX_IMPORT_ERRORS`` rejected
rows and says how many it did not check; every report lists at most that many errors and counts
the rest; a hostile workbook (members lying about their size, endless footer lines, a file that
takes too long to read) is a 400/413 in the one error shape, and nothing is written."""
from __future__ import annotations

import io
import struct
import zipfile

from sqlalchemy import func, select

from models.workers.tables import Worker
from tests.tabular.sheets import WORKER_HEADERS, XLSX, csv_file, sheet_rows, upload, worker_row, xlsx

URL = "/api/v1/workers/import"
ERROR_SHAPE = {"code", "status", "message"}


def _bad_rows_csv(count: int) -> bytes:
    """``count`` rows whose ID number is not one: each a rejected row."""
    lines = ["姓名,身份证号"] + [f"张{i},X{i}" for i in range(count)]
    return "\n".join(lines).encode()


def test_an_atomic_import_of_200000_bad_rows_stops_at_the_error_limit_and_says_how_many_are_unchecked(
        api, app, db_session):
    limit = app.config["MAX_IMPORT_ERRORS"]
    r = upload(api, "bureau", URL, _bad_rows_csv(200_000), filename="bad.csv")
    assert r.status_code == 422
    body = r.get_json()
    assert ERROR_SHAPE <= set(body)
    report = body["errors"]
    assert report["written"] is False and report["total_rows"] == 200_000
    assert report["rejected"] == limit and report["unchecked_rows"] == 200_000 - limit
    assert len(report["rows"]) <= limit and report["errors_not_listed"] == report["errors"] - len(report["rows"])
    assert f"{200_000 - limit} rows were not checked" in body["message"]
    assert len(r.data) < 1_000_000  # the body stays small however bad the file
    assert db_session.scalar(select(func.count()).select_from(Worker)) == 0


def test_a_valid_rows_import_checks_every_row_but_lists_only_the_first_errors(api, app, db_session):
    app.config["MAX_IMPORT_ERRORS"] = 5
    rows = [worker_row(1), *[worker_row(i, 身份证号=f"X{i}") for i in range(2, 40)], worker_row(40)]
    r = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows), mode="valid_rows")
    assert r.status_code == 200
    report = r.get_json()
    assert report["created"] == 2 and report["rejected"] == 38 and report["unchecked_rows"] == 0
    assert len(report["rows"]) == 5 and report["errors"] == 38 and report["errors_not_listed"] == 33
    book = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows[1:-1]), mode="valid_rows",
                  headers={"Accept": XLSX})
    assert len(sheet_rows(book.data)) == 1 + 5  # header + the listed rejected rows
    assert db_session.scalar(select(func.count()).select_from(Worker)) == 2


def _inflated_member_lying_about_its_size(good: bytes, name: str, real: bytes, declared: int) -> bytes:
    """``good`` with member ``name`` replaced by ``real`` whose central-directory entry claims
    ``declared`` bytes inflated (a crafted bomb that passes a naive ratio check)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, real if info.filename == name else src.read(info.filename))
    data = bytearray(out.getvalue())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + length]).decode() == name:
            struct.pack_into("<I", data, at + 24, declared)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def test_a_member_that_inflates_past_its_declared_size_is_refused_unread(api, db_session):
    good = xlsx(WORKER_HEADERS, [worker_row(1)])
    sheet = b"<worksheet>" + b" " * 50_000_000 + b"</worksheet>"
    hostile = _inflated_member_lying_about_its_size(good, "xl/worksheets/sheet1.xml", sheet, 1000)
    assert len(hostile) < 200_000
    r = upload(api, "bureau", URL, hostile)
    assert r.status_code == 400 and ERROR_SHAPE <= set(r.get_json())
    assert "could not be read" in r.get_json()["message"]
    assert db_session.scalar(select(func.count()).select_from(Worker)) == 0


def test_endless_footer_lines_are_a_413(api, app, db_session):
    app.config["MAX_IMPORT_ROWS"] = 10
    rows = [worker_row(1), *({"姓名": "合计"} for _ in range(2000))]
    r = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, rows))
    assert r.status_code == 413 and ERROR_SHAPE <= set(r.get_json())
    assert "blank lines included" in r.get_json()["message"]


def test_a_sheet_too_wide_is_a_413(api, db_session):
    headers = [*WORKER_HEADERS, *(f"列{i}" for i in range(300))]
    r = upload(api, "bureau", URL, xlsx(headers, [worker_row(1)]))
    assert r.status_code == 413 and "More than 256 columns" in r.get_json()["message"]


def test_reading_past_the_time_budget_is_a_413_for_xlsx_and_csv(api, app, db_session):
    app.config["IMPORT_PARSE_SECONDS"] = 0
    r = upload(api, "bureau", URL, xlsx(WORKER_HEADERS, [worker_row(1)]))
    assert r.status_code == 413 and ERROR_SHAPE <= set(r.get_json())
    assert "longer than the 0 s limit" in r.get_json()["message"]
    body = csv_file(WORKER_HEADERS, [worker_row(i) for i in range(1, 600)])
    r = upload(api, "bureau", URL, body, filename="roster.csv")
    assert r.status_code == 413 and "longer than" in r.get_json()["message"]
    assert db_session.scalar(select(func.count()).select_from(Worker)) == 0
    app.config["IMPORT_PARSE_SECONDS"] = 60
    assert upload(api, "bureau", URL, body, filename="roster.csv").status_code == 200
