"""Plain, immutable views of workers and postings that the engine works on, and the
domain's vocabularies and age rule.

The API, the scheduler, training and the synthetic world all build these from their own
records; the engine never sees a database row. Personal identifiers (name, ID number,
phone) and sex are deliberately absent: matching must not depend on them (就业促进法).

The vocabularies (education levels, destinations, poverty statuses, languages, statuses)
are defined here, once: the engine needs them and may import nothing of ours, so the
tables, schemas, importers and the synthetic world import them from here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

EDUCATION_LEVELS: tuple[str, ...] = (
    "none", "primary", "junior", "senior", "vocational", "college", "bachelor",
)
"""Ordered from lowest to highest; ``vocational`` (中专/技校) ranks with ``senior``+."""

DESTINATIONS: tuple[str, ...] = ("home_county", "in_region", "beijing", "other")
"""What a worker may accept: home county, elsewhere in Inner Mongolia, Beijing, elsewhere."""

DESTINATION_TIERS: tuple[str, ...] = (
    "home_county", "in_region", "paired_beijing", "other_beijing", "other",
)
"""Where a posting lies as seen from one worker's home county."""

DESTINATION_GROUPS: tuple[str, ...] = ("beijing", "in_region", "other")
"""How 劳务输出 is counted for a placement: Beijing, nearby within the region (incl. the home
county), other."""

POVERTY_STATUSES: tuple[str, ...] = ("alleviated", "monitored", "none")
PRIORITY_STATUSES: frozenset[str] = frozenset({"alleviated", "monitored"})
"""脱贫人口 and 防返贫监测对象: the groups the programme gives priority when ranking candidates."""
"""脱贫人口, 防返贫监测对象, others."""
LANGUAGES: tuple[str, ...] = ("zh", "mn", "en", "other")
"""Languages a worker speaks or a job requires: Mandarin, Mongolian, English, other."""

WORKER_STATUSES: tuple[str, ...] = ("seeking", "employed", "inactive")
POSTING_STATUSES: tuple[str, ...] = ("open", "filled", "closed", "expired")

MIN_WORKING_AGE = 16
"""Labour law: minimum working age."""
STATUTORY_MAX_AGE = 63
"""Upper statutory retirement age once the 2025 reform is complete; postings may not ask
for older workers (people past it work under service, not labour, contracts)."""


def age_on(birth: date, day: date) -> int:
    """Age in whole years on ``day`` (周岁): one more only once the birthday has come.

    Someone born on 29 February turns a year older on 1 March in a common year.
    """
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True, slots=True)
class WorkerSkill:
    code: str
    level: int  # 1..5
    certified: bool = False


@dataclass(frozen=True, slots=True)
class SkillRequirement:
    code: str
    min_level: int = 1
    certificate_required: bool = False


@dataclass(frozen=True, slots=True)
class WorkerProfile:
    worker_id: int
    county_code: str
    """GB/T 2260 county-level code in Inner Mongolia (15xxxx)."""
    birth_date: date
    poverty_status: str
    languages: tuple[str, ...]
    education: str
    skills: tuple[WorkerSkill, ...]
    preferred_occupations: tuple[str, ...]
    destinations: tuple[str, ...]
    expected_monthly_wage: int
    """Yuan per month."""
    needs_dormitory: bool
    available_from: date
    status: str = "seeking"
    paired_districts: tuple[str, ...] = ()
    """Beijing district codes paired (结对) with the worker's county."""
    experience_months: dict[str, int] = field(default_factory=dict)
    """Months of past employment by occupation code (from placement history)."""


@dataclass(frozen=True, slots=True)
class PostingProfile:
    posting_id: int
    employer_id: int
    occupation_code: str
    district_code: str
    """GB/T 2260 county-level code where the job is (11xxxx Beijing, 15xxxx Inner Mongolia, …)."""
    openings: int
    openings_left: int
    wage_min: int
    wage_max: int
    """Yuan per month."""
    provides_dormitory: bool
    provides_meals: bool
    social_insurance: bool
    age_min: int
    age_max: int
    education_min: str
    required_skills: tuple[SkillRequirement, ...]
    preferred_skills: tuple[str, ...]
    languages: tuple[str, ...]
    """Languages the job requires; the worker must speak every one of them."""
    contract_months: int
    start_date: date
    expires_on: date
    status: str = "open"
    created_on: date | None = None


@dataclass(frozen=True, slots=True)
class EmployerRetention:
    """An employer's history: hires and those still employed at 90 days; how many times its
    postings were shown to workers and how many applications they drew; and the active model's
    estimate of how much more than their fit workers apply to it and stay with it
    (``training.employer_effects``: log ratios, 0 for an average or unknown employer)."""

    employer_id: int
    hires: int
    retained_90d: int
    shown: int = 0
    applied: int = 0
    response_effect: float = 0.0
    lasting_effect: float = 0.0
