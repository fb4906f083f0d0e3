"""Subsidy policies (补贴政策, versioned per county) and the claims they produce (补贴申领).

A policy row is one immutable version: editing creates the next version with the same
``key``. Claims point at the exact version that made them eligible; the database refuses a
second claim for the same worker, policy key and period (``period_key``: a year or "ever").
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.db.base import Base, UTCDateTime, utcnow

CLAIM_STATES = ("eligible", "approved", "rejected", "paid")
CLAIM_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "eligible": ("approved", "rejected"),
    "approved": ("paid",),
    "rejected": (),
    "paid": (),
}


class SubsidyPolicy(Base):
    """One version of a county's subsidy policy; ``county_code`` is NULL for a shipped template."""

    __tablename__ = "subsidy_policies"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        # Exactly one current version per key, even under concurrent edits.
        Index("uq_subsidy_policies_current", "key", unique=True,
              postgresql_where=text("is_current"), sqlite_where=text("is_current")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    name: Mapped[str] = mapped_column(String(128))
    county_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The declarative conditions, amount, payee and evidence (see models.subsidies.rules)."""
    template_key: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_template(self) -> bool:
        return self.county_code is None


class SubsidyClaim(Base):
    """An entitlement found by the eligibility engine, reviewed by a person (PIPL Art. 24)."""

    __tablename__ = "subsidy_claims"
    __table_args__ = (UniqueConstraint("worker_id", "policy_key", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("subsidy_policies.id"), index=True)
    policy_key: Mapped[str] = mapped_column(String(64))
    policy_version: Mapped[int] = mapped_column(Integer)
    period_key: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(12), default="eligible", index=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    payee: Mapped[str] = mapped_column(String(12))
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """Per-condition results (values compared); frozen at approval."""
    evidence_accepted: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence_seen: Mapped[list[str]] = mapped_column(JSON, default=list)
    qualified_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    paid_by: Mapped[int | None] = mapped_column(Integer)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payment_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    policy: Mapped[SubsidyPolicy] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    def can_move_to(self, state: str) -> bool:
        return state in CLAIM_TRANSITIONS.get(self.state, ())
