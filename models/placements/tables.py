"""Referrals (applications), placements and follow-up visits (跟踪回访).

Application events are the ranker's training labels; placements and follow-ups measure
stable employment (稳定就业).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.db.base import Base, UTCDateTime, utcnow

APPLICATION_STATES = ("referred", "interviewing", "hired", "rejected", "withdrawn")
ACTIVE_APPLICATION_STATES = ("referred", "interviewing")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "referred": ("interviewing", "rejected", "withdrawn"),
    "interviewing": ("hired", "rejected", "withdrawn"),
    "hired": (),
    "rejected": (),
    "withdrawn": (),
}
DECLINE_REASONS = (
    "lacking_skills", "wage_too_low", "too_far", "hired_elsewhere", "did_not_attend",
    "dormitory_unavailable", "family", "health", "other",
)
END_REASONS = (
    "contract_ended", "quit_wage", "quit_homesick", "quit_conditions", "quit_family",
    "quit_other", "dismissed", "employer_closed", "other",
)


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        # One live referral per worker and posting; finished ones may repeat later.
        Index(
            "uq_applications_live", "worker_id", "posting_id", unique=True,
            postgresql_where=text("state IN ('referred', 'interviewing')"),
            sqlite_where=text("state IN ('referred', 'interviewing')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default="referred", index=True)
    source: Mapped[str] = mapped_column(String(16), default="bureau")
    reason_code: Mapped[str | None] = mapped_column(String(32))
    reason_text: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    def can_move_to(self, state: str) -> bool:
        return state in TRANSITIONS.get(self.state, ())


class ApplicationEvent(Base):
    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    reason_code: Mapped[str | None] = mapped_column(String(32))
    reason_text: Mapped[str | None] = mapped_column(Text)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Placement(Base):
    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), unique=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"), index=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    """The worker's county at hiring — reports count by it even after erasure."""
    poverty_status: Mapped[str] = mapped_column(String(12))
    """Snapshot at hiring, for the new-employment table."""
    destination: Mapped[str] = mapped_column(String(12))
    """beijing / in_region / other (``matching.profiles.DESTINATION_GROUPS``)."""
    workplace_code: Mapped[str | None] = mapped_column(String(6))
    employer_name: Mapped[str | None] = mapped_column(String(128))
    """The employer as a roster names it (务工单位), for a job found outside the service."""
    start_date: Mapped[date] = mapped_column(Date, index=True)
    monthly_wage: Mapped[int | None] = mapped_column(Integer)
    """None only for a job found outside the service whose roster gave no income."""
    contract_type: Mapped[str] = mapped_column(String(16), default="fixed_term")
    contract_months: Mapped[int] = mapped_column(Integer, default=12)
    social_insurance: Mapped[bool] = mapped_column(default=True)
    dormitory: Mapped[bool] = mapped_column(default=False)
    end_date: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(32))
    end_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """When the placement was recorded (``recorded_at`` in the API): the start may be earlier."""
    backdate_reason: Mapped[str | None] = mapped_column(Text)
    """Why a job that started before it was recorded (beyond ``BACKDATE_GRACE_DAYS``) is
    entered now; such a placement needs its start checked before any subsidy claim."""
    start_evidence: Mapped[str | None] = mapped_column(String(40))
    start_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    start_verified_by: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @property
    def awaiting_start_evidence(self) -> bool:
        """A back-dated start not yet checked against a document: no claim until it is."""
        return self.backdate_reason is not None and self.start_verified_at is None

    __mapper_args__ = {"version_id_col": version}


class FollowUp(Base):
    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    contact_date: Mapped[date] = mapped_column(Date)
    still_employed: Mapped[bool] = mapped_column()
    wage_received: Mapped[bool | None] = mapped_column()
    issues: Mapped[str | None] = mapped_column(Text)
    next_contact: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Recommendation(Base):
    """A posting shown to a worker (nightly refresh or history): label 0 if nothing followed."""

    __tablename__ = "recommendations"
    __table_args__ = (UniqueConstraint("worker_id", "posting_id", "batch"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    posting_id: Mapped[int] = mapped_column(ForeignKey("postings.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column()
    ranker: Mapped[str] = mapped_column(String(32))
    batch: Mapped[str] = mapped_column(String(32))
    """The refresh run that produced it (one per day); unique per worker/posting/batch."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
