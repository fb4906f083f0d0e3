"""Synthetic rural workers, generated chunk by chunk from per-chunk seeded generators.

Each chunk yields insert-ready rows (ID number and phone encrypted) and fills a compact
numpy table (≈40 bytes a worker) that the history generator reads instead of the rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any

import numpy as np

from matching.profiles import DESTINATIONS, EDUCATION_LEVELS, POVERTY_STATUSES, WorkerProfile, WorkerSkill
from models.reference import gbt2260
from models.access.pii import PiiVault
from models.workers.service import ID_CTX, PHONE_CTX, tail_indexes
from seed import taxonomy
from seed.world import geo, names

EDU_P = np.array([0.03, 0.25, 0.47, 0.13, 0.08, 0.03, 0.01])
"""Shares of EDUCATION_LEVELS, lowest first."""
DEST_BITS = {destination: 1 << i for i, destination in enumerate(DESTINATIONS)}
"""A worker's accepted destinations as a bit set: home county 1, region 2, Beijing 4, other 8."""
SLOTS = 4
_ID_W = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)


@lru_cache(maxsize=1)
def skill_codes() -> tuple[str, ...]:
    return tuple(sorted(taxonomy.skills()))


@lru_cache(maxsize=1)
def occupation_codes() -> tuple[str, ...]:
    """The curated occupations in the world's draw order: sorted by the code each had when
    the world was written (``formerly``), so correcting a code never reshuffles the world."""
    occupations = taxonomy.occupations()
    return tuple(sorted(occupations, key=lambda code: occupations[code].formerly or code))


@dataclass
class WorkerTable:
    """Columns of every generated worker, indexed by position (worker id = offset + i + 1)."""

    n: int
    offset: int

    def __post_init__(self) -> None:
        n = self.n
        self.county = np.zeros(n, np.int8)
        self.birth = np.zeros(n, np.int32)      # date ordinal
        self.registered = np.zeros(n, np.int32)  # date ordinal
        self.available = np.zeros(n, np.int32)
        self.poverty = np.zeros(n, np.int8)
        self.education = np.zeros(n, np.int8)
        self.mongolian = np.zeros(n, np.int8)   # 0 zh only, 1 zh+mn, 2 mn only
        self.skill = np.full((n, SLOTS), -1, np.int8)
        self.level = np.zeros((n, SLOTS), np.int8)
        self.cert = np.zeros((n, SLOTS), np.bool_)
        self.pref = np.full((n, 2), -1, np.int8)
        self.dest = np.zeros(n, np.uint8)
        self.wage = np.zeros(n, np.int32)
        self.dorm = np.zeros(n, np.bool_)

    def profile(self, i: int) -> WorkerProfile:
        """The engine's view of worker ``i``."""
        skills, occs = skill_codes(), occupation_codes()
        county = geo.COUNTIES[self.county[i]].code
        langs = (("zh",), ("zh", "mn"), ("mn",))[self.mongolian[i]]
        return WorkerProfile(
            worker_id=self.offset + i + 1, county_code=county,
            birth_date=date.fromordinal(int(self.birth[i])), poverty_status=POVERTY_STATUSES[self.poverty[i]],
            languages=langs, education=EDUCATION_LEVELS[self.education[i]],
            skills=tuple(WorkerSkill(skills[s], int(lv), bool(c)) for s, lv, c
                         in zip(self.skill[i], self.level[i], self.cert[i]) if s >= 0),
            preferred_occupations=tuple(occs[o] for o in self.pref[i] if o >= 0),
            destinations=tuple(d for d, bit in DEST_BITS.items() if self.dest[i] & bit),
            expected_monthly_wage=int(self.wage[i]), needs_dormitory=bool(self.dorm[i]),
            available_from=date.fromordinal(int(self.available[i])),
            paired_districts=geo.PAIRED_DISTRICTS.get(county, ()),
        )


@lru_cache(maxsize=None)
def _skill_probs(county_index: int) -> np.ndarray:
    county, codes = geo.COUNTIES[county_index], skill_codes()
    w = np.array([geo.BASE_SKILLS.get(c, 0.05) + county.skills.get(c, 0.0) for c in codes])
    return w / w.sum()


