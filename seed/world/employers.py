"""Synthetic employers (Beijing paired districts, a few elsewhere) and their postings.

Postings are kept as numpy columns sorted by creation date (posting id = position + 1 +
offset), so the history can walk them in time order; rows are built per chunk at insert.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import numpy as np

from matching.destinations import BEIJING
from matching.profiles import EDUCATION_LEVELS, PostingProfile, SkillRequirement
from models.reference import gbt2260
from models.access.pii import PiiVault
from models.employers.service import PHONE_CTX as EMPLOYER_PHONE_CTX
from seed import taxonomy
from seed.world import geo, names
from seed.world.people import occupation_codes, skill_codes

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_W = (3, 7, 9, 10, 5, 8, 4, 2)
HISTORY_DAYS = 3 * 365


def uscc(district: str, serial: int) -> str:
    """A USCC with valid organisation-code (GB 11714) and overall check characters."""
    body = f"{(serial * 7_654_321 + 1_234_567) % 10**8:08d}"
    org_check = 11 - sum(int(d) * w for d, w in zip(body, _ORG_W)) % 11
    org = body + ("X" if org_check == 10 else "0" if org_check == 11 else str(org_check))
    number = "91" + district + org
    total = sum(_USCC_ALPHABET.index(ch) * w for ch, w in zip(number, _USCC_W))
    return number + _USCC_ALPHABET[(31 - total) % 31]


@lru_cache(maxsize=1)
def workplaces() -> tuple[tuple[str, ...], np.ndarray]:
    """Employer locations and their weights: mostly Beijing's paired districts."""
    places = geo.BEIJING_PAIRED + geo.BEIJING_OTHER + geo.IM_SEATS + tuple(c.code for c in geo.COUNTIES) \
        + geo.OTHER_PROVINCES
    w = np.concatenate([np.full(len(geo.BEIJING_PAIRED), 0.62 / len(geo.BEIJING_PAIRED)),
                        np.full(len(geo.BEIJING_OTHER), 0.13 / len(geo.BEIJING_OTHER)),
                        np.full(len(geo.IM_SEATS), 0.10 / len(geo.IM_SEATS)),
                        np.full(len(geo.COUNTIES), 0.12 / len(geo.COUNTIES)),
                        np.full(len(geo.OTHER_PROVINCES), 0.03 / len(geo.OTHER_PROVINCES))])
    return places, w / w.sum()


def categories() -> tuple[str, ...]:
    return tuple(sorted({o.category for o in taxonomy.occupations().values()}))


def generate_employers(n: int, *, seed: int, as_of: date, vault: PiiVault, offset: int = 0
                       ) -> tuple[list[dict[str, Any]], np.ndarray, np.ndarray]:
    """Employer rows plus per-employer place index and category index."""
    rng = np.random.default_rng([seed, 2])
    places, weights = workplaces()
    cats = categories()
    place = rng.choice(len(places), n, p=weights)
    cat = rng.integers(0, len(cats), n)
    rows = []
    for i in range(n):
        district = places[place[i]]
        pname = gbt2260.region_name(district)
        created = datetime.combine(as_of - timedelta(days=HISTORY_DAYS + int(rng.integers(30, 400))),
                                   time(2, int(rng.integers(0, 60))), tzinfo=timezone.utc)
        phone = f"{names.PHONE_PREFIXES[int(rng.integers(len(names.PHONE_PREFIXES)))]}{int(rng.integers(10**8)):08d}"
        rows.append({
            "id": offset + i + 1, "name": names.company_name(rng, pname.split(",")[-1], cats[cat[i]]),
            "uscc": uscc(district, offset + i + 1), "district_code": district, "industry": cats[cat[i]],
            "contact_name": names.person_name(rng, mongolian=False, male=bool(rng.random() < 0.5)),
            "contact_phone_enc": vault.encrypt(phone, context=EMPLOYER_PHONE_CTX),
            "verified": bool(rng.random() < 0.9), "created_at": created, "updated_at": created, "version": 1,
        })
    return rows, place.astype(np.int16), cat.astype(np.int8)


