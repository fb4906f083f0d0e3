"""Ranker model versions: signed artifacts with their training window and metrics."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from models.db.base import Base, UTCDateTime, utcnow

MODEL_STATUSES = ("candidate", "active", "retired")


class ModelVersion(Base):
    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="candidate", index=True)
    trained_from: Mapped[date | None] = mapped_column(Date)
    trained_to: Mapped[date | None] = mapped_column(Date)
    evaluated_to: Mapped[date | None] = mapped_column(Date)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    feature_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    library_versions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    checksum: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    artifact: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
