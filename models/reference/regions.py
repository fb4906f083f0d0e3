"""GB/T 2260 regions and the Beijing district ↔ Inner Mongolia county pairings (结对)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.db.base import Base

LEVELS = ("province", "prefecture", "county")


class Region(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(12))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)

    @property
    def province_code(self) -> str:
        return self.code[:2]


class Pairing(Base):
    """A Beijing district formally paired with an Inner Mongolia county."""

    __tablename__ = "pairings"
    __table_args__ = (UniqueConstraint("district_code", "county_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)

    def active_on(self, day: date) -> bool:
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)
