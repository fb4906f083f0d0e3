"""Job postings with headcounts (招聘岗位)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.db.base import Base, UTCDateTime, utcnow
from models.employers.tables import Employer



class Posting(Base):
    """A job posting; ``status`` is one of ``matching.profiles.POSTING_STATUSES``."""

    __tablename__ = "postings"
    __table_args__ = (
        CheckConstraint("openings > 0", name="openings_positive"),
        CheckConstraint("openings_left >= 0 AND openings_left <= openings", name="openings_left_range"),
        CheckConstraint("wage_min > 0 AND wage_min <= wage_max", name="wage_range"),
        CheckConstraint("age_min <= age_max", name="age_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    title: Mapped[str] = mapped_column(String(128))
    description: Mapped[str | None] = mapped_column(Text)
    occupation_code: Mapped[str] = mapped_column(ForeignKey("occupations.code"), index=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    address: Mapped[str] = mapped_column(String(256))
    openings: Mapped[int] = mapped_column(Integer)
    openings_left: Mapped[int] = mapped_column(Integer)
    wage_min: Mapped[int] = mapped_column(Integer)
    wage_max: Mapped[int] = mapped_column(Integer)
    provides_dormitory: Mapped[bool] = mapped_column(default=False)
    provides_meals: Mapped[bool] = mapped_column(default=False)
    social_insurance: Mapped[bool] = mapped_column(default=True)
    age_min: Mapped[int] = mapped_column(Integer, default=18)
    age_max: Mapped[int] = mapped_column(Integer, default=55)
    education_min: Mapped[str] = mapped_column(String(12), default="none")
    required_skills: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """[{code, min_level, certificate_required}]"""
    preferred_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    contract_months: Mapped[int] = mapped_column(Integer, default=12)
    start_date: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), index=True, default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)
    """Indexed: the newest change is the cheap fingerprint of the ranking cache."""
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    employer: Mapped[Employer] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status == "open"
