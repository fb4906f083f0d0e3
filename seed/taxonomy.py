"""Occupations (国家职业分类大典 2022), the skill vocabulary (技能词表) and labour brands.

The data ships in ``seed/data``: the full 大典 table (csco2022.csv, see ``seed.classification``)
and YAML for the curated occupations, skills and brands. The ``resolve_*`` functions are
pure look-ups over that data, usable without a database (roster import, the synthetic
world); ``load`` writes it into the ``occupations``, ``skills`` and ``labor_brands`` tables,
idempotently.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reference.regions import Region
from models.reference.service import MATCHABLE_LEVEL, group_prefix, normalize, search_terms, too_broad_message
from models.reference.taxonomy import LaborBrand, Skill
from seed import classification
from seed.classification import OCCUPATION_CODE, WORK_TYPE_CODE, OccupationDef  # noqa: F401 - re-exported
_SEPARATORS = re.compile(r"[、,，;；/|\n]+")


@dataclass(frozen=True, slots=True)
class SkillDef:
    code: str
    name_zh: str
    name_en: str
    synonyms: tuple[str, ...]
    certifiable: bool


@dataclass(frozen=True, slots=True)
class BrandDef:
    name: str
    county_code: str | None
    occupation_code: str
    skills: tuple[str, ...]
    description: str
    illustrative: bool


def _read(name: str) -> list[dict[str, Any]]:
    text = resources.files("seed.data").joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 10x faster


@lru_cache(maxsize=1)
def skills() -> dict[str, SkillDef]:
    """The skill vocabulary by code."""
    return {
        row["code"]: SkillDef(row["code"], row["name_zh"], row["name_en"],
                              tuple(str(s) for s in row.get("synonyms", ())), bool(row["certifiable"]))
        for row in _read("skills.yaml")
    }


@lru_cache(maxsize=1)
def occupations() -> dict[str, OccupationDef]:
    """The programme's curated occupations by code (大典 code, or 工种 code under one)."""
    return {
        row["code"]: OccupationDef(row["code"], row["name_zh"], row["name_en"], row["category"],
                                   tuple(row["skills"]), int(row["wage"][0]), int(row["wage"][1]),
                                   tuple(str(s) for s in row.get("synonyms", ())), row.get("formerly"),
                                   row.get("title", row["name_zh"]))
        for row in _read("occupations.yaml")
    }


@lru_cache(maxsize=1)
def brands() -> tuple[BrandDef, ...]:
    """Labour brands with their county and occupation (``illustrative`` marks made-up ones)."""
    return tuple(
        BrandDef(row["name"], row.get("county"), row["occupation"], tuple(row.get("skills", ())),
                 row.get("description", ""), bool(row.get("illustrative", True)))
        for row in _read("brands.yaml")
    )


def _index(entries: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for code, spellings in entries:
        for spelling in spellings:
            key = normalize(spelling)
            if index.setdefault(key, code) != code:
                raise ValueError(f"{spelling!r} names both {index[key]} and {code}")
    return index


@lru_cache(maxsize=1)
def _skill_index() -> dict[str, str]:
    return _index((s.code, (s.code, s.name_zh, s.name_en, *s.synonyms)) for s in skills().values())


@lru_cache(maxsize=1)
def _occupation_index() -> dict[str, str]:
    return classification.resolution_index(occupations())


def resolve_skill(text: str | None) -> str | None:
    """The skill code a free-text skill names (code, Chinese/English name or synonym), or None."""
    if not text:
        return None
    return _skill_index().get(normalize(text))


def resolve_skills(texts: str | Iterable[str]) -> tuple[list[str], list[str]]:
    """Resolve many skills: (codes in first-seen order without repeats, unmatched texts).

    A single string is split on list separators (、，,；;/). Text that names no skill is
    returned stripped in ``unmatched``, never dropped, so an import can show it for review.
    """
    items = _SEPARATORS.split(texts) if isinstance(texts, str) else list(texts)
    codes: list[str] = []
    unmatched: list[str] = []
    for item in items:
        item = (item or "").strip()
        if not item:
            continue
        code = resolve_skill(item)
        if code is None:
            unmatched.append(item)
        elif code not in codes:
            codes.append(code)
    return codes, unmatched


def resolve_occupation(text: str | None) -> str | None:
    """The code a free-text job title or code names (any 大典 occupation, curated first), or None."""
    if not text:
        return None
    return _occupation_index().get(normalize(text))


@lru_cache(maxsize=1)
def _group_index() -> dict[str, classification.OfficialDef]:
    groups = [o for o in classification.official().values() if o.level < MATCHABLE_LEVEL]
    return {normalize(spelling): o for o in groups for spelling in (o.code, o.name)}


def too_broad(text: str | None) -> str | None:
    """When ``text`` names a 大类/中类/小类 (by code or official name) rather than a 职业: the
    message saying so, with a few occupations under it (as the API words it); else None."""
    group = _group_index().get(normalize(text or ""))
    if group is None:
        return None
    prefix = group_prefix(group.code)
    curated = occupations()
    under = sorted((o for o in classification.official().values()
                    if o.level == MATCHABLE_LEVEL and o.code.startswith(prefix)),
                   key=lambda o: (o.code not in curated, o.code))
    if not under:
        return None  # nothing finer exists (其他… 小类, 军队人员): the code is usable as it is
    return too_broad_message(group.code, group.name, group.level, [(o.code, o.name) for o in under[:3]])


def occupation_name(code: str) -> str:
    """The Chinese name of any code (curated, else the 大典's), or the code itself if unknown —
    what an export writes, so that the import reads it back to the same code."""
    curated = occupations().get(code)
    official = classification.official().get(code)
    return curated.name_zh if curated else official.name if official else code


def load(session: Session) -> str:
    """Insert or refresh skills, occupations and labour brands; returns a one-line summary."""
    added = {"skills": 0, "occupations": 0, "brands": 0}
    for s in skills().values():
        row = session.get(Skill, s.code)
        if row is None:
            row = Skill(code=s.code)
            session.add(row)
            added["skills"] += 1
        row.name_zh, row.name_en = s.name_zh, s.name_en
        row.synonyms, row.certifiable = list(s.synonyms), s.certifiable
        row.search_terms = search_terms([s.name_zh, s.name_en, *s.synonyms])
    session.flush()
    added["occupations"] = classification.load(session, occupations())
    known_regions = set(session.scalars(select(Region.code).where(
        Region.code.in_([b.county_code for b in brands() if b.county_code]))))
    existing = {b.name: b for b in session.scalars(select(LaborBrand))}
    for b in brands():
        brow = existing.get(b.name)
        if brow is None:
            brow = LaborBrand(name=b.name)
            session.add(brow)
            added["brands"] += 1
        brow.county_code = b.county_code if b.county_code in known_regions else None
        brow.occupation_code = b.occupation_code
        brow.description = b.description
        brow.extra = {"skills": list(b.skills), "illustrative": b.illustrative}
    session.flush()
    return ", ".join(f"{name} +{n}" for name, n in added.items())
