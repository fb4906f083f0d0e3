"""Where a posting lies as seen from one worker's home county (去向分层), and whether the
worker accepts it.

Tiers, checked in this order (first match wins):

- ``home_county``: the job's district is the worker's own county (家门口就业);
- ``in_region``: any other district starting with ``15`` (Inner Mongolia, 区内就近);
- ``paired_beijing``: a Beijing district paired (结对) with the worker's county;
- ``other_beijing``: any other district starting with ``11``;
- ``other``: everything else (other provinces, 区外).

A worker who accepts ``home_county`` accepts only jobs in the home county; ``in_region``
accepts the home county and the rest of the region; ``beijing`` accepts paired and other
Beijing districts; ``other`` accepts the ``other`` tier.

This module is the one place these rules are written: the hard constraints, placements
(the destination group a hire is counted in, whether an invited worker accepts the
workplace) and the synthetic world all call it.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numpy as np

from matching.profiles import DESTINATION_TIERS, DESTINATIONS

TIER_INDEX: dict[str, int] = {tier: i for i, tier in enumerate(DESTINATION_TIERS)}
HOME, IN_REGION, PAIRED_BEIJING, OTHER_BEIJING, OTHER = range(len(DESTINATION_TIERS))

ACCEPTED_TIERS: dict[str, frozenset[str]] = {
    "home_county": frozenset({"home_county"}),
    "in_region": frozenset({"home_county", "in_region"}),
    "beijing": frozenset({"paired_beijing", "other_beijing"}),
    "other": frozenset({"other"}),
}
"""Destination a worker accepts → posting tiers it covers."""
TIER_DESTINATION: dict[str, str] = {
    "home_county": "home_county", "in_region": "in_region",
    "paired_beijing": "beijing", "other_beijing": "beijing", "other": "other",
}
"""Tier → the destination that names it (the narrowest one in ``ACCEPTED_TIERS`` covering it)."""

BEIJING = "11"
"""GB/T 2260 province code of Beijing: the first two digits of its district codes."""
INNER_MONGOLIA = "15"
"""GB/T 2260 province code of the Inner Mongolia Autonomous Region (内蒙古自治区)."""
_REGION_PREFIX = int(INNER_MONGOLIA)
_BEIJING_PREFIX = int(BEIJING)
PAIR_KEY_BASE = 1_000_000
"""District codes are 6 digits; ``worker_index * PAIR_KEY_BASE + district`` is unique."""


def district_number(code: str) -> int:
    """Return a 6-digit GB/T 2260 code as an int, or -1 when it is not one."""
    return int(code) if len(code) == 6 and code.isdigit() else -1


def destination_group(workplace_code: str | None) -> str:
    """The 劳务输出 group a job is counted in (DESTINATION_GROUPS): Beijing (11…), within the
    region (15…, the home county included), other — or other when the place is unknown."""
    if workplace_code and workplace_code.startswith(BEIJING):
        return "beijing"
    if workplace_code and workplace_code.startswith(INNER_MONGOLIA):
        return "in_region"
    return "other"


def destination_tier(district_code: str, county_code: str,
                     paired_districts: Collection[str] = ()) -> str:
    """Return the tier of a job in ``district_code`` for a worker from ``county_code``."""
    if district_code == county_code:
        return "home_county"
    if district_code.startswith(INNER_MONGOLIA):
        return "in_region"
    if district_code in paired_districts:
        return "paired_beijing"
    if district_code.startswith(BEIJING):
        return "other_beijing"
    return "other"


def accepted_tiers(destinations: Iterable[str]) -> frozenset[str]:
    """Return every tier covered by a worker's accepted destinations."""
    tiers: set[str] = set()
    for destination in destinations:
        if destination not in ACCEPTED_TIERS:
            raise ValueError(f"unknown destination {destination!r}; expected one of {DESTINATIONS}")
        tiers |= ACCEPTED_TIERS[destination]
    return frozenset(tiers)


def is_destination_acceptable(tier: str, destinations: Iterable[str]) -> bool:
    """Return whether a worker with these destinations accepts a posting of this tier."""
    return tier in accepted_tiers(destinations)


def worker_accepts(destinations: Sequence[str], workplace_code: str, home_county: str) -> bool:
    """Does a worker from ``home_county`` with these destinations accept a job at ``workplace_code``?

    Pairings do not matter here: both Beijing tiers are covered by ``beijing`` alike.
    """
    return is_destination_acceptable(destination_tier(workplace_code, home_county), destinations)


def accepted_tier_bits(destinations: Iterable[str]) -> int:
    """Return the accepted tiers as a bit set (bit ``TIER_INDEX[tier]``)."""
    return sum(1 << TIER_INDEX[tier] for tier in accepted_tiers(destinations))


def pair_tiers(district: np.ndarray, county: np.ndarray, worker_idx: np.ndarray,
               paired_keys: np.ndarray) -> np.ndarray:
    """Vectorised tier index for pairs.

    ``district`` and ``county`` are per-pair 6-digit ints (-1 when unparsable),
    ``worker_idx`` the pair's worker row and ``paired_keys`` the sorted
    ``worker_row * PAIR_KEY_BASE + district`` of every pairing.
    """
    prefix = district // 10_000
    keys = worker_idx.astype(np.int64) * PAIR_KEY_BASE + district
    pos = np.searchsorted(paired_keys, keys)
    pos_ok = np.minimum(pos, max(len(paired_keys) - 1, 0))
    paired = (pos < len(paired_keys)) & (paired_keys[pos_ok] == keys) if len(paired_keys) else \
        np.zeros(len(keys), dtype=bool)
    tier = np.full(len(district), OTHER, dtype=np.int8)
    tier[prefix == _BEIJING_PREFIX] = OTHER_BEIJING
    tier[paired & (district >= 0)] = PAIRED_BEIJING
    tier[prefix == _REGION_PREFIX] = IN_REGION
    tier[(district == county) & (district >= 0)] = HOME
    return tier
