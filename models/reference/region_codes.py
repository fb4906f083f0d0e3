"""Checks on GB/T 2260 region codes as they are entered: a worker's home county (in Inner
Mongolia), an employer's Beijing district, a job's workplace (anywhere).

Only current county-level codes pass: a historical code is still valid inside an old ID
number (``models.workers.rules``) but is never a place to register or to work.
"""
from __future__ import annotations

from matching.destinations import BEIJING, INNER_MONGOLIA
from models.errors import RuleViolation
from models.reference import gbt2260


def check_county(code: str, *, province: str = INNER_MONGOLIA) -> str:
    """A current county-level code of ``province`` (Inner Mongolia unless told); returns it."""
    if not gbt2260.is_current_county(code, province):
        where = "内蒙古" if province == INNER_MONGOLIA else "北京市"
        where_en = "Inner Mongolia" if province == INNER_MONGOLIA else "Beijing"
        raise RuleViolation(f"须为{where}现行县级行政区划代码 / Must be a current county-level code in {where_en}")
    return code


def check_beijing_district(code: str) -> str:
    """A current Beijing district (区) code: where a Beijing employer is registered."""
    return check_county(code, province=BEIJING)


def check_workplace(code: str) -> str:
    """A posting may be anywhere with a current county-level code (Beijing, the region, other)."""
    if not gbt2260.is_current_county(code):
        raise RuleViolation("须为现行县级行政区划代码 / Must be a current county-level region code")
    return code
