"""GB/T 2260 administrative divisions, read from the table python-stdnum ships.

Names carry validity ranges such as ``[2003-]卓资县`` or ``[-2010]崇文区``; a division whose
range has ended is historical: still valid inside old ID numbers, never a place to register.
A resident ID keeps the code under which it was first issued, so any listed code may stand in
one whatever the holder's birth year (``can_issue_ids``); ``successor`` names the current
county that took over a retired one (卓资县 152624 → 150921).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from stdnum import numdb

_RANGE = re.compile(r"^\[(\d{4})?-(\d{4})?\]")
_SUFFIX = re.compile(r"(自治县|自治旗|县|旗|市|区)$")
# County-level codes 01..20 in a prefecture are 市辖区 placeholders or real districts; the
# placeholders 00 and 'xx00' are prefectures, 'xx0000' provinces.


@dataclass(frozen=True, slots=True)
class Division:
    code: str
    name: str
    level: str  # province / prefecture / county
    parent_code: str | None
    current: bool


def _parse(raw: str) -> tuple[str, bool]:
    """Latest name and whether it is current; renamed codes list names comma-separated,
    e.g. ``[-1991]东郊区,[1992-]东丽区``."""
    latest = raw.split(",")[-1]
    m = _RANGE.match(latest)
    if not m:
        return latest, True
    return latest[m.end():], m.group(2) is None


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    """All divisions by code (current and historical)."""
    out: dict[str, Division] = {}
    for _len, low, high, props, children in numdb.get("cn/loc").prefixes:
        if low != high:
            continue
        province = low + "0000"
        out[province] = Division(province, props["province"], "province", None, True)
        for _l, lo, hi, cprops, _c in children:
            if lo != hi or lo == "0000":
                continue
            code = low + lo
            name, current = _parse(cprops.get("county", ""))
            if lo.endswith("00"):
                out[code] = Division(code, name, "prefecture", province, current)
            else:
                parent = code[:4] + "00"
                out[code] = Division(code, name, "county", parent, current and name != "市辖区")
    # A county whose prefecture placeholder is missing hangs under the province.
    for code, div in list(out.items()):
        if div.parent_code and div.parent_code not in out:
            out[code] = Division(code, div.name, div.level, code[:2] + "0000", div.current)
    return out


def get(code: str) -> Division | None:
    return divisions().get(code)


def is_current_county(code: str, province: str | None = None) -> bool:
    div = get(code)
    return bool(div and div.level == "county" and div.current
                and (province is None or code.startswith(province)))


def region_name(code: str) -> str:
    div = get(code)
    return div.name if div else code


def can_issue_ids(code: str) -> bool:
    """Whether ``code`` can stand at the start of a resident ID number.

    Any county- or prefecture-level code GB/T 2260 lists, current or retired, and whatever
    the holder's birth year: numbers keep the code in force when they were *issued*, which
    may be younger than the holder (re-coded divisions) or long retired (old numbers kept).
    """
    div = get(code)
    return div is not None and div.level != "province"


def _stem(name: str) -> str:
    return _SUFFIX.sub("", name)


@lru_cache(maxsize=4096)
def successor(code: str) -> str | None:
    """The current county that took over ``code`` (itself when current; None if unknown).

    A re-coded county keeps its name (卓资县 152624 → 150921) or its name without the kind of
    division (集宁市 152601 → 集宁区 150902, 丰镇县 152628 → 丰镇市 150981); the match must be
    unique within the province, otherwise the successor is unknown rather than guessed.
    """
    div = get(code)
    if div is None or div.level != "county":
        return None
    if div.current:
        return code
    if div.name == "市辖区":
        return None
    current = [d for d in divisions().values()
               if d.current and d.level == "county" and d.code[:2] == code[:2]]
    for same in (lambda d: d.name == div.name, lambda d: _stem(d.name) == _stem(div.name)):
        found = [d.code for d in current if same(d)]
        if len(found) == 1:
            return found[0]
        if found:
            return None
    return None


@lru_cache(maxsize=4096)
def _issuing_region(code: str) -> tuple[tuple[str, Any], ...] | None:
    div = get(code)
    if div is None:
        return None
    current = successor(code) if div.level == "county" else (code if div.current else None)
    return (("code", code), ("name", div.name), ("level", div.level), ("current", div.current),
            ("current_code", current), ("current_name", get(current).name if current else None))


def issuing_region(code: str) -> dict[str, Any] | None:
    """The region an ID number was issued under (its first six digits), as a bureau reads it:
    the code and its name in GB/T 2260 (the historical one for a retired code), whether it is
    still current, and the current county that took it over (``successor``: 152624 → 150921
    卓资县), or None where that is not unambiguous — then the historical name is what is shown."""
    found = _issuing_region(code)
    return dict(found) if found else None
