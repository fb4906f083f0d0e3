"""A workplace written as free text (a roster's 务工地点) → the most specific GB/T 2260 code.

Rosters write 北京市朝阳区, 朝阳区, 呼和浩特市, 包头, 浙江省宁波市 or just 区内 / 本县. The most
specific *current* division the text names wins, and only when it is unambiguous: 朝阳区 alone
is Beijing's (the one Inner Mongolia's workers go to is preferred as Beijing), but 鼓楼区 alone
names six cities and resolves to nothing. A prefecture or province code is a fine answer — the
placement's destination group (Beijing / in the region / other) only needs the prefix.
"""
from __future__ import annotations

import re
from functools import lru_cache

from models.reference import gbt2260

_PROVINCE_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
_PREFECTURE_SUFFIX = re.compile(r"(市|盟|地区|自治州)$")
PREFERRED_PROVINCES = ("11", "15")
"""Where the programme's workers go: a county-level name shared across provinces resolves to
Beijing's, then Inner Mongolia's, when exactly one of those has it."""
WORDS = {
    "区内": "150000", "自治区内": "150000", "内蒙古": "150000", "呼市": "150100",
    "北京": "110000", "京": "110000",
}
HOME_WORDS = ("本县", "本旗", "县内", "旗内", "本地", "本旗县", "家门口", "本乡", "本村")


def _stem(name: str, suffix: re.Pattern[str]) -> str:
    stem = suffix.sub("", name)
    return stem if len(stem) >= 2 else name


@lru_cache(maxsize=1)
def _names() -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    """(spelling, code) of current provinces, prefectures and counties, longest spelling first."""
    provinces, prefectures, counties = [], [], []
    for div in gbt2260.divisions().values():
        if not div.current or div.name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        if div.level == "province":
            provinces += [(div.name, div.code), (_stem(div.name, _PROVINCE_SUFFIX), div.code)]
        elif div.level == "prefecture":
            prefectures += [(div.name, div.code), (_stem(div.name, _PREFECTURE_SUFFIX), div.code)]
        else:
            counties.append((div.name, div.code))
    return tuple(sorted(set(x), key=lambda p: -len(p[0])) for x in (provinces, prefectures, counties))  # type: ignore[return-value]


def _found(text: str, names: list[tuple[str, str]], within: str | None) -> set[str]:
    return {code for name, code in names if name in text and (within is None or code.startswith(within))}


def resolve_place(text: str | None, *, home_county: str | None = None) -> str | None:
    """The code of the most specific division ``text`` names unambiguously, else None."""
    value = re.sub(r"\s+", "", text or "")
    if not value:
        return None
    if home_county and any(w in value for w in HOME_WORDS):
        return home_county
    provinces, prefectures, counties = _names()
    # A prefecture's short name inside a county's (朝阳 in 朝阳区) is not a prefecture.
    outside_counties = value
    for name, _code in counties:
        outside_counties = outside_counties.replace(name, "|")
    province = _found(outside_counties, provinces, None)
    within = next(iter(province))[:2] if len(province) == 1 else None
    prefecture = _found(outside_counties, prefectures, within)
    if len(prefecture) == 1:
        within = next(iter(prefecture))[:4]
    county = _found(value, counties, within)
    if len(county) > 1 and within is None:
        for p in PREFERRED_PROVINCES:
            preferred = {c for c in county if c.startswith(p)}
            if preferred:
                county = preferred
                break
    if len(county) == 1:
        return next(iter(county))
    if len(prefecture) == 1:
        return next(iter(prefecture))
    if len(province) == 1:
        return next(iter(province))
    for word, code in WORDS.items():
        if word in value:
            return code
    return None
