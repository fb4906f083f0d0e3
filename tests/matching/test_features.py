"""Pair features, the heuristic scorer and faithful explanations."""
from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from matching.batches import PostingBatch, WorkerBatch
from matching.explain import contributions, explain, reference_vector
from matching.features import FEATURE_INDEX, FEATURE_NAMES, pair_features, skill_match, worker_features
from matching.heuristic import HEURISTIC_WEIGHTS, heuristic_scores
from matching.profiles import EmployerRetention, SkillRequirement, WorkerSkill

TODAY = date(2026, 3, 2)


def _row(worker, posting, **batch_kw) -> dict[str, float]:  # noqa: ANN001
    X = worker_features(worker, PostingBatch.from_profiles([posting], **batch_kw), TODAY)
    return dict(zip(FEATURE_NAMES, X[0].tolist()))


def test_feature_values_of_a_known_pair(make_worker, make_posting) -> None:  # noqa: ANN001
    posting = make_posting(required_skills=(SkillRequirement("S001", 2), SkillRequirement("S003", 1)),
                           preferred_skills=("S002", "S004"), provides_dormitory=False, created_on=date(2026, 2, 20))
    f = _row(make_worker(), posting)
    assert f["required_skill_coverage"] == 0.5
    assert f["required_level_margin"] == pytest.approx(((3 - 2) + (0 - 1)) / 2)
    assert f["preferred_skill_coverage"] == 0.5
    assert f["occupation_preferred"] == 1.0
    assert f["occupation_experience_log"] == pytest.approx(math.log1p(12))
    assert f["wage_ratio"] == pytest.approx(5250 / 5000)
    assert f["wage_max_meets_expectation"] == 1.0
    assert f["tier_paired_beijing"] == 1.0 and sum(f[f"tier_{t}"] for t in
                                                   ("home_county", "in_region", "other_beijing", "other")) == 0
    assert (f["dormitory_needed_provided"], f["dormitory_needed_missing"]) == (0.0, 1.0)
    assert f["education_gap"] == 0.0
    assert f["language_matches"] == 1.0
    assert f["posting_age_log"] == pytest.approx(math.log1p(10))
    assert f["openings_left_log"] == pytest.approx(math.log1p(3))
    assert f["contract_months"] == 12.0


def test_no_required_skills_means_full_coverage(make_worker, make_posting) -> None:  # noqa: ANN001
    f = _row(make_worker(), make_posting(required_skills=(), preferred_skills=()))
    assert (f["required_skill_coverage"], f["required_level_margin"], f["preferred_skill_coverage"]) == (1, 0, 1)


def test_employer_retention_is_shrunk_toward_the_global_mean(make_worker, make_posting) -> None:  # noqa: ANN001
    retention = {7: EmployerRetention(7, hires=1, retained_90d=1), 8: EmployerRetention(8, 99, 49)}
    f = _row(make_worker(), make_posting(employer_id=7), retention=retention)
    mean = 50 / 100
    assert f["employer_retention"] == pytest.approx((1 + 20 * mean) / (1 + 20))
    unknown = _row(make_worker(), make_posting(employer_id=9), retention=retention)
    assert unknown["employer_retention"] == pytest.approx(mean)


def test_one_worker_path_equals_pair_path(make_worker, make_posting) -> None:  # noqa: ANN001
    postings = [make_posting(posting_id=i, district_code=d, wage_max=4000 + 500 * i)
                for i, d in enumerate(["110105", "110108", "150921", "150102", "130102"])]
    workers = [make_worker(worker_id=1), make_worker(worker_id=2, county_code="150430", paired_districts=("110108",),
                                                     skills=(WorkerSkill("S001", 1),))]
    pb = PostingBatch.from_profiles(postings)
    wb = WorkerBatch.from_profiles(workers, pb)
    wi, pi = np.repeat([0, 1], 5), np.tile(np.arange(5), 2)
    pairs = pair_features(wb, pb, wi, pi, TODAY)
    assert np.array_equal(pairs[:5], worker_features(workers[0], pb, TODAY))
    assert np.array_equal(pairs[5:], worker_features(workers[1], pb, TODAY))
    tiers = pairs[:, [FEATURE_INDEX[f"tier_{t}"] for t in
                      ("home_county", "in_region", "paired_beijing", "other_beijing", "other")]].argmax(1)
    assert tiers.tolist() == [2, 3, 0, 1, 4, 3, 2, 1, 1, 4]


def test_skill_match_lists_matched_and_missing_required_skills(make_worker, make_posting) -> None:  # noqa: ANN001
    posting = make_posting(required_skills=(SkillRequirement("S001", 4), SkillRequirement("S002", 2),
                                            SkillRequirement("S009", 1)))
    assert skill_match(make_worker(), posting) == (("S002",), ("S001", "S009"))


def test_heuristic_rises_with_skill_coverage_and_stays_in_unit_interval() -> None:
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 3, size=(200, len(FEATURE_NAMES))).astype(np.float32)
    for name, weight in HEURISTIC_WEIGHTS.items():
        if weight == 0:
            continue
        low, high = X.copy(), X.copy()
        low[:, FEATURE_INDEX[name]], high[:, FEATURE_INDEX[name]] = 0.2, 0.9
        diff = heuristic_scores(high) - heuristic_scores(low)
        assert np.all(np.sign(diff) == np.sign(weight)), name
    s = heuristic_scores(X)
    assert np.all((s > 0) & (s < 1))


def test_contributions_are_exact_for_a_linear_scorer_and_score_fn_is_called_once() -> None:
    calls = []
    w = np.arange(len(FEATURE_NAMES), dtype=np.float64)

    def linear(X: np.ndarray) -> np.ndarray:
        calls.append(len(X))
        return X @ w

    X = np.random.default_rng(1).normal(size=(4, len(FEATURE_NAMES)))
    ref = reference_vector(X)
    scores, deltas = contributions(linear, X, ref)
    assert calls == [4 * (len(FEATURE_NAMES) + 1)]
    assert np.allclose(scores, X @ w)
    assert np.allclose(deltas, (X - ref) * w)


def test_explain_returns_top_facts_by_absolute_effect() -> None:
    X = np.zeros((1, len(FEATURE_NAMES)))
    X[0, FEATURE_INDEX["wage_ratio"]] = 0.5
    X[0, FEATURE_INDEX["social_insurance"]] = 1.0
    reasons = explain(lambda A: A.sum(axis=1) - 8 * A[:, FEATURE_INDEX["wage_ratio"]],
                      X, reference=np.zeros(len(FEATURE_NAMES)), top_k=3)[0]
    assert [r["feature"] for r in reasons] == ["wage", "social_insurance"]
    assert [(r["direction"], r["effect"]) for r in reasons] == [("unfavourable", "lowers"), ("favourable", "raises")]
    assert {"code", "kind", "direction", "effect", "strength", "zh", "en", "text_zh", "text_en"} <= set(reasons[0])
