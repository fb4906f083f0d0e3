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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class PrintSheet:
    """A sheet meant for paper: title lines above the table, the table, a note below it."""

    title: str
    lines: Sequence[str]
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    widths: Sequence[int] = ()
    """Column widths in characters (a Chinese character counts about two)."""
    note: str = ""


def a4_workbook(sheets: Sequence[PrintSheet]) -> bytes:
    """A workbook that prints on A4 landscape as it is: the table fitted to the page width, its
    header row repeated on every page, borders, wrapped text, page numbers in the footer."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    for spec in sheets:
        sheet = book.create_sheet(title=spec.title[:31])
        for k, line in enumerate(spec.lines):
            sheet.append([neutralise(line)])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=14 if k == 0 else 11)
        if spec.lines:
            sheet.append([])
        sheet.append([neutralise(h) for h in spec.headers])
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font, cell.border, cell.alignment = Font(bold=True), border, wrap
        for row in spec.rows:
            sheet.append([neutralise(_cell_text(v) if isinstance(v, bool) else v) for v in row])
            for cell in sheet[sheet.max_row]:
                cell.border, cell.alignment = border, wrap
        if spec.note:
            sheet.append([])
            sheet.append([neutralise(spec.note)])
        for n, width in enumerate(spec.widths, 1):
            sheet.column_dimensions[get_column_letter(n)].width = width
        sheet.print_title_rows = f"{header_row}:{header_row}"
        sheet.freeze_panes = sheet.cell(header_row + 1, 1)
        setup = sheet.page_setup
        setup.paperSize, setup.orientation = sheet.PAPERSIZE_A4, sheet.ORIENTATION_LANDSCAPE
        setup.fitToWidth, setup.fitToHeight = 1, 0  # one page wide, as many pages long as needed
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        sheet.page_margins.top = sheet.page_margins.bottom = 0.6
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
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
