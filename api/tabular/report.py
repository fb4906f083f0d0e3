"""The import report (JSON and a workbook a clerk can fix and re-upload) and the templates."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.tabular.columns import CODES_HELP, Spec
from api.tabular.rows import Issue, Layout, Row
from api.tabular.writers import xlsx_bytes

ERROR_HEADER = "错误说明 / errors"
ROW_HEADER = "原行号 / row"


@dataclass
class Duplicate:
    """A row whose ID number is already registered, and what the import did with it."""

    row: int
    column: str
    value: str
    action: str  # skipped / updated
    existing_worker_id: int

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "action": self.action,
                "existing_worker_id": self.existing_worker_id}


@dataclass
class ImportReport:
    kind: str
    mode: str
    on_duplicate: str
    file_format: str
    layout: Layout
    rows: list[Row]
    duplicates: list[Duplicate] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    skipped: int = 0
    written: bool = False

    @property
    def rejected(self) -> list[Row]:
        return [r for r in self.rows if r.issues]

    @property
    def issues(self) -> list[Issue]:
        return [i for r in self.rows for i in r.issues]

    def summary(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "mode": self.mode, "on_duplicate": self.on_duplicate,
            "format": self.file_format, "total_rows": len(self.rows), "created": self.created,
            "updated": self.updated, "skipped": self.skipped, "rejected": len(self.rejected),
            "written": self.written, "ignored_columns": self.layout.ignored,
        }

    def as_dict(self) -> dict[str, Any]:
        return {**self.summary(), "errors": [i.as_dict() for i in self.issues],
                "duplicates": [d.as_dict() for d in self.duplicates]}

    def workbook(self) -> bytes:
        """Rejected rows as uploaded, plus the row number and an error column; re-uploadable
        after fixing (the extra columns are ignored on import). A second sheet lists every
        error one per line, and a third the duplicates."""
        headers = [ROW_HEADER, *self.layout.headers, ERROR_HEADER]
        rejected = [[r.number, *r.raw, "；".join(f"{i.column}: {i.message}" for i in r.issues)]
                    for r in self.rejected]
        errors = [[i.row, i.column, i.value, i.message] for i in self.issues]
        duplicates = [[d.row, d.column, d.value, d.action, d.existing_worker_id] for d in self.duplicates]
        return xlsx_bytes([
            ("待修改 rejected rows", headers, rejected),
            ("错误明细 errors", ["行号 / row", "列 / column", "值 / value", "说明 / message"], errors),
            ("重复 duplicates", ["行号 / row", "列 / column", "值 / value", "处理 / action",
                                  "已登记编号 / existing_worker_id"], duplicates),
            ("汇总 summary", ["项 / item", "值 / value"],
             [[k, ", ".join(v) if isinstance(v, list) else v] for k, v in self.summary().items()]),
        ])


def template(spec: Spec) -> bytes:
    """The empty roster with headers ('*' marks required columns) and a sheet explaining each."""
    headers = [f"{c.zh}*" if c.required else c.zh for c in spec.columns]
    help_rows = [[c.zh, c.en, "是" if c.required else "否", c.help] for c in spec.columns]
    help_rows.append(list(CODES_HELP))
    return xlsx_bytes([
        (spec.title, headers, []),
        ("填写说明 help", ["列名", "English header", "必填", "填写说明 / how to fill in"], help_rows),
    ])
