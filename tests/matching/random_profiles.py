"""Seeded random workers and postings over a few counties, Beijing districts and provinces,
for the tests that compare the engine's fast paths with plain ones."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from matching.profiles import PostingProfile, SkillRequirement, WorkerProfile, WorkerSkill

PAIRED = {"150921": "110105", "152527": "110114", "150424": "110106", "150923": "110117"}
COUNTIES = sorted(PAIRED)
REGION = COUNTIES + ["150102", "150203"]
BEIJING = sorted(set(PAIRED.values()) | {"110102", "110108"})
OTHER = ["130102", "370102", "4401"]  # the last one is not a 6-digit code
DESTINATIONS = ("home_county", "in_region", "beijing", "other")
SKILLS = [f"S{i:03d}" for i in range(1, 13)]
OCCUPATIONS = [f"O{i:02d}" for i in range(1, 7)]


def postings(n: int, today: date, seed: int = 1) -> list[PostingProfile]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        where = rng.random()
        district = str(rng.choice(BEIJING if where < 0.4 else REGION if where < 0.85 else OTHER))
        wage_min = int(rng.integers(30, 70)) * 100
        openings = int(rng.integers(1, 6))
        out.append(PostingProfile(
            posting_id=i + 1, employer_id=int(rng.integers(1, 20)), occupation_code=str(rng.choice(OCCUPATIONS)),
            district_code=district, openings=openings, openings_left=int(rng.integers(0, openings + 1)),
            wage_min=wage_min, wage_max=wage_min + int(rng.integers(5, 30)) * 100,
            provides_dormitory=bool(rng.random() < 0.6), provides_meals=bool(rng.random() < 0.5),
            social_insurance=bool(rng.random() < 0.7), age_min=int(rng.choice([16, 18, 25])),
            age_max=int(rng.choice([40, 50, 60])), education_min=str(rng.choice(["primary", "junior", "senior"])),
            required_skills=tuple(SkillRequirement(c, int(rng.integers(1, 4)), bool(rng.random() < 0.2))
                                  for c in rng.choice(SKILLS, size=int(rng.integers(0, 3)), replace=False)),
            preferred_skills=tuple(rng.choice(SKILLS, size=int(rng.integers(0, 2)), replace=False).tolist()),
            languages=("zh", "mn") if rng.random() < 0.1 else ("zh",),
            contract_months=int(rng.choice([6, 12, 24])), start_date=today + timedelta(days=10),
            expires_on=today + timedelta(days=int(rng.integers(-5, 60))),
            status="open" if rng.random() < 0.9 else "closed", created_on=today - timedelta(days=int(rng.integers(0, 40)))))
    return out


def workers(n: int, today: date, seed: int = 2) -> list[WorkerProfile]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        county = str(rng.choice(COUNTIES))
        dest = tuple(d for d, p in zip(DESTINATIONS, (0.5, 0.4, 0.5, 0.15)) if rng.random() < p) or ("home_county",)
        out.append(WorkerProfile(
            worker_id=i + 1, county_code=county,
            birth_date=date(int(rng.integers(1962, 2010)), int(rng.integers(1, 13)), int(rng.integers(1, 29))),
            poverty_status=str(rng.choice(["alleviated", "monitored", "none"])),
            languages=("zh", "mn") if rng.random() < 0.3 else ("zh",), education=str(rng.choice(["primary", "junior", "senior"])),
            skills=tuple(WorkerSkill(c, int(rng.integers(1, 5)), bool(rng.random() < 0.5))
                         for c in rng.choice(SKILLS, size=int(rng.integers(0, 5)), replace=False)),
            preferred_occupations=tuple(rng.choice(OCCUPATIONS, size=2, replace=False).tolist()),
            destinations=dest, expected_monthly_wage=int(rng.integers(35, 80)) * 100,
            needs_dormitory=bool(rng.random() < 0.5),
            available_from=today + timedelta(days=int(rng.integers(-10, 45))),
            status="seeking" if rng.random() < 0.95 else "employed", paired_districts=(PAIRED[county],),
            experience_months={str(rng.choice(OCCUPATIONS)): int(rng.integers(0, 40))}))
    return out
