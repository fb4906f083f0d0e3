"""Occupations (国家职业分类大典 2022 hierarchy), the skill vocabulary and labour brands (劳务品牌)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from models.db.base import Base


class Occupation(Base):
    """A code of the 大典: 大类 (level 1) … 职业 (level 4), or a programme 工种 (level 5).

    Every code of the national table is here, so any real posting or wish has a home. The
    programme's curated occupations (``seed/data/occupations.yaml``) also carry a category,
    required skills and a Beijing wage band; for the other ~1,600 these stay empty.
    """

    __tablename__ = "occupations"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str | None] = mapped_column(String(128))
    level: Mapped[int] = mapped_column(Integer, default=4, server_default="4", index=True)
    """1 大类, 2 中类, 3 小类, 4 职业, 5 工种 (a curated work type under a 职业)."""
    parent_code: Mapped[str | None] = mapped_column(String(16), index=True)
    """The nearest ancestor in the table (the source lacks a few 小类)."""
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Colloquial titles (from job sites and the programme) that name this code."""
    green: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """绿色职业 (marked L in the 大典)."""
    digital: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """数字职业 (marked S in the 大典)."""
    search_terms: Mapped[str] = mapped_column(Text, default="", server_default="")
    """Normalised name and aliases, '|'-joined: JSON is stored ASCII-escaped, so LIKE can
    only find a Chinese alias in a plain text copy."""
    category: Mapped[str | None] = mapped_column(String(32))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Skill codes the occupation requires."""
    wage_min: Mapped[int | None] = mapped_column(Integer)
    wage_max: Mapped[int | None] = mapped_column(Integer)
    """Typical monthly wage band in Beijing, yuan."""


class Skill(Base):
    __tablename__ = "skills"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    synonyms: Mapped[list[str]] = mapped_column(JSON, default=list)
    certifiable: Mapped[bool] = mapped_column(default=False)
    """Whether a national vocational certificate (职业资格/技能等级证书) exists for it."""
    search_terms: Mapped[str] = mapped_column(Text, default="", server_default="")
    """Normalised names and synonyms, '|'-joined (see ``Occupation.search_terms``)."""


class LaborBrand(Base):
    __tablename__ = "labor_brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    county_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    occupation_code: Mapped[str | None] = mapped_column(ForeignKey("occupations.code"))
    description: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