@dataclass
class PostingTable:
    """Numpy columns of every posting, sorted by creation date."""

    employer: np.ndarray
    place: np.ndarray
    occupation: np.ndarray
    openings: np.ndarray
    wage_min: np.ndarray
    wage_max: np.ndarray
    dorm: np.ndarray
    meals: np.ndarray
    insurance: np.ndarray
    age_min: np.ndarray
    age_max: np.ndarray
    education: np.ndarray
    min_level: np.ndarray
    cert_required: np.ndarray
    preferred: np.ndarray
    mandarin: np.ndarray
    contract: np.ndarray
    created: np.ndarray
    expires: np.ndarray
    closed: np.ndarray
    """Ordinal of an early close by the employer, 0 if none."""
    offset: int
    employer_offset: int

    def posting_id(self, j: int) -> int:
        """Database id of posting ``j`` (ids follow creation order after ``offset``)."""
        return self.offset + j + 1

    def profile(self, j: int, *, openings_left: int | None = None, status: str = "open") -> PostingProfile:
        places, _w = workplaces()
        occ = taxonomy.occupations()[occupation_codes()[self.occupation[j]]]
        reqs = tuple(SkillRequirement(code, int(self.min_level[j]), bool(self.cert_required[j]) and k == 0)
                     for k, code in enumerate(occ.skills))
        created = date.fromordinal(int(self.created[j]))
        return PostingProfile(
            posting_id=self.posting_id(j), employer_id=self.employer_offset + int(self.employer[j]) + 1,
            occupation_code=occ.code, district_code=places[self.place[j]], openings=int(self.openings[j]),
            openings_left=int(self.openings[j] if openings_left is None else openings_left),
            wage_min=int(self.wage_min[j]), wage_max=int(self.wage_max[j]),
            provides_dormitory=bool(self.dorm[j]), provides_meals=bool(self.meals[j]),
            social_insurance=bool(self.insurance[j]), age_min=int(self.age_min[j]), age_max=int(self.age_max[j]),
            education_min=EDUCATION_LEVELS[self.education[j]], required_skills=reqs,
            preferred_skills=(skill_codes()[self.preferred[j]],) if self.preferred[j] >= 0 else (),
            languages=("zh",) if self.mandarin[j] else (), contract_months=int(self.contract[j]),
            start_date=created + timedelta(days=14), expires_on=date.fromordinal(int(self.expires[j])),
            status=status, created_on=created,
        )


