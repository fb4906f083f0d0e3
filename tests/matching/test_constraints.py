"""Hard constraints: each one excludes, and the vectorised check agrees with the plain one."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from matching.batches import PostingBatch
from matching.constraints import (check_postings_for_worker, check_workers_for_posting,
                                  reason_names, violated_constraints)
from matching.destinations import accepted_tiers, destination_tier, is_destination_acceptable
from matching.profiles import SkillRequirement, WorkerSkill

TODAY = date(2026, 3, 2)  # same as the conftest factories' today


def _reasons(worker, posting, today=TODAY):  # noqa: ANN001, ANN202
    result = check_postings_for_worker(worker, PostingBatch.from_profiles([posting]), today)
    return result.reasons_for(0)


def test_fitting_pair_passes_every_constraint(make_worker, make_posting) -> None:  # noqa: ANN001
    assert _reasons(make_worker(), make_posting()) == ()


@pytest.mark.parametrize(("posting_kw", "worker_kw", "reason"), [
    ({"status": "filled"}, {}, "posting_not_open"),
    ({"openings_left": 0}, {}, "no_openings_left"),
    ({"expires_on": TODAY - timedelta(days=1)}, {}, "posting_expired"),
    ({}, {"status": "employed"}, "worker_not_seeking"),
    ({}, {"available_from": TODAY + timedelta(days=31)}, "worker_not_available"),
    ({"age_max": 29}, {}, "age_outside_posting_range"),
    ({"age_min": 10, "age_max": 70}, {"birth_date": date(2011, 1, 1)}, "age_outside_statutory_range"),
    ({"age_min": 10, "age_max": 70}, {"birth_date": date(1960, 1, 1)}, "age_outside_statutory_range"),
    ({}, {"skills": (WorkerSkill("S001", 5, certified=False),)}, "certificate_missing"),
    ({"district_code": "150921"}, {}, "destination_not_accepted"),
    ({"languages": ("zh", "mn")}, {}, "language_missing"),
])
def test_each_hard_constraint_excludes_with_its_reason(posting_kw, worker_kw, reason, make_worker,  # noqa: ANN001
                                                       make_posting) -> None:
    worker, posting = make_worker(**worker_kw), make_posting(**posting_kw)
    assert reason in _reasons(worker, posting)
    assert reason in violated_constraints(worker, posting, TODAY)


def test_posting_expiring_today_is_still_open(make_worker, make_posting) -> None:  # noqa: ANN001
    assert _reasons(make_worker(), make_posting(expires_on=TODAY)) == ()


def test_availability_horizon_is_inclusive_at_30_days(make_worker, make_posting) -> None:  # noqa: ANN001
    assert _reasons(make_worker(available_from=TODAY + timedelta(days=30)), make_posting()) == ()


def test_age_counts_full_years_at_the_birthday(make_worker, make_posting) -> None:  # noqa: ANN001
    turns_51_tomorrow = make_worker(birth_date=date(1975, 3, 3))
    turns_51_today = make_worker(birth_date=date(1975, 3, 2))
    assert _reasons(turns_51_tomorrow, make_posting(age_max=50)) == ()
    assert _reasons(turns_51_today, make_posting(age_max=50)) == ("age_outside_posting_range",)


def test_certificate_not_needed_when_not_required(make_worker, make_posting) -> None:  # noqa: ANN001
    posting = make_posting(required_skills=(SkillRequirement("S001", 1, certificate_required=False),))
    worker = make_worker(skills=(WorkerSkill("S001", 1, certified=False),))
    assert _reasons(worker, posting) == ()


def test_several_failures_are_all_reported(make_worker, make_posting) -> None:  # noqa: ANN001
    bits = check_postings_for_worker(make_worker(status="inactive"),
                                     PostingBatch.from_profiles([make_posting(openings_left=0)]),
                                     TODAY).reasons[0]
    assert reason_names(int(bits)) == ("no_openings_left", "worker_not_seeking")


def test_mask_over_many_postings_matches_reasons(make_worker, make_posting) -> None:  # noqa: ANN001
    postings = [make_posting(posting_id=i, openings_left=i % 2) for i in range(6)]
    result = check_postings_for_worker(make_worker(), PostingBatch.from_profiles(postings), TODAY)
    assert result.mask.tolist() == [False, True, False, True, False, True]


def test_workers_for_posting_checks_each_worker(make_worker, make_posting) -> None:  # noqa: ANN001
    workers = [make_worker(worker_id=1), make_worker(worker_id=2, destinations=("home_county",))]
    result = check_workers_for_posting(make_posting(), workers, TODAY)
    assert result.mask.tolist() == [True, False]
    assert result.reasons_for(1) == ("destination_not_accepted",)


@pytest.mark.parametrize(("district", "tier"), [
    ("150921", "home_county"), ("150102", "in_region"), ("110105", "paired_beijing"),
    ("110108", "other_beijing"), ("130102", "other"),
])
def test_destination_tier_from_worker_county(district: str, tier: str) -> None:
    assert destination_tier(district, "150921", ("110105",)) == tier


def test_destination_acceptability_follows_the_tier_table() -> None:
    assert accepted_tiers(["in_region"]) == {"home_county", "in_region"}
    assert accepted_tiers(["beijing"]) == {"paired_beijing", "other_beijing"}
    assert is_destination_acceptable("home_county", ["home_county"])
    assert not is_destination_acceptable("in_region", ["home_county"])
    assert not is_destination_acceptable("other", ["beijing", "in_region"])
    with pytest.raises(ValueError, match="unknown destination"):
        accepted_tiers(["mars"])
