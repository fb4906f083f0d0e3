"""Rows → API data: convert the cells, then validate with the API's own marshmallow schema.

Field errors are mapped back to the column the clerk used (her header spelling), with the
cell's value, so the report reads "row 7, 身份证号, 1509…, 身份证号校验位（第18位）错误 / …".
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, ValidationError

from api.errors import bilingual
from api.tabular.cells import CellError, Fields, is_blank, shown
from api.tabular.columns import CHECK, FIELD, NOT_STORED, ROSTER, Column, Spec
from api.tabular.reader import Table, UploadError

ROW_LABEL = "（整行）/ (row)"


@dataclass(frozen=True)
class Issue:
    """One rejected cell: spreadsheet row number, column header, the value, the message."""

    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class Row:
    number: int
    raw: list[Any]
    data: dict[str, Any] | None = None
    issues: list[Issue] = field(default_factory=list)
    given: frozenset[str] = frozenset()
    """The schema fields this row's file actually filled (an update changes only those)."""
    facts: dict[str, Any] = field(default_factory=dict)
    """Converted cross-check and roster cells (性别, 出生日期, 务工状态 …), not schema fields."""

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass
class Layout:
    """Where each known column sits in the uploaded sheet, and what was ignored."""

    spec: Spec
    headers: list[str]
    positions: dict[str, int]
    ignored: list[str]
    columns: dict[str, Column] = field(default_factory=dict)
    """The column each field was read from (是否监测户 and 脱贫属性 both give poverty_status)."""
    not_stored: list[str] = field(default_factory=list)

    def header_for(self, name: str) -> str:
        """The uploaded header of a field, else the template's Chinese one."""
        if name in self.positions:
            return self.headers[self.positions[name]]
        column = self.spec.by_field(name)
        return column.zh if column else name

    def value_of(self, row: Row, name: str) -> str:
        at = self.positions.get(name)
        return "" if at is None or is_blank(row.raw[at]) else shown(row.raw[at])


def layout(table: Table, spec: Spec) -> Layout:
    """Map headers to fields; returns the layout or raises ``UploadError`` naming missing columns."""
    positions: dict[str, int] = {}
    columns: dict[str, Column] = {}
    ignored: list[str] = []
    not_stored: list[str] = []
    for at, header in enumerate(table.headers):
        column = spec.column(header)
        if column is None or column.field in positions:
            if header:
                ignored.append(header)
            continue
        if column.role == NOT_STORED:
            not_stored.append(header)
            continue
        positions[column.field] = at
        columns[column.field] = column
    missing = [c for c in spec.columns if c.required and c.field not in positions]
    if missing:
        zh = "、".join(c.zh for c in missing)
        en = ", ".join(c.en for c in missing)
        raise UploadError(400, f"缺少必填列：{zh} / Missing required columns: {en}")
    return Layout(spec, table.headers, positions, ignored, columns, not_stored)


def _messages(errors: Any, prefix: str = "") -> Iterator[str]:
    """Flatten marshmallow's nested errors ({0: {"level": [...]}}) into readable lines."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            label = f"第{key + 1}项 / item {key + 1}: " if isinstance(key, int) else (
                f"{key}: " if key != "_schema" else "")
            yield from _messages(value, prefix + label)
    elif isinstance(errors, (list, tuple)):
        for value in errors:
            yield from _messages(value, prefix)
    else:
        yield prefix + bilingual(str(errors))


def convert(row: Row, lay: Layout) -> tuple[dict[str, Any], dict[str, str]]:
    """Cells → field values (cross-check and roster cells into ``row.facts``); failing cells
    give an error per field instead of a value."""
    data: dict[str, Any] = {}
    failed: dict[str, str] = {}
    for name, at in lay.positions.items():
        raw = row.raw[at]
        if is_blank(raw):
            continue
        column = lay.columns[name]
        try:
            value = column.convert(raw)
        except CellError as exc:
            failed[name] = str(exc)
            continue
        if column.role == FIELD and isinstance(value, Fields):
            data.update(value)
        elif column.role == FIELD:
            data[name] = value
        elif column.role in (CHECK, ROSTER):
            row.facts[name] = value
    return data, failed


Prepare = Callable[[Row, dict[str, Any], dict[str, str]], None]
"""Completes a row's ``data`` before validation, or files a message in its ``failed`` cells."""


def validate_rows(table: Table, lay: Layout, schema: Schema, prepare: Prepare | None = None,
                  stop_after: int | None = None) -> tuple[list[Row], int]:
    """Rows converted and validated; ``row.data`` holds the schema's output when valid.
    ``prepare`` may complete a row's data before validation (the county a roster leaves out);
    every error of a row is reported, not only the first. With ``stop_after`` (an atomic import,
    which will write nothing once a row fails) checking stops when that many rows are rejected;
    returns the rows checked and how many were left unchecked."""
    out: list[Row] = []
    rejected = 0
    for index, (number, raw) in enumerate(table.rows):
        if stop_after is not None and rejected >= stop_after:
            return out, len(table.rows) - index
        row = Row(number, raw)
        data, failed = convert(row, lay)
        row.given = frozenset(data)
        if prepare is not None:
            prepare(row, data, failed)
        for name, message in failed.items():
            row.issues.append(Issue(number, lay.header_for(name), lay.value_of(row, name), message))
        try:
            loaded = schema.load(data)
        except ValidationError as exc:
            loaded = None
            messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
            for name, errors in messages.items():
                if name in failed:
                    continue  # the cell's own error already explains it
                column = ROW_LABEL if name == "_schema" else lay.header_for(name)
                value = "" if name == "_schema" else lay.value_of(row, name)
                for message in _messages(errors):
                    row.issues.append(Issue(number, column, value, message))
        if not row.issues:
            row.data = loaded
        else:
            rejected += 1
        out.append(row)
    return out, 0


def reject(row: Row, lay: Layout, name: str | None, message: str) -> None:
    """Add a rule failure found after schema validation (scope, duplicates, reference data)."""
    row.issues.append(Issue(row.number, lay.header_for(name) if name else ROW_LABEL,
                            lay.value_of(row, name) if name else "", message))
    row.data = None
