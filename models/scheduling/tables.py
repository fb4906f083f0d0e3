"""Scheduled job runs (one row per run, skipped runs included) and SQLite job leases."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.db.base import Base, UTCDateTime, utcnow

RUN_STATUSES = ("running", "ok", "error", "skipped: locked", "skipped: no ranker available",
                "skipped: no trainer")


class JobRun(Base):
    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(48), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(48), default="running", index=True)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    holder: Mapped[str] = mapped_column(String(96))
    """Which scheduler process (host:pid:nonce) or CLI ran it."""
    trigger: Mapped[str] = mapped_column(String(16), default="schedule")
    """schedule, catch_up or manual."""


class JobLease(Base):
    """On SQLite (no advisory locks) a job runs only while its holder owns this row."""

    __tablename__ = "job_leases"

    job: Mapped[str] = mapped_column(String(48), primary_key=True)
    holder: Mapped[str] = mapped_column(String(96))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    renewals: Mapped[int] = mapped_column(Integer, default=0)
