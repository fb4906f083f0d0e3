"""Ranker model versions: signed artifacts with their training window and metrics."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, LargeBinary, String
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


class ModelEmployerEffect(Base):
    """A model version's estimate of one employer (``training.employer_effects``): how much more
    than their fit workers apply to it and stay with it, as known when the version was trained.
    The service ranks with the active version's rows; an employer without one counts as 0."""

    __tablename__ = "model_employer_effects"

    model_version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id", ondelete="CASCADE"),
                                                  primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id", ondelete="CASCADE"), primary_key=True)
    response_effect: Mapped[float] = mapped_column(Float)
    lasting_effect: Mapped[float] = mapped_column(Float)
