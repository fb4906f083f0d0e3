"""Sheet writers shared by exports, import reports and templates (.xlsx and .csv).

Every text cell is neutralised against formula injection (CSV/Excel "DDE" attacks): a value
starting with = + - @ (or tab/CR) gets a leading apostrophe, so a spreadsheet program shows
it as text instead of running it. Numbers and dates are written as they are.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from flask import Response

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv; charset=utf-8"
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; exports are in UTC
    return value


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per (title, headers, rows); written in streaming mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        header_cells = []
        for h in headers:
            cell = WriteOnlyCell(sheet, value=neutralise(h))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([neutralise(_cell_text(v) if isinstance(v, bool) else v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM, which Excel needs to show Chinese correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([neutralise(_cell_text(v)) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A ``Content-Disposition`` value for a name that may be Chinese (RFC 6266/5987
    ``filename*``) and may come from personal data: the plain ``filename`` keeps only safe
    ASCII, so a worker named ``x"; filename=evil.exe`` or with a line break cannot add a
    parameter or a header, and ``filename*`` is percent-encoded whole."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename.encode("ascii", "ignore").decode()).strip("._")
    return f"{disposition}; filename=\"{ascii_name or 'download'}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(body: bytes, filename: str, mimetype: str, status: int = 200) -> Response:
    """A file response; the filename may be Chinese (RFC 5987 ``filename*``)."""
    response = Response(body, status=status, mimetype=mimetype.split(";")[0])
    if "charset" in mimetype:
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"  # personal data must not sit in caches
    return response
