"""Searching the occupation table (职业分类大典) and the skill vocabulary (技能词表).

One spelling rule (``normalize``) serves the roster import's look-ups, the loader that
fills ``search_terms`` and the search endpoints, so a title found in one is found in all.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sqlalchemy import Select, case, or_, select

from models.reference.taxonomy import Occupation, Skill

SEARCH_SEPARATOR = "|"


def normalize(text: str) -> str:
    """Fold width, case and whitespace so '  Security　Guard ' equals 'security guard'."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("_", " ").replace("-", " ")
    return " ".join(folded.split())


def search_terms(spellings: Iterable[str | None]) -> str:
    """'|保洁员|保洁|清洁工|': every spelling normalised once, fenced so an exact term can be
    told from a substring (``|保洁|`` matches only the alias 保洁)."""
    seen: list[str] = []
    for spelling in spellings:
        key = normalize(spelling or "").replace(SEARCH_SEPARATOR, " ")
        if key and key not in seen:
            seen.append(key)
    return SEARCH_SEPARATOR + SEARCH_SEPARATOR.join(seen) + SEARCH_SEPARATOR if seen else ""


def _matching(code_col, terms_col, q: str) -> tuple[object, object]:
    """(filter, rank): a code prefix or a name/alias substring; exact names first."""
    code = unicodedata.normalize("NFKC", q).strip()
    term = normalize(q).replace(SEARCH_SEPARATOR, " ")
    prefix = code_col.startswith(code, autoescape=True)
    if not term:  # '_' or '-' alone fold to nothing: only a code could match
        return prefix, case((prefix, 1), else_=2)
    exact = terms_col.contains(f"{SEARCH_SEPARATOR}{term}{SEARCH_SEPARATOR}", autoescape=True)
    where = or_(prefix, terms_col.contains(term, autoescape=True))
    return where, case((exact, 0), (prefix, 1), else_=2)


def occupation_query(q: str | None = None, level: int | None = None) -> Select:
    """Occupations whose code starts with ``q`` or whose name or an alias contains it,
    best matches first (exact name or alias, then code prefix), then by code."""
    stmt = select(Occupation)
    if level is not None:
        stmt = stmt.where(Occupation.level == level)
    if q and q.strip():
        where, rank = _matching(Occupation.code, Occupation.search_terms, q)
        return stmt.where(where).order_by(rank, Occupation.code)
    return stmt.order_by(Occupation.code)


def skill_query(q: str | None = None) -> Select:
    """Skills whose code starts with ``q`` or whose name or a synonym contains it."""
    stmt = select(Skill)
    if q and q.strip():
        where, rank = _matching(Skill.code, Skill.search_terms, q)
        return stmt.where(where).order_by(rank, Skill.code)
    return stmt.order_by(Skill.code)
