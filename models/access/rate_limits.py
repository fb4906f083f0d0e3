"""Rate-limit counters kept in the service's own database, shared by every gunicorn worker.

``limits`` (the library behind Flask-Limiter) keeps its counters in a *storage*; its
``memory://`` storage is per process, so with four gunicorn workers a client had four times
the allowance, and a restart forgot everything. ``DatabaseStorage`` (scheme ``database://``)
keeps fixed-window counters in the ``rate_limit_counters`` table of the database the service
already has — SQLite or PostgreSQL, no new server. Each increment is one atomic
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` in its own short transaction, so concurrent
workers never lose a count and a request that is later rolled back keeps its count.
"""
from __future__ import annotations

import time
from typing import Any

from limits.storage import Storage
from sqlalchemy import Float, Integer, String, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from models.db.base import Base

SCHEME = "database"
PURGE_EVERY = 200
"""Every this many increments a storage deletes the counters whose window has passed."""


class RateLimitCounter(Base):
    """One fixed window of one rate-limit key (e.g. a client address's failed token logins)."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
    """End of the window, seconds since the epoch (the unit ``limits`` works in)."""


class DatabaseStorage(Storage):
    """A ``limits`` storage over an SQLAlchemy engine (``database://``; pass ``engine=``)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, *,
                 engine: Engine | None = None, **options: Any) -> None:
        if engine is None:
            raise ValueError("database:// rate-limit storage needs the service's engine (engine=…)")
        self.engine = engine
        self._increments = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        table = RateLimitCounter.__table__
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        live = table.c.expires_at > now
        stmt = (dialect.insert(table).values(key=key, count=amount, expires_at=now + expiry)
                .on_conflict_do_update(index_elements=["key"], set_={
                    "count": case((live, table.c.count + amount), else_=amount),
                    "expires_at": case((live, table.c.expires_at), else_=now + expiry)})
                .returning(table.c.count))
        with self.engine.begin() as conn:
            count = int(conn.execute(stmt).scalar_one())
        self._increments += 1
        if self._increments % PURGE_EVERY == 0:
            self.purge_expired()
        return count

    def _row(self, key: str) -> tuple[int, float] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(RateLimitCounter.count, RateLimitCounter.expires_at)
                               .where(RateLimitCounter.key == key)).first()
        if row is None or row.expires_at <= time.time():
            return None
        return int(row.count), float(row.expires_at)

    def get(self, key: str) -> int:
        row = self._row(key)
        return 0 if row is None else row[0]

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return time.time() if row is None else row[1]

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(delete(RateLimitCounter)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))

    def purge_expired(self) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(RateLimitCounter).where(RateLimitCounter.expires_at <= time.time())).rowcount
