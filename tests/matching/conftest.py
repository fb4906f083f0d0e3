"""Small profile factories for the matching tests."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from matching.profiles import PostingProfile, SkillRequirement, WorkerProfile, WorkerSkill

TODAY = date(2026, 3, 2)


def _worker(**overrides: object) -> WorkerProfile:
    """A seeking 30-year-old from 卓资县 (150921) who accepts Beijing, paired with 朝阳区."""
    fields: dict[str, object] = dict(
        worker_id=1, county_code="150921", birth_date=date(1995, 6, 1), poverty_status="none",
        languages=("zh",), education="junior",
        skills=(WorkerSkill("S001", 3, certified=True), WorkerSkill("S002", 2)),
        preferred_occupations=("O10",), destinations=("beijing",), expected_monthly_wage=5000,
        needs_dormitory=True, available_from=date(2026, 3, 1), status="seeking",
        paired_districts=("110105",), experience_months={"O10": 12},
    )
    fields.update(overrides)
    return WorkerProfile(**fields)  # type: ignore[arg-type]


def _posting(**overrides: object) -> PostingProfile:
    """An open security-guard-like job in 朝阳区 (110105) requiring certified S001."""
    fields: dict[str, object] = dict(
        posting_id=100, employer_id=7, occupation_code="O10", district_code="110105",
        openings=5, openings_left=3, wage_min=4500, wage_max=6000,
        provides_dormitory=True, provides_meals=True, social_insurance=True,
        age_min=18, age_max=50, education_min="junior",
        required_skills=(SkillRequirement("S001", 2, certificate_required=True),),
        preferred_skills=("S002",), languages=("zh",), contract_months=12,
        start_date=date(2026, 3, 15), expires_on=date(2026, 4, 1), status="open",
        created_on=date(2026, 2, 20),
    )
    fields.update(overrides)
    return PostingProfile(**fields)  # type: ignore[arg-type]


@pytest.fixture
def today() -> date:
    """The fixed 'today' the factories' dates are chosen around."""
    return TODAY


@pytest.fixture
def make_worker() -> Callable[..., WorkerProfile]:
    """Factory: ``make_worker(**overrides)``."""
    return _worker


@pytest.fixture
def make_posting() -> Callable[..., PostingProfile]:
    """Factory: ``make_posting(**overrides)``."""
    return _posting
