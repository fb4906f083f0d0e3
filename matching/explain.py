"""Faithful explanations (推荐理由) for any scorer.

The contribution of feature ``f`` to a pair's score is
``score(x) - score(x with x[f] replaced by reference[f])``, where the reference is a
typical feature vector (the median over the candidate batch, or a median stored with a
trained model). It is computed with the real scorer, so it cannot disagree with it; all
perturbed rows go through ``score_fn`` in one call (tree models are slow on tiny batches).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from matching.features import FEATURE_NAMES

ScoreFn = Callable[[np.ndarray], np.ndarray]

FEATURE_TEXT: dict[str, tuple[str, str]] = {
    "required_skill_coverage": ("岗位要求技能掌握程度", "share of required skills held"),
    "required_level_margin": ("技能等级高于/低于要求", "skill level above or below the requirement"),
    "preferred_skill_coverage": ("具备加分技能", "preferred skills held"),
    "occupation_preferred": ("属于求职意向工种", "occupation the worker asked for"),
    "occupation_experience_log": ("有该工种从业经验", "experience in this occupation"),
    "wage_ratio": ("工资与期望相比", "wage compared with expectation"),
    "wage_max_meets_expectation": ("最高工资达到期望", "top of wage range meets expectation"),
    "tier_home_county": ("家门口就业", "job in the home county"),
    "tier_in_region": ("区内就近就业", "job elsewhere in Inner Mongolia"),
    "tier_paired_beijing": ("结对北京区，有服务站", "paired Beijing district with a service station"),
    "tier_other_beijing": ("北京非结对区", "Beijing district not paired with the county"),
    "tier_other": ("区外其他地区", "job in another province"),
    "dormitory_needed_provided": ("需要住宿且提供宿舍", "dormitory needed and provided"),
    "dormitory_needed_missing": ("需要住宿但不提供宿舍", "dormitory needed but not provided"),
    "meals_provided": ("提供餐食", "meals provided"),
    "social_insurance": ("缴纳社会保险", "social insurance paid"),
    "education_gap": ("学历与要求相比", "education compared with the minimum"),
    "language_matches": ("语言符合要求", "required languages spoken"),
    "employer_retention": ("用人单位90天留存率", "employer's 90-day retention"),
    "posting_age_log": ("岗位发布时长", "how long the posting has been up"),
    "openings_left_log": ("剩余招聘名额", "openings left"),
    "contract_months": ("合同期限", "contract length"),
}


def reference_vector(X: np.ndarray) -> np.ndarray:
    """Typical feature values: the column medians of ``X``."""
    return np.median(np.asarray(X, dtype=np.float64), axis=0)


def contributions(score_fn: ScoreFn, X: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (scores, deltas) where ``deltas[i, f] = score(X[i]) - score(X[i] with f := reference[f])``.

    ``score_fn`` is called exactly once, on ``n * (n_features + 1)`` rows.
    """
    X = np.asarray(X)
    n, n_f = X.shape
    stacked = np.repeat(X[:, None, :], n_f + 1, axis=1)  # row 0: original; row f+1: f replaced
    cols = np.arange(n_f)
    stacked[:, cols + 1, cols] = np.asarray(reference, dtype=X.dtype)[cols]
    scores = np.asarray(score_fn(stacked.reshape(n * (n_f + 1), n_f)), dtype=np.float64)
    scores = scores.reshape(n, n_f + 1)
    return scores[:, 0], scores[:, :1] - scores[:, 1:]


_INDICATORS = frozenset(name for name in FEATURE_NAMES if name.startswith("tier_")) | {
    "occupation_preferred", "wage_max_meets_expectation", "dormitory_needed_provided",
    "dormitory_needed_missing", "meals_provided", "social_insurance"}


def reason_record(feature: str, delta: float, value: float | None = None) -> dict[str, object]:
    """One human-readable reason: which feature moved the score, and which way.

    For yes/no features a ``value`` of 0 is worded as the absence ("否："/"not: ").
    """
    zh, en = FEATURE_TEXT.get(feature, (feature, feature.replace("_", " ")))
    if feature in _INDICATORS and value is not None and value == 0:
        zh, en = f"否：{zh}", f"not: {en}"
    up = delta >= 0
    return {
        "feature": feature,
        "delta": float(delta),
        "text_zh": f"{zh}（{'加分' if up else '减分'} {abs(delta):.3f}）",
        "text_en": f"{en} ({'+' if up else '-'}{abs(delta):.3f})",
    }


def top_reasons(deltas: np.ndarray, X: np.ndarray, feature_names: Sequence[str] = FEATURE_NAMES,
                top_k: int = 3, min_abs_delta: float = 1e-6) -> list[list[dict[str, object]]]:
    """For each row of ``deltas`` (features ``X``), the ``top_k`` features with the largest |delta|."""
    order = np.argsort(-np.abs(deltas), axis=1, kind="stable")[:, :top_k]
    return [[reason_record(feature_names[f], deltas[i, f], float(X[i, f])) for f in order[i]
             if abs(deltas[i, f]) > min_abs_delta] for i in range(len(deltas))]


def explain(score_fn: ScoreFn, X: np.ndarray, reference: np.ndarray | None = None,
            top_k: int = 3, feature_names: Sequence[str] = FEATURE_NAMES) -> list[list[dict[str, object]]]:
    """Top reasons for every row of ``X`` (reference defaults to the median of ``X``)."""
    ref = reference_vector(X) if reference is None else reference
    _, deltas = contributions(score_fn, X, ref)
    return top_reasons(deltas, X, feature_names, top_k)
