"""Rural workers registered by county employment bureaus."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from matching.profiles import age_on
from models.db.base import Base, UTCDateTime, utcnow



class Worker(Base):
    """A worker; ID number and phone exist only encrypted plus a keyed lookup index.

    Vocabularies of the columns (POVERTY_STATUSES, EDUCATION_LEVELS, DESTINATIONS, LANGUAGES,
    WORKER_STATUSES) are in ``matching.profiles``.
    """

    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_number_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_index: Mapped[str | None] = mapped_column(String(64), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))
    county_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    township: Mapped[str | None] = mapped_column(String(64))
    village: Mapped[str | None] = mapped_column(String(64))
    poverty_status: Mapped[str | None] = mapped_column(String(12), index=True)
    """None when the roster did not say (the profile is then incomplete)."""
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    education: Mapped[str | None] = mapped_column(String(12))
    skills: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """[{code, level 1..5, certified}]"""
    preferred_occupations: Mapped[list[str]] = mapped_column(JSON, default=list)
    work_experience: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """Declared work experience (从业经历): [{occupation_code, years}], as the worker or the
    roster states it; matching counts it like the experience recorded as placements."""
    destinations: Mapped[list[str]] = mapped_column(JSON, default=list)
    expected_monthly_wage: Mapped[int | None] = mapped_column(Integer)
    needs_dormitory: Mapped[bool] = mapped_column(default=False)
    available_from: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), index=True, default="seeking")
    training_wish: Mapped[str | None] = mapped_column(String(12))
    """培训意愿 (``models.workers.rules.TRAINING_WISHES``); None when nobody asked."""
    training_wish_text: Mapped[str | None] = mapped_column(String(128))
    """The roster's own words for it (电焊培训, 暂不需要), kept as written."""
    remark: Mapped[str | None] = mapped_column(Text)
    """备注: the bureau's free-text note on the worker (cleared on erasure)."""
    profile_complete: Mapped[bool] = mapped_column(Boolean, index=True, default=True, server_default=true())
    """False while a field matching needs is missing (``missing_fields``): such a worker is
    never ranked, recommended or referred to employers until the profile is completed."""
    missing_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    id_tail4_index: Mapped[str | None] = mapped_column(String(64), index=True)
    id_tail5_index: Mapped[str | None] = mapped_column(String(64), index=True)
    id_tail6_index: Mapped[str | None] = mapped_column(String(64), index=True)
    """Keyed (HMAC) digests of the ID number's last 4, 5 and 6 characters, for a clerk's
    search within her county; no plaintext tail is stored (``models.workers.service``)."""
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    def age_on(self, day: date) -> int | None:
        """Age on ``day``; None once erased or never known (the birth date comes from the ID)."""
        return None if self.birth_date is None else age_on(self.birth_date, day)
