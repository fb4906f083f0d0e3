"""The import report (JSON and a workbook a clerk can fix and re-upload) and the templates."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.tabular.columns import CODES_HELP, NOT_STORED, Spec
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


@dataclass(frozen=True)
class Incomplete:
    """An imported (or importable) row whose worker lacks what matching needs."""

    row: int
    missing_fields: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "missing_fields": self.missing_fields}


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
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)
    """Rows that are no data (blank, 合计, 制表人 …): reported, never errors."""
    incomplete: list[Incomplete] = field(default_factory=list)
    employed: int = 0
    """Rows marked as at work (已务工 …): registered as employed, never matched."""
    placements_recorded: int = 0
    error_limit: int | None = None
    """At most this many errors (and rejected rows) are listed; the report counts the rest."""
    unchecked_rows: int = 0
    """Rows an atomic import did not check after ``error_limit`` rejected rows (nothing is
    written either way; fix the listed ones and upload again to see the rest)."""

    @property
    def rejected(self) -> list[Row]:
        return [r for r in self.rows if r.issues]

    @property
    def issues(self) -> list[Issue]:
        return [i for r in self.rows for i in r.issues]

    @property
    def listed_issues(self) -> list[Issue]:
        """The errors the report shows: the first ``error_limit``."""
        issues = self.issues
        return issues if self.error_limit is None else issues[:self.error_limit]

    @property
    def listed_rejected(self) -> list[Row]:
        rejected = self.rejected
        return rejected if self.error_limit is None else rejected[:self.error_limit]

    def summary(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "mode": self.mode, "on_duplicate": self.on_duplicate,
            "format": self.file_format, "total_rows": len(self.rows) + self.unchecked_rows,
            "created": self.created,
            "updated": self.updated, "skipped": self.skipped, "rejected": len(self.rejected),
            "written": self.written, "ignored_columns": self.layout.ignored,
            "not_stored_columns": self.layout.not_stored, "non_data_rows": len(self.skipped_rows),
            "incomplete_profiles": len(self.incomplete), "employed": self.employed,
            "placements_recorded": self.placements_recorded,
            "errors": (errors := len(self.issues)), "errors_not_listed": errors - len(self.listed_issues),
            "unchecked_rows": self.unchecked_rows,
        }

    def as_dict(self) -> dict[str, Any]:
        """The one report shape: the 200 body in either mode, and ``errors`` of the 422 that
        refuses an atomic import (then ``written`` is false and nothing was stored)."""
        return {**self.summary(), "rows": [i.as_dict() for i in self.listed_issues],
                "skipped_rows": [{"row": n, "reason": why} for n, why in self.skipped_rows],
                "incomplete": [i.as_dict() for i in self.incomplete],
                "duplicates": [d.as_dict() for d in self.duplicates]}

    def workbook(self) -> bytes:
        """Rejected rows as uploaded, plus the row number and an error column; re-uploadable
        after fixing (the extra columns are ignored on import). A second sheet lists every
        error one per line, and a third the duplicates."""
        headers = [ROW_HEADER, *self.layout.headers, ERROR_HEADER]
        rejected = [[r.number, *r.raw, "；".join(f"{i.column}: {i.message}" for i in r.issues)]
                    for r in self.listed_rejected]
        errors = [[i.row, i.column, i.value, i.message] for i in self.listed_issues]
        duplicates = [[d.row, d.column, d.value, d.action, d.existing_worker_id] for d in self.duplicates]
        return xlsx_bytes([
            ("待修改 rejected rows", headers, rejected),
            ("错误明细 errors", ["行号 / row", "列 / column", "值 / value", "说明 / message"], errors),
            ("跳过的行 skipped rows", ["行号 / row", "原因 / reason"], [list(s) for s in self.skipped_rows]),
            ("待完善 incomplete", ["行号 / row", "缺少 / missing_fields"],
             [[i.row, ", ".join(i.missing_fields)] for i in self.incomplete]),
            ("重复 duplicates", ["行号 / row", "列 / column", "值 / value", "处理 / action",
                                  "已登记编号 / existing_worker_id"], duplicates),
            ("汇总 summary", ["项 / item", "值 / value"],
             [[k, ", ".join(v) if isinstance(v, list) else v] for k, v in self.summary().items()]),
        ])


def template(spec: Spec) -> bytes:
    """The empty roster with headers ('*' marks required columns) and a sheet explaining each."""
    seen: set[str] = set()
    columns = [c for c in spec.columns if c.role != NOT_STORED and not (c.field in seen or seen.add(c.field))]
    headers = [f"{c.zh}*" if c.required else c.zh for c in columns]
    help_rows = [[c.zh, c.en, "是" if c.required else "否", c.help] for c in columns]
    help_rows.append(list(CODES_HELP))
    return xlsx_bytes([
        (spec.title, headers, []),
        ("填写说明 help", ["列名", "English header", "必填", "填写说明 / how to fill in"], help_rows),
    ])
