"""Helpers building roster files (xlsx/csv) and uploading them through the API client."""
from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook, load_workbook

from tests.factories import id_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKER_HEADERS = ["姓名", "身份证号", "联系电话", "户籍所在旗县", "脱贫属性", "文化程度", "技能", "意向工种",
                  "意向地区", "期望月薪"]


def worker_row(seq: int = 1, **overrides: Any) -> dict[str, Any]:
    row = {"姓名": f"张{seq}", "身份证号": id_number(seq=seq), "联系电话": f"138{seq:08d}",
           "户籍所在旗县": "卓资县", "脱贫属性": "脱贫户", "文化程度": "初中", "技能": "保安（中级，有证）;电工",
           "意向工种": "保安员", "意向地区": "北京、区内", "期望月薪": 5000}
    row.update(overrides)
    return row


def xlsx(headers: list[str], rows: list[dict[str, Any]], title: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_file(headers: list[str], rows: list[dict[str, Any]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else row.get(h) for h in headers])
    return out.getvalue().encode(encoding)


def upload(api, role: str, path: str, body: bytes, filename: str = "roster.xlsx",
           headers: dict[str, str] | None = None, **query: str):
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    return api.post(role, f"{path}?{qs}" if qs else path, headers=headers,
                    data={"file": (io.BytesIO(body), filename)}, content_type="multipart/form-data")


def sheet_rows(body: bytes, index: int = 0) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(body), read_only=True)
    return [list(r) for r in book.worksheets[index].iter_rows(values_only=True)]
