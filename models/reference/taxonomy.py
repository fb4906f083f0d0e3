"""Occupations (国家职业分类大典 codes), the skill vocabulary and labour brands (劳务品牌)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.db.base import Base


class Occupation(Base):
    __tablename__ = "occupations"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(32))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Skill codes the occupation requires."""
    wage_min: Mapped[int] = mapped_column(Integer)
    wage_max: Mapped[int] = mapped_column(Integer)
    """Typical monthly wage band in Beijing, yuan."""


class Skill(Base):
    __tablename__ = "skills"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    synonyms: Mapped[list[str]] = mapped_column(JSON, default=list)
    certifiable: Mapped[bool] = mapped_column(default=False)
    """Whether a national vocational certificate (职业资格/技能等级证书) exists for it."""


class LaborBrand(Base):
    __tablename__ = "labor_brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    county_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    occupation_code: Mapped[str | None] = mapped_column(ForeignKey("occupations.code"))
    description: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
