"""Features of (worker, posting) pairs, computed column-wise with numpy.

One code path serves both uses: one worker against every posting of a
:class:`~matching.batches.PostingBatch` (the service) and a million arbitrary pairs
(training). Column order is :data:`FEATURE_NAMES`; the matrix is float32.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from matching.batches import PostingBatch, WorkerBatch, expand_rows, gather, lookup
from matching.destinations import pair_tiers
from matching.profiles import DESTINATION_TIERS, PostingProfile, WorkerProfile

FEATURE_NAMES: tuple[str, ...] = (
    "required_skill_coverage",   # share of required skills held at >= min level; 1 if none required
    "required_level_margin",     # mean (worker level - min level) over required skills (0 if none; missing = level 0)
    "preferred_skill_coverage",  # share of preferred skills held at any level; 1 if none preferred
    "occupation_preferred",      # 1 if the posting's occupation is among the worker's preferred ones
    "occupation_experience_log",  # log1p(months of past work in this occupation)
    "wage_ratio",                # (wage_min + wage_max) / 2 / expected wage, clipped to [0, 5]
    "wage_max_meets_expectation",  # 1 if wage_max >= expected wage
    *(f"tier_{t}" for t in DESTINATION_TIERS),  # one-hot destination tier (5 columns)
    "dormitory_needed_provided",  # needs a dormitory and the job provides one
    "dormitory_needed_missing",  # needs a dormitory and the job does not provide one
    "meals_provided",
    "social_insurance",
    "education_gap",             # worker education rank - posting minimum rank (ordinal)
    "language_matches",          # required languages the worker speaks
    "employer_retention",        # employer 90-day retention, empirical-Bayes shrunk
    "posting_age_log",           # log1p(days since created_on); 0 when unknown
    "openings_left_log",         # log1p(openings_left)
    "contract_months",
    "employer_interest",         # employer's application rate (applications per time shown), shrunk
    "employer_response_effect",  # log(applications / expected from the pairs' fit), shrunk (training.employer_effects)
    "employer_lasting_effect",   # log(hires kept 90 days / expected from the hires' fit), shrunk
)
FEATURE_INDEX: dict[str, int] = {name: i for i, name in enumerate(FEATURE_NAMES)}
_WAGE_RATIO_CAP = 5.0


def _per_pair_sum(pair_pos: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(pair_pos, weights=values, minlength=n)


def pair_features(workers: WorkerBatch, postings: PostingBatch, worker_idx: np.ndarray,
                  posting_idx: np.ndarray, today: date) -> np.ndarray:
    """Return the ``(n_pairs, len(FEATURE_NAMES))`` float32 feature matrix.

    ``worker_idx[k]`` and ``posting_idx[k]`` are row numbers into ``workers`` and
    ``postings`` of pair ``k``. No Python loop runs over pairs.
    """
    wi = np.asarray(worker_idx, dtype=np.int64)
    pi = np.asarray(posting_idx, dtype=np.int64)
    n = len(wi)
    n_s = max(len(postings.skill_codes), 1)
    n_o = max(len(postings.occupation_codes), 1)
    n_l = max(len(postings.language_codes), 1)
    X = np.zeros((n, len(FEATURE_NAMES)), dtype=np.float32)

    req = postings.required
    pos, entry = expand_rows(req.indptr, pi)
    level = gather(workers.skill_keys, workers.skill_level, wi[pos] * n_s + req.indices[entry],
                   0).astype(np.float64)
    min_level = req.data[entry].astype(np.float64)
    n_req = _per_pair_sum(pos, np.ones(len(pos)), n)
    has_req = n_req > 0
    met = _per_pair_sum(pos, (level >= min_level).astype(np.float64), n)
    margin = _per_pair_sum(pos, level - min_level, n)
    X[:, 0] = np.where(has_req, met / np.maximum(n_req, 1), 1.0)
    X[:, 1] = np.where(has_req, margin / np.maximum(n_req, 1), 0.0)

    pref = postings.preferred
    pos, entry = expand_rows(pref.indptr, pi)
    found, _ = lookup(workers.skill_keys, wi[pos] * n_s + pref.indices[entry])
    n_pref = _per_pair_sum(pos, np.ones(len(pos)), n)
    X[:, 2] = np.where(n_pref > 0, _per_pair_sum(pos, found.astype(np.float64), n)
                       / np.maximum(n_pref, 1), 1.0)

    occ_keys = wi * n_o + postings.occupation[pi]
    X[:, 3] = lookup(workers.preferred_keys, occ_keys)[0]
    X[:, 4] = np.log1p(gather(workers.experience_keys, workers.experience_months, occ_keys, 0.0))

    expected = np.maximum(workers.expected_wage[wi], 1.0)
    X[:, 5] = np.clip((postings.wage_min[pi] + postings.wage_max[pi]) / 2 / expected, 0, _WAGE_RATIO_CAP)
    X[:, 6] = postings.wage_max[pi] >= workers.expected_wage[wi]

    tiers = pair_tiers(postings.district[pi], workers.county[wi], wi, workers.paired_keys)
    X[np.arange(n), 7 + tiers] = 1.0

    needs = workers.needs_dormitory[wi]
    dorm = postings.dormitory[pi]
    X[:, 12] = needs & dorm
    X[:, 13] = needs & ~dorm
    X[:, 14] = postings.meals[pi]
    X[:, 15] = postings.insurance[pi]
    X[:, 16] = workers.education[wi].astype(np.float32) - postings.education_min[pi]

    langs = postings.languages
    pos, entry = expand_rows(langs.indptr, pi)
    found, _ = lookup(workers.language_keys, wi[pos] * n_l + langs.indices[entry])
    X[:, 17] = _per_pair_sum(pos, found.astype(np.float64), n)

    X[:, 18] = postings.retention[pi]
    created = postings.created_ord[pi]
    X[:, 19] = np.where(created >= 0, np.log1p(np.maximum(today.toordinal() - created, 0)), 0.0)
    X[:, 20] = np.log1p(np.maximum(postings.openings_left[pi], 0))
    X[:, 21] = postings.contract_months[pi]
    X[:, 22] = postings.interest[pi]
    X[:, 23] = postings.response_effect[pi]
    X[:, 24] = postings.lasting_effect[pi]
    return X


def worker_features(worker: WorkerProfile, postings: PostingBatch, today: date,
                    posting_idx: np.ndarray | None = None) -> np.ndarray:
    """Features of one worker against ``posting_idx`` (default: every posting)."""
    pi = np.arange(len(postings)) if posting_idx is None else np.asarray(posting_idx)
    workers = WorkerBatch.from_profiles([worker], postings)
    return pair_features(workers, postings, np.zeros(len(pi), dtype=np.int64), pi, today)


def profile_features(workers: Sequence[WorkerProfile], postings: Sequence[PostingProfile],
                     today: date) -> np.ndarray:
    """Features of ``workers[k]`` against ``postings[k]`` straight from profiles (small inputs)."""
    pb = PostingBatch.from_profiles(postings)
    wb = WorkerBatch.from_profiles(workers, pb)
    idx = np.arange(len(workers))
    return pair_features(wb, pb, idx, idx, today)


def skill_match(worker: WorkerProfile, posting: PostingProfile) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return (matched, missing) required skill codes for one pair, in posting order.

    A required skill is matched when the worker holds it at ``min_level`` or above.
    """
    levels: dict[str, int] = {}
    for s in worker.skills:
        levels[s.code] = max(levels.get(s.code, 0), s.level)
    required: dict[str, int] = {}
    for r in posting.required_skills:  # a skill listed twice keeps its stricter level
        required[r.code] = max(required.get(r.code, 0), r.min_level)
    matched = tuple(c for c, m in required.items() if levels.get(c, 0) >= m)
    missing = tuple(c for c, m in required.items() if levels.get(c, 0) < m)
    return matched, missing
