"""INSERT … ON CONFLICT DO NOTHING on PostgreSQL and SQLite alike."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(session: Session, model: type, values: dict[str, Any], conflict: Sequence[str]) -> bool:
    """Insert one row unless it conflicts on the unique ``conflict`` columns; True when inserted.

    RETURNING tells the two outcomes apart: psycopg reports rowcount -1 for such an INSERT.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (dialect.insert(model).values(**values).on_conflict_do_nothing(index_elements=list(conflict))
            .returning(model.__table__.primary_key.columns.values()[0]))
    return session.execute(stmt).first() is not None
