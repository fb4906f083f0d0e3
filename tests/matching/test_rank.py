"""Ranking API: hard constraints are never violated, explanations are exact, policy is visible."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.batches import PostingBatch
from matching.constraints import violated_constraints
from matching.heuristic import heuristic_scores
from matching.profiles import (DESTINATIONS, PostingProfile, SkillRequirement, WorkerProfile,
                               WorkerSkill)
from api.config import Config
from matching.rank import rank_postings_for_worker, rank_workers_for_posting

TODAY = date(2026, 3, 2)
SKILLS = ["S001", "S002", "S003", "S004"]
DISTRICTS = ["150921", "150102", "110105", "110108", "130102"]
days = st.integers(-40, 40).map(lambda d: TODAY + timedelta(days=d))

workers = st.builds(
    WorkerProfile, worker_id=st.integers(1, 10**6), county_code=st.sampled_from(["150921", "150430"]),
    birth_date=st.dates(date(1955, 1, 1), date(2014, 1, 1)),
    poverty_status=st.sampled_from(["alleviated", "monitored", "none"]),
    languages=st.sampled_from([("zh",), ("zh", "mn"), ("mn",)]),
    education=st.sampled_from(["primary", "junior", "senior", "college"]),
    skills=st.lists(st.builds(WorkerSkill, st.sampled_from(SKILLS), st.integers(1, 5), st.booleans()),
                    max_size=4).map(tuple),
    preferred_occupations=st.lists(st.sampled_from(["O1", "O2"]), max_size=2, unique=True).map(tuple),
    destinations=st.lists(st.sampled_from(DESTINATIONS), min_size=1, unique=True).map(tuple),
    expected_monthly_wage=st.integers(2000, 9000), needs_dormitory=st.booleans(), available_from=days,
    status=st.sampled_from(["seeking", "seeking", "employed"]),
    paired_districts=st.sampled_from([(), ("110105",)]),
    experience_months=st.dictionaries(st.sampled_from(["O1", "O2"]), st.integers(0, 60)),
)
PRIORITY_WEIGHT = Config.POVERTY_PRIORITY_WEIGHT  # the policy default the service ranks with


@st.composite
def postings(draw: st.DrawFn, posting_id: int = 1) -> PostingProfile:
    wage_min = draw(st.integers(2000, 8000))
    age_min = draw(st.integers(16, 40))
    return PostingProfile(
        posting_id=posting_id, employer_id=draw(st.integers(1, 3)), occupation_code=draw(st.sampled_from(["O1", "O2"])),
        district_code=draw(st.sampled_from(DISTRICTS)), openings=5, openings_left=draw(st.integers(0, 5)),
        wage_min=wage_min, wage_max=wage_min + draw(st.integers(0, 3000)),
        provides_dormitory=draw(st.booleans()), provides_meals=draw(st.booleans()), social_insurance=draw(st.booleans()),
        age_min=age_min, age_max=draw(st.integers(age_min, 65)),
        education_min=draw(st.sampled_from(["none", "junior", "senior"])),
        required_skills=tuple(draw(st.lists(st.builds(SkillRequirement, st.sampled_from(SKILLS), st.integers(1, 4),
                                                      st.booleans()), max_size=3))),
        preferred_skills=tuple(draw(st.lists(st.sampled_from(SKILLS), max_size=2, unique=True))),
        languages=draw(st.sampled_from([(), ("zh",), ("zh", "mn")])), contract_months=12,
        start_date=TODAY, expires_on=draw(days), status=draw(st.sampled_from(["open", "open", "filled"])),
        created_on=draw(st.one_of(st.none(), days)))


posting_lists = st.integers(1, 12).flatmap(lambda n: st.tuples(*[postings(i + 1) for i in range(n)]))


def _assert_exact_skills(result, worker, posting) -> None:  # noqa: ANN001
    held: dict[str, int] = {}
    for s in worker.skills:
        held[s.code] = max(held.get(s.code, 0), s.level)
    need: dict[str, int] = {}
    for r in posting.required_skills:
        need[r.code] = max(need.get(r.code, 0), r.min_level)
    assert set(result.matched_skills) == {c for c, m in need.items() if held.get(c, 0) >= m}
    assert set(result.missing_skills) == {c for c, m in need.items() if held.get(c, 0) < m}


@settings(max_examples=150, deadline=None)
@given(worker=workers, posting_tuple=posting_lists)
def test_no_returned_posting_violates_a_hard_constraint(worker, posting_tuple) -> None:  # noqa: ANN001
    batch = PostingBatch.from_profiles(posting_tuple)
    results = rank_postings_for_worker(worker, batch, heuristic_scores, TODAY, limit=100)
    eligible = {p.posting_id for p in posting_tuple if not violated_constraints(worker, p, TODAY)}
    assert {r.posting_id for r in results} == eligible
    by_id = {p.posting_id: p for p in posting_tuple}
    for r in results:
        assert violated_constraints(worker, by_id[r.posting_id], TODAY) == ()
        _assert_exact_skills(r, worker, by_id[r.posting_id])
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posting=postings(), worker_list=st.lists(workers, min_size=1, max_size=10))
def test_no_returned_worker_violates_a_hard_constraint(posting, worker_list) -> None:  # noqa: ANN001
    worker_list = [replace(w, worker_id=i) for i, w in enumerate(worker_list)]
    results = rank_workers_for_posting(posting, worker_list, heuristic_scores, TODAY, limit=100,
                                       priority_weight=PRIORITY_WEIGHT)
    assert {r.worker_id for r in results} == {w.worker_id for w in worker_list
                                              if not violated_constraints(w, posting, TODAY)}
    for r in results:
        worker = worker_list[r.worker_id]
        _assert_exact_skills(r, worker, posting)
        priority = worker.poverty_status in ("alleviated", "monitored")
        assert r.priority_bonus == (PRIORITY_WEIGHT if priority else 0.0)
        assert any(x["feature"] == "priority_group" for x in r.reasons) == priority


def test_priority_weight_reorders_equal_candidates_and_is_a_reason(make_worker, make_posting) -> None:  # noqa: ANN001
    plain, priority = make_worker(worker_id=1), make_worker(worker_id=2, poverty_status="monitored")
    results = rank_workers_for_posting(make_posting(), [plain, priority], heuristic_scores, TODAY,
                                       priority_weight=PRIORITY_WEIGHT)
    assert [r.worker_id for r in results] == [2, 1]
    assert results[0].score == results[0].model_score + PRIORITY_WEIGHT
    assert results[0].reasons[0]["feature"] == "priority_group"
    assert all(r["feature"] != "priority_group" for r in results[1].reasons)
    off = rank_workers_for_posting(make_posting(), [plain, priority], heuristic_scores, TODAY, priority_weight=0)
    assert [r.worker_id for r in off] == [1, 2]  # equal scores: lower id first


def test_better_paid_posting_ranks_first_with_result_fields(make_worker, make_posting) -> None:  # noqa: ANN001
    batch = PostingBatch.from_profiles([make_posting(posting_id=1, wage_min=3000, wage_max=3500),
                                        make_posting(posting_id=2, wage_min=6000, wage_max=7000),
                                        make_posting(posting_id=3, status="closed", wage_max=9000)])
    results = rank_postings_for_worker(make_worker(), batch, heuristic_scores, TODAY)
    assert [r.posting_id for r in results] == [2, 1]
    top = results[0]
    assert (top.destination_tier, top.paired, top.wage_ratio) == ("paired_beijing", True, 6500 / 5000)
    assert top.matched_skills == ("S001",) and top.missing_skills == ()
    assert 0 < len(top.reasons) <= 3 and all({"text_zh", "text_en"} <= set(r) for r in top.reasons)


def test_filters_and_limit_narrow_the_results(make_worker, make_posting) -> None:  # noqa: ANN001
    batch = PostingBatch.from_profiles([
        make_posting(posting_id=1, occupation_code="O10"), make_posting(posting_id=2, occupation_code="O20"),
        make_posting(posting_id=3, district_code="110108", wage_max=9000),
    ])
    worker = make_worker()
    assert [r.posting_id for r in rank_postings_for_worker(worker, batch, heuristic_scores, TODAY,
                                                           occupations=["O20"])] == [2]
    assert {r.posting_id for r in rank_postings_for_worker(worker, batch, heuristic_scores, TODAY,
                                                           tiers=["other_beijing"])} == {3}
    assert [r.posting_id for r in rank_postings_for_worker(worker, batch, heuristic_scores, TODAY,
                                                           min_wage=8000)] == [3]
    assert len(rank_postings_for_worker(worker, batch, heuristic_scores, TODAY, limit=2)) == 2


def test_any_score_fn_is_accepted_and_called_in_batches(make_worker, make_posting) -> None:  # noqa: ANN001
    calls = []

    def constant(X: np.ndarray) -> np.ndarray:
        calls.append(len(X))
        return np.zeros(len(X))

    batch = PostingBatch.from_profiles([make_posting(posting_id=i) for i in range(1, 6)])
    results = rank_postings_for_worker(make_worker(), batch, constant, TODAY, limit=3)
    assert [r.posting_id for r in results] == [1, 2, 3]
    assert len(calls) == 2 and calls[0] == 5
    assert all(r.reasons == () for r in results)  # a constant scorer has nothing to explain


def recording_heuristic(calls: list[int]):  # noqa: ANN201 - a ScoreFn
    """The heuristic, noting how many rows each call scores."""

    def score(X: np.ndarray) -> np.ndarray:
        calls.append(len(X))
        return heuristic_scores(X)

    return score


def rising_wages(make_posting, n: int) -> PostingBatch:  # noqa: ANN001 - the fixture factory
    """Postings 1..n whose top wage rises with the id, so the heuristic ranks them n, n-1, …"""
    return PostingBatch.from_profiles([make_posting(posting_id=i, wage_max=4000 + 100 * i) for i in range(1, n + 1)])


def test_shortlist_passes_only_the_best_heuristic_candidates_to_the_scorer(make_worker, make_posting) -> None:  # noqa: ANN001
    seen: list[int] = []
    recording, batch = recording_heuristic(seen), rising_wages(make_posting, 10)
    full = rank_postings_for_worker(make_worker(), batch, heuristic_scores, TODAY, limit=3)
    short = rank_postings_for_worker(make_worker(), batch, recording, TODAY, limit=3, shortlist=4)
    assert seen[0] == 4
    assert [r.posting_id for r in short] == [r.posting_id for r in full] == [10, 9, 8]


def test_no_reasons_asked_for_means_the_scorer_is_called_once(make_worker, make_posting) -> None:  # noqa: ANN001
    calls: list[int] = []
    recording, batch = recording_heuristic(calls), rising_wages(make_posting, 5)
    explained = rank_postings_for_worker(make_worker(), batch, heuristic_scores, TODAY, limit=3)
    bare = rank_postings_for_worker(make_worker(), batch, recording, TODAY, limit=3, top_k_reasons=0)
    assert calls == [5] and all(r.reasons == () for r in bare)
    assert [r.posting_id for r in bare] == [r.posting_id for r in explained]
    assert [r.score for r in bare] == [r.score for r in explained]
