"""Searching the occupation table (职业分类大典) and the skill vocabulary (技能词表).

One spelling rule (``normalize``) serves the roster import's look-ups, the loader that
fills ``search_terms`` and the search endpoints, so a title found in one is found in all.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sqlalchemy import Select, case, or_, select
from sqlalchemy.orm import Session

from models.reference.taxonomy import Occupation, Skill

SEARCH_SEPARATOR = "|"
MATCHABLE_LEVEL = 4
"""Postings and workers' wishes name a 职业 (level 4) or a 工种 under one (5): matching compares
codes, so a 大类/中类/小类 with occupations under it would match nothing and is refused
(``too_broad``)."""
GROUP_LEVELS = {1: ("大类", "major group"), 2: ("中类", "medium group"), 3: ("小类", "minor group")}


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


def occupation_query(q: str | None = None, level: int | None = None, parent: str | None = None) -> Select:
    """Occupations whose code starts with ``q`` or whose name or an alias contains it,
    best matches first (exact name or alias, then code prefix), then by code; ``parent``
    keeps the codes right under that one (its 中类, 小类 or 职业)."""
    stmt = select(Occupation)
    if parent is not None:
        stmt = stmt.where(Occupation.parent_code == parent)
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


def too_broad_message(code: str, name: str, level: int, examples: Iterable[tuple[str, str]]) -> str:
    """Why a group code cannot stand for a job, naming the level to give instead and a few of
    the occupations under it (the API and the roster import word it alike)."""
    zh, en = GROUP_LEVELS[level]
    shown = list(examples)
    some_zh = "，如 " + "、".join(f"{c} {n}" for c, n in shown) if shown else ""
    some_en = ", e.g. " + ", ".join(c for c, _ in shown) if shown else ""
    return (f"{code}（{name}）是{zh}，范围太宽，无法匹配：请填写其下的职业（第4级）代码{some_zh}；全部见 "
            f"GET /api/v1/occupations?parent={code} / {code} is a {en} (level {level}), too broad to match: give "
            f"an occupation (level 4) under it{some_en}; list them with GET /api/v1/occupations?parent={code}")


def group_prefix(code: str) -> str:
    """The code prefix a group's members share: 4-09-00-00 → '4-09-', 4-09-08-00 → '4-09-08-'."""
    parts = code.split("-")
    while parts and parts[-1].strip("0") == "" and len(parts) > 1:
        parts.pop()
    return "-".join(parts) + "-"


def too_broad(*, session: Session, codes: Iterable[str]) -> dict[str, str]:
    """The group codes (大类, 中类, 小类) among ``codes`` that have occupations under them, each
    with its ``too_broad_message``; a group without any (a 其他… 小类 such as 2-01-99-00, the
    大类 军队人员 and 不便分类的其他从业人员) is the finest code there is and stays usable."""
    groups = session.execute(select(Occupation.code, Occupation.name_zh, Occupation.level).where(
        Occupation.code.in_(set(codes)), Occupation.level < MATCHABLE_LEVEL)).all()
    out: dict[str, str] = {}
    for code, name, level in groups:
        examples = session.execute(select(Occupation.code, Occupation.name_zh).where(
            Occupation.code.startswith(group_prefix(code)), Occupation.level == MATCHABLE_LEVEL)
            .order_by(Occupation.category.is_(None), Occupation.code).limit(3)).all()
        if examples:  # a group with no 职业 under it (其他… 小类, 军队人员) is its own catch-all code
            out[code] = too_broad_message(code, name, level, [(c, n) for c, n in examples])
    return out

