"""INSERT … ON CONFLICT DO NOTHING on PostgreSQL and SQLite alike, one row or many."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

BULK_ROWS = 1000
"""Rows per multi-row INSERT statement (SQLite allows 32,766 bound values a statement)."""


def _dialect(session: Session):
    return postgresql if session.get_bind().dialect.name == "postgresql" else sqlite


def insert_ignore(session: Session, model: type, values: dict[str, Any], conflict: Sequence[str]) -> bool:
    """Insert one row unless it conflicts on the unique ``conflict`` columns; True when inserted.

    RETURNING tells the two outcomes apart: psycopg reports rowcount -1 for such an INSERT.
    """
    stmt = (_dialect(session).insert(model).values(**values).on_conflict_do_nothing(index_elements=list(conflict))
            .returning(model.__table__.primary_key.columns.values()[0]))
    return session.execute(stmt).first() is not None


def insert_ignore_many(session: Session, model: type, rows: Sequence[dict[str, Any]], conflict: Sequence[str],
                       *, returning: str) -> list[Any]:
    """Insert many rows, skipping those that conflict on ``conflict``; returns the
    ``returning`` column of each row inserted (one multi-row INSERT … ON CONFLICT DO
    NOTHING … RETURNING per ``BULK_ROWS`` rows, on both backends)."""
    if not rows:
        return []
    column = model.__table__.c[returning]
    width = max(len(rows[0]), 1)
    step = max(1, min(BULK_ROWS, 30_000 // width))
    out: list[Any] = []
    for start in range(0, len(rows), step):
        stmt = (_dialect(session).insert(model).values(list(rows[start:start + step]))
                .on_conflict_do_nothing(index_elements=list(conflict)).returning(column))
        out.extend(session.scalars(stmt).all())
    return out
