"""Read an uploaded roster (.xlsx, or .csv in UTF-8/GBK) into a header and raw rows, safely.

Defences, each a clear 400/413 instead of a crash: the old binary .xls and anything that is
not a readable workbook or CSV are refused (400); an .xlsx whose zip members declare more than
the cap inflated, or an abnormal compression ratio (zip bomb), is refused *before* openpyxl
opens it (413; Python's zipfile never inflates a member past its declared size, so the
declaration cannot lie); rows beyond the cap, a sheet wider than ``MAX_COLUMNS`` and a file whose
reading takes longer than its time budget (``IMPORT_PARSE_SECONDS``: millions of blank or
footer lines, huge cells) are refused (413). Blank and footer lines count against a line budget
of twice the row cap, so they cannot keep a worker busy either.
Formulas are never evaluated: openpyxl is opened with ``data_only=False`` so a formula cell
arrives as its text (``=A1*2``) and is validated as data; cached results are ignored.
"""
from __future__ import annotations

import csv
import io
import re
import itertools
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from api.tabular.cells import as_text, is_blank
from api.tabular.columns import Spec
from models.errors import DomainError

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_SEARCH_ROWS = 10
"""Rosters often carry a title row (e.g. 卓资县农村劳动力花名册) above the header."""
MAX_RATIO = 200
"""Spreadsheet XML compresses ~5–30×; a member inflating more than this is treated as a bomb."""
MAX_COLUMNS = 256
"""A roster has a few dozen columns; a header row wider than this is refused."""
CLOCK_EVERY = 500
"""The time budget is looked at every this many lines."""


class UploadError(DomainError):
    """The upload cannot be read as a roster (400), or is over a size limit (413).

    A concern of the upload format, not of any domain rule, hence its own statuses; it is a
    ``DomainError`` so ``api/errors.py`` renders it like every other error (``message``).
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


FOOTER_MARKERS = ("合计", "小计", "总计", "共计", "累计", "制表人", "制表", "填表人", "填报人", "填报日期",
                  "填表日期", "审核人", "审核", "负责人", "单位负责人", "经办人", "联系人", "填报单位", "备注：", "注：",
                  "说明：")
"""What starts the lines under a county roster's last row (合计 row, 制表人/审核人 signatures)."""
BLANK = "空行 / blank row"
_FOLD = re.compile(r"[\s:：]+")
_FOLDED_MARKERS = tuple(_FOLD.sub("", m) for m in FOOTER_MARKERS)


@dataclass
class Table:
    """The sheet as read: the header cells, data rows as (spreadsheet row number, cells), and
    the rows passed over below the header as (row number, why) — blank, total or footer lines,
    a repeated header — which are reported as skipped, never as errors."""

    format: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    skipped: list[tuple[int, str]] = field(default_factory=list)


def footer_reason(values: list[Any]) -> str | None:
    """Why a row under the header is no data row: a total (合计/小计) or a footer line
    (制表人, 填报日期, 审核人 …), or None. Only the first text cells are looked at, and a row
    whose text merely contains 合计 further right (an address, a remark) stays a data row."""
    texts: list[str] = []
    for v in values:
        if not is_blank(v):
            texts.append(as_text(v))
            if len(texts) == 2:
                break
    for text in texts:
        if _FOLD.sub("", text).startswith(_FOLDED_MARKERS):
            return f"合计/表尾行（{text[:20]}）/ total or footer line"
    return None


@dataclass(frozen=True)
class Budget:
    """What reading one file may cost: data rows, inflated bytes of an .xlsx, seconds."""

    max_rows: int
    max_unzipped: int
    seconds: float

    def deadline(self) -> float:
        return time.monotonic() + self.seconds


def too_slow(seconds: float) -> UploadError:
    return UploadError(413, f"文件读取超过{seconds:g}秒上限（行数或单元格过多），请拆分文件 / Reading the file took "
                            f"longer than the {seconds:g} s limit (too many rows or cells); split the file")


def read_upload(filename: str, data: bytes, spec: Spec, *, budget: Budget) -> Table:
    name = (filename or "").lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadError(400, "不支持旧版 .xls 文件，请另存为 .xlsx 或 .csv 后上传 / The old .xls format is "
                               "not supported; save the file as .xlsx or .csv")
    if data.startswith(b"PK\x03\x04"):
        return Table("xlsx", *_xlsx(data, spec, budget))
    if name.endswith((".xlsx", ".xlsm")):
        raise UploadError(400, "文件已损坏或不是有效的 .xlsx 工作簿 / The file is not a valid .xlsx workbook")
    if not data.strip():
        raise UploadError(400, "文件为空 / The file is empty")
    return Table("csv", *_csv(data, spec, budget))


