"""Job fairs (招聘会): participating postings, checked-in attendees and the interview plan."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.db.base import Base, UTCDateTime, utcnow

FAIR_STATUSES = ("planned", "open", "closed")
FAIR_MODES = ("onsite", "online")
FAIR_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "planned": ("open", "closed"),  # planned → closed: called off before it opened
    "open": ("closed",),
    "closed": (),
}


class Fair(Base):
    """A fair organised by one or more counties with one or more Beijing districts."""

    __tablename__ = "fairs"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="date_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    ends_on: Mapped[date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(8), default="onsite")
    venue: Mapped[str | None] = mapped_column(String(256))
    """Address on site; ``None`` for an online fair."""
    counties: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Organising Inner Mongolia counties (GB/T 2260 codes)."""
    districts: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Co-organising Beijing districts."""
    status: Mapped[str] = mapped_column(String(8), default="planned", index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    def can_move_to(self, status: str) -> bool:
        return status in FAIR_TRANSITIONS.get(self.status, ())


class FairPosting(Base):
    """A posting taking part in a fair, with its booth's interview slots."""

    __tablename__ = "fair_postings"
    __table_args__ = (UniqueConstraint("fair_id", "posting_id"),
                      CheckConstraint("slots >= 0", name="slots_non_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"), index=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id"), index=True)
    slots: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FairAttendee(Base):
    """A worker checked in at a fair (签到)."""

    __tablename__ = "fair_attendees"
    __table_args__ = (UniqueConstraint("fair_id", "worker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    walk_in: Mapped[bool] = mapped_column(default=False)
    """Registered on the spot at this fair."""
    checked_in_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FairPlan(Base):
    """The fair's current interview plan (recomputing replaces it)."""

    __tablename__ = "fair_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"), unique=True)
    ranker: Mapped[str] = mapped_column(String(32))
    attendee_limit: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8))
    """``optimal`` or ``pruned`` (see matching.allocation)."""
    expected_lasting_placements: Mapped[float] = mapped_column(Float)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Capacities the plan was computed with: ``{posting_id: {openings_left, slots}}``."""
    computed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FairInterview(Base):
    """One planned interview; ``is_primary`` marks the attendee's planned hire."""

    __tablename__ = "fair_interviews"
    __table_args__ = (UniqueConstraint("fair_id", "worker_id", "posting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_id: Mapped[int] = mapped_column(ForeignKey("fairs.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id"), index=True)
    is_primary: Mapped[bool] = mapped_column(default=False)
    p: Mapped[float] = mapped_column(Float)
    p_hired: Mapped[float | None] = mapped_column(Float)
    """P(hired | interviewed) of the pair, when a model with probabilities planned."""
    p_lasting: Mapped[float | None] = mapped_column(Float)
    """P(still employed at 90 days | hired) (稳定就业可能性); ``p`` is their product."""
    """Estimated P(still employed at 90 days) if hired."""
    booth_order: Mapped[int] = mapped_column(Integer)
    """Position in the booth's queue (1 = first)."""
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """Explanations at planning time: [{feature, delta, text_zh, text_en}]."""