def _id_numbers(rng: np.random.Generator, regions: list[str], births: list[date], male: np.ndarray,
                used: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Valid, unique resident IDs: region valid at birth, sequence parity = sex, MOD 11-2."""
    n = len(regions)
    base = np.array([int(r) * 10**11 + int(b.strftime("%Y%m%d")) * 1000 for r, b in zip(regions, births)],
                    dtype=np.int64)
    seq = rng.integers(0, 500, n) * 2 + male.astype(np.int64)
    keys = base + seq
    while True:
        clash = np.isin(keys, used)
        _, first = np.unique(keys, return_index=True)
        dup = np.ones(n, bool)
        dup[first] = False
        bad = clash | dup
        if not bad.any():
            break
        keys[bad] = base[bad] + rng.integers(0, 500, int(bad.sum())) * 2 + male[bad]
    digits = (keys[:, None] // 10 ** np.arange(16, -1, -1, dtype=np.int64)) % 10
    check = (12 - (digits * _ID_W).sum(axis=1) % 11) % 11
    ids = [f"{k:017d}{'X' if c == 10 else c}" for k, c in zip(keys, check)]
    return ids, np.union1d(used, keys)


def _phone(index: int, prefix: str, seed: int) -> str:
    """Unique per worker index: an affine permutation of the last eight digits."""
    tail = (7919 * 1_000_003 * (index + 1) + 104729 * (seed + 1)) % 10**8
    return f"{prefix}{tail:08d}"


def generate_chunk(table: WorkerTable, start: int, stop: int, *, seed: int, as_of: date,
                   vault: PiiVault, used_ids: np.ndarray) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Rows for workers ``start..stop`` (positions); fills ``table``; returns new used IDs."""
    rng = np.random.default_rng([seed, 1, start])
    n = stop - start
    codes = skill_codes()
    occ_index = {c: k for k, c in enumerate(occupation_codes())}
    skill_occs = {s: [occ_index[o.code] for o in taxonomy.occupations().values() if s in o.skills]
                  for s in codes}
    county = rng.choice(len(geo.COUNTIES), n, p=geo.county_weights())
    age_days = (18 + 42 * rng.beta(2.2, 2.4, n)) * 365.25
    birth = as_of.toordinal() - age_days.astype(np.int64)
    male = rng.random(n) < 0.58
    poverty = rng.choice(3, n, p=[0.35, 0.08, 0.57])
    ages = age_days / 365.25
    edu = np.clip(rng.choice(7, n, p=EDU_P) + (ages < 30) * rng.integers(0, 2, n), 0, 6)
    mong = rng.random(n) < np.array([geo.COUNTIES[c].mongol for c in county])
    lang = np.where(mong, np.where(rng.random(n) < 0.6, 1, 0), 0)
    lang = np.where(mong & (ages > 50) & (rng.random(n) < 0.3), 2, lang)
    rows: list[dict[str, Any]] = []
    regions, births = [], []
    for i in range(n):
        b = date.fromordinal(int(birth[i]))
        births.append(b)
        regions.append(geo.id_region(geo.COUNTIES[county[i]].code, b.year))
    id_numbers, used_ids = _id_numbers(rng, regions, births, male, used_ids)
    for i in range(n):
        w = start + i
        c = geo.COUNTIES[county[i]]
        k = 1 + min(rng.poisson(1.0), SLOTS - 1)
        picked = rng.choice(len(codes), k, replace=False, p=_skill_probs(int(county[i])))
        levels = np.clip(rng.poisson(1.6, k) + 1, 1, 5)
        certified = [bool(taxonomy.skills()[codes[s]].certifiable and rng.random() < 0.12 + 0.1 * lv
                          + (0.25 if codes[s] in c.skills else 0)) for s, lv in zip(picked, levels)]
        table.skill[w, :k], table.level[w, :k], table.cert[w, :k] = picked, levels, certified
        prefs = list(dict.fromkeys(o for s in picked for o in skill_occs[codes[s]]))[:2]
        if not prefs:
            prefs = [occ_index["4-09-08-01"]]
        table.pref[w, :len(prefs)] = prefs
        p_bj = 0.18 + c.beijing_boost + (0.08 if ages[i] < 40 else -0.08) - (0.1 if lang[i] == 2 else 0)
        dest = 1 if rng.random() < 0.93 else 0
        dest |= 2 if rng.random() < 0.7 else 0
        dest |= 4 if rng.random() < p_bj else 0
        dest |= 8 if rng.random() < 0.08 else 0
        dest = dest or 1
        band = taxonomy.occupations()[occupation_codes()[prefs[0]]]
        factor = 0.95 if dest & 4 else 0.7
        wage = int(round((band.wage_min + band.wage_max) / 2 * factor * rng.uniform(0.75, 1.1), -2))
        dorm = bool(rng.random() < (0.75 if dest & 6 else 0.15))
        reg = as_of.toordinal() - int(rng.integers(0, 3 * 365 + 60))
        avail = as_of.toordinal() - int(rng.integers(-60, 365))
        table.county[w], table.birth[w], table.registered[w], table.available[w] = county[i], birth[i], reg, avail
        table.poverty[w], table.education[w], table.mongolian[w] = poverty[i], edu[i], lang[i]
        table.dest[w], table.wage[w], table.dorm[w] = dest, max(wage, 2000), dorm
        profile = table.profile(w)
        phone = _phone(w + table.offset, names.PHONE_PREFIXES[rng.integers(len(names.PHONE_PREFIXES))], seed)
        created = datetime.combine(date.fromordinal(reg), time(1 + int(rng.integers(0, 10)), int(rng.integers(0, 60))),
                                   tzinfo=timezone.utc)
        cname = gbt2260.region_name(c.code)
        rows.append({
            "id": profile.worker_id, "name": names.person_name(rng, mongolian=bool(mong[i]), male=bool(male[i])),
            "id_number_enc": vault.encrypt(id_numbers[i], context=ID_CTX),
            "id_number_index": vault.index(id_numbers[i], context=ID_CTX),
            **tail_indexes(vault, id_numbers[i]),
            "phone_enc": vault.encrypt(phone, context=PHONE_CTX),
            "phone_index": vault.index(phone, context=PHONE_CTX),
            "birth_date": profile.birth_date, "sex": "M" if male[i] else "F", "county_code": c.code,
            "township": names.township(rng, cname), "village": names.village(rng),
            "poverty_status": profile.poverty_status,
            "ethnicity": "蒙古族" if mong[i] else names.other_ethnicity(rng),
            "languages": list(profile.languages), "education": profile.education,
            "skills": [{"code": s.code, "level": s.level, "certified": s.certified} for s in profile.skills],
            "preferred_occupations": list(profile.preferred_occupations),
            "destinations": list(profile.destinations), "expected_monthly_wage": profile.expected_monthly_wage,
            "needs_dormitory": profile.needs_dormitory, "available_from": profile.available_from,
            "status": "inactive" if rng.random() < 0.04 else "seeking", "erased_at": None, "created_by": None,
            "created_at": created, "updated_at": created + timedelta(minutes=5), "version": 1,
        })
    return rows, used_ids
