"""Transparent heuristic scorer (经验规则打分): the baseline and the fallback when no model
has been trained.

``score = sigmoid(BIAS + sum(HEURISTIC_WEIGHTS[f] * x[f]))`` over the columns of
:data:`matching.features.FEATURE_NAMES`, so scores lie in (0, 1) and rise with every
feature whose weight is positive (more skill coverage, higher wage ratio, paired district,
higher employer retention, …). Continuous inputs are clipped first so that one extreme
value (a huge wage, a 10-year contract) cannot dominate.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from matching.features import FEATURE_NAMES

HEURISTIC_WEIGHTS: Mapping[str, float] = {
    "required_skill_coverage": 2.5,      # the job can be done at all
    "required_level_margin": 0.3,        # per level above (or below) the minimum
    "preferred_skill_coverage": 0.6,
    "occupation_preferred": 1.0,         # the worker asked for this kind of work
    "occupation_experience_log": 0.25,   # log months; 1 year ≈ +0.64
    "wage_ratio": 1.5,                   # mid wage / expected wage
    "wage_max_meets_expectation": 0.5,
    "tier_home_county": 0.4,             # 家门口就业: no migration cost
    "tier_in_region": 0.2,
    "tier_paired_beijing": 0.4,          # 结对区: service station and follow-up on site
    "tier_other_beijing": 0.0,
    "tier_other": -0.2,
    "dormitory_needed_provided": 0.5,
    "dormitory_needed_missing": -0.8,
    "meals_provided": 0.2,
    "social_insurance": 0.5,             # 稳定就业 needs a labour relationship
    "education_gap": 0.05,               # per rank above the minimum (negative below)
    "language_matches": 0.1,
    "employer_retention": 2.0,           # shrunk 90-day retention, 0..1
    "posting_age_log": -0.15,            # stale postings are often already filled
    "openings_left_log": 0.1,
    "contract_months": 0.02,             # per month, clipped at 36
    "employer_interest": 0.0,            # not in the rule (it predates the statistic)
    "employer_response_effect": 0.0,     # learned with a model: not in the rule
    "employer_lasting_effect": 0.0,
}
HEURISTIC_BIAS = -4.5
"""Centres a typical eligible pair near 0.5."""
CLIP_RANGES: Mapping[str, tuple[float, float]] = {
    "required_level_margin": (-2.0, 2.0),
    "occupation_experience_log": (0.0, 5.0),
    "wage_ratio": (0.0, 2.0),
    "education_gap": (-3.0, 3.0),
    "language_matches": (0.0, 3.0),
    "posting_age_log": (0.0, 5.0),
    "openings_left_log": (0.0, 4.0),
    "contract_months": (0.0, 36.0),
}

TYPICAL_PAIR: Mapping[str, float] = {
    "required_skill_coverage": 0.5, "required_level_margin": 0.0, "preferred_skill_coverage": 0.5,
    "occupation_preferred": 0.0, "occupation_experience_log": 0.0, "wage_ratio": 1.0,
    "wage_max_meets_expectation": 1.0, "tier_home_county": 0.0, "tier_in_region": 1.0,
    "tier_paired_beijing": 0.0, "tier_other_beijing": 0.0, "tier_other": 0.0,
    "dormitory_needed_provided": 0.0, "dormitory_needed_missing": 0.0, "meals_provided": 0.0,
    "social_insurance": 1.0, "education_gap": 0.0, "language_matches": 0.0,
    "employer_retention": 0.6, "posting_age_log": 2.5, "openings_left_log": 1.0, "contract_months": 12.0,
    "employer_interest": 0.1, "employer_response_effect": 0.0, "employer_lasting_effect": 0.0,
}
"""The typical pair that explanations compare against when no training medians exist (the
heuristic, or too few candidates for a median): a job in the region meeting expectations,
half the required skills, an average employer."""

_WEIGHTS = np.array([HEURISTIC_WEIGHTS[name] for name in FEATURE_NAMES], dtype=np.float64)
_LOW = np.array([CLIP_RANGES.get(name, (-np.inf, np.inf))[0] for name in FEATURE_NAMES])
_HIGH = np.array([CLIP_RANGES.get(name, (-np.inf, np.inf))[1] for name in FEATURE_NAMES])
_CLIPPED = tuple(FEATURE_NAMES.index(name) for name in CLIP_RANGES)


TYPICAL_VECTOR = np.array([TYPICAL_PAIR[name] for name in FEATURE_NAMES], dtype=np.float64)


def heuristic_scores(X: np.ndarray) -> np.ndarray:
    """Score rows of a feature matrix in :data:`FEATURE_NAMES` order; returns floats in (0, 1)."""
    X = np.array(X, dtype=np.float64)  # a copy: clipped in place below
    if X.ndim != 2 or X.shape[1] != len(FEATURE_NAMES):
        raise ValueError(f"expected shape (n, {len(FEATURE_NAMES)}), got {X.shape}")
    for j in _CLIPPED:  # only the bounded columns: clipping the whole matrix cost as much as the rest
        np.clip(X[:, j], _LOW[j], _HIGH[j], out=X[:, j])
    z = HEURISTIC_BIAS + X @ _WEIGHTS
    return 1.0 / (1.0 + np.exp(-z))


class HeuristicScorer:
    """Callable wrapper so the heuristic plugs in wherever a ``score_fn(X)`` is expected."""

    feature_names: tuple[str, ...] = FEATURE_NAMES

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return heuristic_scores(X)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Same as calling the scorer; mirrors the estimator API."""
        return heuristic_scores(X)