def _check_zip(data: bytes, max_unzipped: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise UploadError(400, "文件已损坏或不是有效的 .xlsx 工作簿 / The file is not a valid .xlsx workbook") from None
    total = sum(m.file_size for m in members)
    bomb = any(m.file_size > 1_000_000 and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members)
    if total > max_unzipped or bomb:
        raise UploadError(413, f"工作簿解压后过大（{total // 1_000_000} MB，异常压缩），已拒绝 / The workbook "
                               f"inflates to {total // 1_000_000} MB (abnormal compression) and was refused")


def _xlsx(data: bytes, spec: Spec, budget: Budget) -> tuple[list[str], list, list]:
    deadline = budget.deadline()
    _check_zip(data, budget.max_unzipped)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds (KeyError, XML and zip errors) on a bad file
        raise UploadError(400, "无法读取工作簿，文件可能已损坏 / The workbook could not be read; it may be "
                               "damaged") from None
    try:
        if not book.worksheets:
            raise UploadError(400, "工作簿中没有工作表 / The workbook has no worksheet")
        if time.monotonic() > deadline:  # opening parsed the shared strings and styles
            raise too_slow(budget.seconds)
        return _table(book.worksheets[0].iter_rows(values_only=True), spec, budget, deadline)
    except UploadError:
        raise
    except Exception:
        raise UploadError(400, "无法读取工作簿，文件可能已损坏 / The workbook could not be read; it may be "
                               "damaged") from None
    finally:
        book.close()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # a superset of GBK, which Excel uses for Chinese CSV
    except UnicodeDecodeError:
        raise UploadError(400, "无法识别文件编码，请使用 UTF-8 或 GBK 编码的 CSV / Unknown encoding; use a "
                               "UTF-8 or GBK CSV") from None


def _csv(data: bytes, spec: Spec, budget: Budget) -> tuple[list[str], list, list]:
    deadline = budget.deadline()
    text = _decode(data)
    if "\x00" in text:
        raise UploadError(400, "文件不是文本格式的 CSV / The file is not a text CSV")
    first = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first.count)
    try:
        return _table(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), spec, budget, deadline)
    except csv.Error as exc:
        raise UploadError(400, f"CSV 格式错误 / Malformed CSV: {exc}") from None


def _table(rows: Iterable[Iterable[Any]], spec: Spec, budget: Budget,
           deadline: float) -> tuple[list[str], list, list]:
    """Find the header row (the first with two or more known headers; title rows, merged title
    cells and a 填报单位 line above it are passed over) and collect the data rows, setting aside
    blank, total and footer rows and repeated headers — within the budget's rows, lines and time."""
    max_rows = budget.max_rows
    iterator: Iterator[Iterable[Any]] = iter(rows)
    headers: list[str] | None = None
    number = 0
    for number, row in enumerate(iterator, start=1):
        values = list(row)
        if sum(spec.column(v) is not None for v in values) >= 2:
            headers = ["" if is_blank(v) else str(v).strip() for v in values]
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if headers is not None:
        while headers and not headers[-1]:
            headers.pop()  # a sheet formatted to its last column yields thousands of empty cells
        if len(headers) > MAX_COLUMNS:
            raise UploadError(413, f"列数超过上限{MAX_COLUMNS}列 / More than {MAX_COLUMNS} columns")
    if headers is None:
        raise UploadError(400, f"前{HEADER_SEARCH_ROWS}行中找不到表头（如 {spec.columns[0].zh}、"
                               f"{spec.columns[1].zh}） / No header row found in the first "
                               f"{HEADER_SEARCH_ROWS} rows; download the template")
    out: list[tuple[int, list[Any]]] = []
    skipped: list[tuple[int, str]] = []
    width = len(headers)
    max_lines = 2 * max_rows + HEADER_SEARCH_ROWS
    for number, row in enumerate(iterator, start=number + 1):
        if number % CLOCK_EVERY == 0:
            if time.monotonic() > deadline:
                raise too_slow(budget.seconds)
            if number > max_lines:
                raise UploadError(413, f"文件行数（含空行）超过上限{max_lines}行，请删除空行或拆分文件 / More than "
                                       f"{max_lines} lines (blank lines included); remove them or split the file")
        values = list(itertools.islice(row, width))
        if all(is_blank(v) for v in values):
            skipped.append((number, BLANK))
            continue
        if (reason := footer_reason(values)) is not None:
            skipped.append((number, reason))
            continue
        if sum(1 for v, h in zip(values, headers) if h and isinstance(v, str) and v.strip() == h) >= 2:
            skipped.append((number, "重复的表头 / repeated header"))
            continue
        if len(out) >= max_rows:
            raise UploadError(413, f"行数超过上限{max_rows}行，请拆分文件 / More than {max_rows} rows; "
                                   "split the file")
        out.append((number, values + [None] * (width - len(values))))
    # Trailing blank lines after the last data row are not worth a report line.
    last = out[-1][0] if out else number
    skipped = [(n, why) for n, why in skipped if n < last or why != BLANK]
    return headers, out, skipped