def generate_postings(m: int, employer_place: np.ndarray, employer_cat: np.ndarray, *, seed: int,
                      as_of: date, min_wage: int, offset: int = 0, employer_offset: int = 0) -> PostingTable:
    """All postings as columns; Beijing wages never below ``min_wage``; no gender terms."""
    rng = np.random.default_rng([seed, 3])
    places, _w = workplaces()
    occs = occupation_codes()
    cats = categories()
    by_cat = {c: [k for k, o in enumerate(occs) if taxonomy.occupations()[o].category == c] for c in cats}
    employer = rng.integers(0, len(employer_place), m)
    place = employer_place[employer]
    occ = np.array([by_cat[cats[employer_cat[e]]][int(rng.integers(len(by_cat[cats[employer_cat[e]]])))]
                    if rng.random() < 0.8 else int(rng.integers(len(occs))) for e in employer], np.int16)
    beijing = np.array([places[p].startswith(BEIJING) for p in place])
    band_lo = np.array([taxonomy.occupations()[occs[o]].wage_min for o in occ])
    band_hi = np.array([taxonomy.occupations()[occs[o]].wage_max for o in occ])
    factor = np.where(beijing, rng.uniform(0.9, 1.1, m), rng.uniform(0.62, 0.85, m))
    wage_min = np.round(band_lo * factor, -2).astype(np.int32)
    wage_min = np.where(beijing, np.maximum(wage_min, min_wage), np.maximum(wage_min, 2000))
    wage_max = np.maximum(np.round(band_hi * factor, -2).astype(np.int32), wage_min + 200)
    openings = np.clip(rng.geometric(0.3, m), 1, 20).astype(np.int16)
    age_min = rng.choice([16, 18, 18, 18, 20, 22], m).astype(np.int8)
    age_max = rng.choice([45, 50, 55, 55, 58, 60, 63], m).astype(np.int8)
    skills = skill_codes()
    cert = np.array([taxonomy.skills()[taxonomy.occupations()[occs[o]].skills[0]].certifiable for o in occ])
    start = as_of.toordinal() - HISTORY_DAYS
    created = np.sort(start + (HISTORY_DAYS * rng.power(1.3, m)).astype(np.int32))
    expires = created + rng.integers(30, 121, m)
    closed = np.where((rng.random(m) < 0.08) & (expires <= as_of.toordinal()),
                      created + ((expires - created) * rng.uniform(0.3, 0.9, m)).astype(np.int32), 0)
    return PostingTable(
        employer=employer.astype(np.int32), place=place, occupation=occ, openings=openings,
        wage_min=wage_min, wage_max=wage_max, dorm=rng.random(m) < np.where(beijing, 0.75, 0.35),
        meals=rng.random(m) < 0.6, insurance=rng.random(m) < np.where(beijing, 0.9, 0.65),
        age_min=age_min, age_max=age_max,
        education=rng.choice(4, m, p=[0.45, 0.2, 0.3, 0.05]).astype(np.int8),
        min_level=rng.choice([1, 1, 2, 2, 3], m).astype(np.int8),
        cert_required=cert & (rng.random(m) < 0.35),
        preferred=np.where(rng.random(m) < 0.4, rng.integers(0, len(skills), m), -1).astype(np.int16),
        mandarin=rng.random(m) < np.where(beijing, 0.3, 0.05),
        contract=rng.choice([6, 12, 12, 24, 36], m).astype(np.int16),
        created=created, expires=expires.astype(np.int32), closed=closed.astype(np.int32),
        offset=offset, employer_offset=employer_offset,
    )


def posting_row(table: PostingTable, j: int, *, openings_left: int, status: str) -> dict[str, Any]:
    """The insert row of posting ``j`` with its final headcount and status."""
    p = table.profile(j, openings_left=openings_left, status=status)
    occ = taxonomy.occupations()[p.occupation_code]
    place = gbt2260.region_name(p.district_code).split(",")[-1].split("]")[-1]
    created = datetime.combine(p.created_on, time(3, (p.posting_id * 7) % 60), tzinfo=timezone.utc)
    perks = "、".join(x for x, on in (("提供住宿", p.provides_dormitory), ("包餐", p.provides_meals),
                                      ("缴纳社保", p.social_insurance)) if on) or "待遇面议"
    rng = np.random.default_rng([table.offset + j, 4])
    return {
        "id": p.posting_id, "employer_id": p.employer_id, "title": f"{occ.title}（{place}）",
        "description": f"招聘{occ.title}{p.openings}名，月薪{p.wage_min}–{p.wage_max}元，{perks}。",
        "occupation_code": p.occupation_code, "district_code": p.district_code,
        "address": names.address(rng, place), "openings": p.openings, "openings_left": openings_left,
        "wage_min": p.wage_min, "wage_max": p.wage_max, "provides_dormitory": p.provides_dormitory,
        "provides_meals": p.provides_meals, "social_insurance": p.social_insurance, "age_min": p.age_min,
        "age_max": p.age_max, "education_min": p.education_min,
        "required_skills": [{"code": r.code, "min_level": r.min_level, "certificate_required": r.certificate_required}
                            for r in p.required_skills],
        "preferred_skills": list(p.preferred_skills), "languages": list(p.languages),
        "contract_months": p.contract_months, "start_date": p.start_date, "expires_on": p.expires_on,
        "status": status, "created_at": created, "updated_at": created, "version": 1,
    }
