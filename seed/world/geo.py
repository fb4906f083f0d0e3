"""Places of the synthetic world: home counties, their industries, and workplaces.

County profiles are illustrative: they shape skills by each county's known labour brands
and farming (敖汉旗 power-line workers, 四子王旗 and 克什克腾旗 herding, 商都 vegetables…).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from stdnum import numdb

from matching.destinations import INNER_MONGOLIA, TIER_DESTINATION, destination_tier
from seed.regions import PAIRINGS

BASE_SKILLS: dict[str, float] = {
    "crop_farming": 3.0, "livestock": 1.5, "loading": 1.5, "cleaning": 1.5, "security": 1.5,
    "bricklaying": 0.8, "rebar": 0.6, "concrete": 0.6, "housekeeping": 1.0, "home_cooking": 1.0,
    "chinese_cooking": 0.7, "table_service": 0.8, "driving_c1": 1.2, "courier": 0.6,
    "food_delivery": 0.5, "elder_care": 0.6, "warehousing": 0.4, "forklift": 0.4,
    "electrician": 0.4, "welding": 0.4, "greenhouse_vegetables": 0.8, "food_processing": 0.5,
    "farm_machinery": 0.6, "sewing": 0.3, "assembly": 0.5, "gardening": 0.4, "sorting": 0.4,
    "room_service": 0.3, "infant_care": 0.3, "decoration": 0.3, "property_service": 0.3,
    "driving_truck": 0.4, "pastry": 0.3, "forest_ranger": 0.2, "dairy_processing": 0.2,
}


@dataclass(frozen=True)
class County:
    code: str
    weight: float
    """Share of registered workers (relative)."""
    mongol: float
    """Share of Mongolian (蒙古族) workers."""
    skills: dict[str, float] = field(default_factory=dict)
    """Extra skill weights on top of BASE_SKILLS."""
    beijing_boost: float = 0.0
    """Added to the probability of accepting Beijing (brand counties send more)."""


COUNTIES: tuple[County, ...] = (
    County("150921", 1.4, 0.02, {"security": 6, "infant_care": 2, "maternity_care": 1, "fire_safety": 1.5}, 0.15),
    County("150430", 1.3, 0.04, {"line_work": 7, "high_altitude_work": 4, "electrician": 2}, 0.15),
    County("150424", 1.0, 0.03, {"bricklaying": 3, "rebar": 2, "concrete": 2, "scaffolding": 1, "carpentry": 1}, 0.05),
    County("150425", 0.9, 0.12, {"livestock": 5, "dairy_farming": 2, "veterinary_basics": 1, "rural_tourism": 1}),
    County("150426", 1.1, 0.10, {"elder_care": 3, "livestock": 3, "patient_care": 1}, 0.05),
    County("152202", 0.5, 0.20, {"room_service": 3, "rural_tourism": 3, "mongolian_cuisine": 1, "forest_ranger": 2}),
    County("152527", 0.6, 0.06, {"farm_machinery": 4, "greenhouse_vegetables": 3, "crop_farming": 2}),
    County("150923", 0.9, 0.02, {"greenhouse_vegetables": 5, "crop_farming": 2, "food_processing": 1}),
    County("150929", 0.7, 0.18, {"livestock": 6, "mongolian_cuisine": 3, "dairy_processing": 2}),
    County("150927", 0.7, 0.05, {"courier": 3, "driving_c1": 2, "sorting": 2}, 0.05),
    County("150924", 0.8, 0.02, {"cleaning": 3, "property_service": 1.5, "greenhouse_vegetables": 1}),
    County("150423", 0.4, 0.15, {"livestock": 3}),
    County("150428", 0.4, 0.08, {"fruit_growing": 2, "greenhouse_vegetables": 2}),
    County("150922", 0.4, 0.02, {"crop_farming": 2, "sewing": 1}),
    County("152223", 0.4, 0.25, {"crop_farming": 2, "livestock": 2}),
)
"""Home counties: the 11 paired ones (DOMAIN.md) and four unpaired ones."""

PAIRED_DISTRICTS: dict[str, tuple[str, ...]] = {}
for _d, _c, _since in PAIRINGS:
    PAIRED_DISTRICTS[_c] = PAIRED_DISTRICTS.get(_c, ()) + (_d,)

BEIJING_PAIRED: tuple[str, ...] = tuple(sorted({d for d, _c, _s in PAIRINGS}))
BEIJING_OTHER: tuple[str, ...] = ("110102", "110107", "110113", "110115", "110118")
"""西城 石景山 顺义 大兴 密云 — unpaired districts with many service jobs."""
IM_SEATS: tuple[str, ...] = ("150402", "150902", "152201", "152502", "150602", "150102")
"""Prefecture seats for near-home jobs: 红山区 集宁区 乌兰浩特市 锡林浩特市 东胜区 新城区."""
OTHER_PROVINCES: tuple[str, ...] = ("131082", "120116")
"""河北 三河市, 天津 滨海新区 — a few 'other province' workplaces."""

PREFECTURE_OF = {c.code: c.code[:4] for c in COUNTIES}


def destination_key(county: str, workplace: str) -> str:
    """What a worker of the synthetic world must have listed to take the workplace: the
    destination naming its tier (its history and truth count only that one as accepted)."""
    return TIER_DESTINATION[destination_tier(workplace, county, PAIRED_DISTRICTS.get(county, ()))]


@lru_cache(maxsize=None)
def _codes_by_name() -> dict[str, list[tuple[str, int, int]]]:
    """Inner Mongolia county names → [(code, first year, last year)] from python-stdnum."""
    out: dict[str, list[tuple[str, int, int]]] = {}
    for _len, low, high, _props, children in numdb.get("cn/loc").prefixes:
        if low != high or low != INNER_MONGOLIA:
            continue
        for _l, lo, hi, cprops, _c in children:
            if lo != hi:
                continue
            for part in cprops.get("county", "").split(","):
                start, end = 0, 9999
                if part.startswith("["):
                    span, part = part[1:].split("]")
                    s, e = span.split("-")
                    start, end = int(s or 0), int(e or 9999)
                out.setdefault(part, []).append((INNER_MONGOLIA + lo, start, end))
    return out


@lru_cache(maxsize=None)
def id_region(county: str, birth_year: int) -> str:
    """A region code an ID number of someone born that year in the county may carry.

    python-stdnum checks the code was assigned in the birth year (卓资县 was 152624 until
    2003, 150921 since), so a renamed county gives its old code to older people.
    """
    from models.reference import gbt2260

    name = gbt2260.region_name(county)
    for code, start, end in sorted(_codes_by_name().get(name, ()), key=lambda t: t[0] != county):
        if start <= birth_year <= end:
            return code
    # A county created after the birth (阿尔山市, 1996): people there carry a code of the
    # same prefecture that existed then (IDs keep the code issued at first registration).
    nearby = sorted(code for entries in _codes_by_name().values() for code, start, end in entries
                    if code[:4] == county[:4] and start <= birth_year <= end and code[4:] != "00")
    if nearby:
        return nearby[0]
    raise ValueError(f"no region code for {county} valid in {birth_year}")


def county_weights() -> np.ndarray:
    w = np.array([c.weight for c in COUNTIES], dtype=float)
    return w / w.sum()
