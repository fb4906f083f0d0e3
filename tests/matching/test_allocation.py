"""Interview plans, capacity-aware recommendations and congestion metrics."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from matching.allocation import as_candidates, max_weight_b_matching, plan_interviews
from matching.capacity import (
    capacity_aware_top_k, congestion_before_after, independent_top_k, recommendation_caps,
)
from matching.congestion import congestion_report, gini


@st.composite
def fairs(draw, max_attendees=8, max_postings=6, max_limit=3):
    """A random fair: probabilities with disallowed (zero) pairs, openings, slots, limit."""
    n = draw(st.integers(1, max_attendees))
    m = draw(st.integers(1, max_postings))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    P = np.round(rng.uniform(0.0, 1.0, (n, m)), 2)
    P[rng.random((n, m)) < draw(st.sampled_from([0.0, 0.3, 0.6]))] = 0.0
    openings = rng.integers(0, 4, m)
    slots = rng.integers(0, 5, m)
    return P, openings, slots, draw(st.integers(0, max_limit))


def _as_input(P: np.ndarray, form: str):
    if form == "dense":
        return P
    if form == "sparse":
        return sparse.csr_array(P)
    rows, cols = np.nonzero(P)
    return rows, cols, P[rows, cols]


def _best_subsets(P, row_cap, col_cap):
    """Brute force: the best total weight choosing, per row, a subset of <= cap columns."""
    n, m = P.shape
    values = np.zeros(1)
    loads = np.zeros((1, m), dtype=np.int64)
    for i in range(n):
        allowed = [j for j in range(m) if P[i, j] > 0]
        options = [s for k in range(row_cap[i] + 1) for s in itertools.combinations(allowed, k)]
        opt_val = np.array([P[i, list(s)].sum() for s in options])
        opt_load = np.zeros((len(options), m), dtype=np.int64)
        for o, s in enumerate(options):
            opt_load[o, list(s)] = 1
        values = (values[:, None] + opt_val[None, :]).ravel()
        loads = (loads[:, None, :] + opt_load[None, :, :]).reshape(-1, m)
        ok = np.all(loads <= col_cap, axis=1)
        values, loads = values[ok], loads[ok]
    return values.max()


@settings(max_examples=150, deadline=None)
@given(fairs(), st.sampled_from(["dense", "sparse", "triplets"]))
def test_plan_never_exceeds_capacities_or_plans_disallowed_pairs(fair, form):
    P, openings, slots, limit = fair
    plan = plan_interviews(_as_input(P, form), openings, slots, limit, n_attendees=len(P))
    a, j = plan.attendee_idx, plan.posting_idx
    assert np.all(np.bincount(a, minlength=len(P)) <= limit)
    assert np.all(np.bincount(j, minlength=len(openings)) <= np.where(openings > 0, slots, 0))
    assert np.all(np.bincount(j[plan.primary], minlength=len(openings)) <= openings)
    assert np.all(np.bincount(a[plan.primary], minlength=len(P)) <= 1)
    assert np.all(P[a, j] > 0) and np.array_equal(plan.p, P[a, j])
    assert len(set(zip(a.tolist(), j.tolist()))) == len(plan)
    assert plan.status == "optimal"
    assert plan.expected_lasting_placements == pytest.approx(plan.p[plan.primary].sum())


@settings(max_examples=150, deadline=None)
@given(fairs(max_attendees=5, max_postings=4, max_limit=2))
def test_plan_objective_equals_brute_force_optimum(fair):
    P, openings, slots, limit = fair
    plan = plan_interviews(P, openings, slots, limit, prune_k=0)
    n, m = P.shape
    hire_cap = np.minimum(openings, np.where(openings > 0, slots, 0))
    best = _best_subsets(P, np.full(n, min(limit, 1)), hire_cap)
    assert plan.expected_lasting_placements == pytest.approx(best, abs=1e-9)
    # Backups are the best use of what the primaries leave over.
    rest = P.copy()
    rest[plan.attendee_idx[plan.primary], plan.posting_idx[plan.primary]] = 0.0
    used_a = np.bincount(plan.attendee_idx[plan.primary], minlength=n)
    used_j = np.bincount(plan.posting_idx[plan.primary], minlength=m)
    backups = _best_subsets(rest, limit - used_a, np.where(openings > 0, slots, 0) - used_j)
    assert plan.p[~plan.primary].sum() == pytest.approx(backups, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_b_matching_equals_brute_force_with_row_capacities(n, m, seed):
    rng = np.random.default_rng(seed)
    P = np.round(rng.uniform(0, 1, (n, m)), 2) * (rng.random((n, m)) > 0.25)
    row_cap, col_cap = rng.integers(0, 3, n), rng.integers(0, 4, m)
    rows, cols = np.nonzero(P)
    sol = max_weight_b_matching(rows, cols, P[rows, cols], row_cap, col_cap, prune_k=0)
    assert sol.status == "optimal"
    assert sol.objective == pytest.approx(_best_subsets(P, row_cap, col_cap), abs=1e-9)
    assert sol.upper_bound == pytest.approx(sol.objective, abs=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_pruned_solve_is_certified_and_matches_the_full_lp(seed):
    rng = np.random.default_rng(seed)
    n, m = 120, 30
    P = rng.uniform(0, 1, (n, m)) ** 2 + rng.uniform(0, 1, m)[None, :] * 0.5
    P = np.clip(P, 0, 1) * (rng.random((n, m)) > 0.2)
    rows, cols = np.nonzero(P)
    row_cap, col_cap = rng.integers(1, 4, n), rng.integers(1, 6, m)
    full = max_weight_b_matching(rows, cols, P[rows, cols], row_cap, col_cap, prune_k=None)
    pruned = max_weight_b_matching(rows, cols, P[rows, cols], row_cap, col_cap, prune_k=0)
    assert pruned.status == "optimal" and pruned.rounds > 1
    assert pruned.pairs_in_lp < len(rows)
    assert pruned.objective == pytest.approx(full.objective, rel=1e-9)


def test_interviews_per_opening_cap_limits_every_booth():
    rng = np.random.default_rng(11)
    P = rng.uniform(0.1, 1.0, (30, 5))
    openings, slots = np.array([1, 2, 3, 1, 2]), np.full(5, 10)
    plan = plan_interviews(P, openings, slots, 3, max_interviews_per_opening=1.5)
    assert np.all(np.bincount(plan.posting_idx, minlength=5) <= np.floor(1.5 * openings))
    assert np.bincount(plan.posting_idx, minlength=5).sum() == np.floor(1.5 * openings).sum()


def test_candidates_reject_duplicates_and_probabilities_above_one():
    with pytest.raises(ValueError):
        as_candidates((np.array([0, 0]), np.array([1, 1]), np.array([0.2, 0.3])), 2)
    with pytest.raises(ValueError):
        as_candidates(np.array([[1.5]]), 1)
    cand = as_candidates(np.array([[0.0, np.nan, 0.4]]), 3)
    assert cand.posting.tolist() == [2]


@settings(max_examples=100, deadline=None)
@given(fairs(max_attendees=10, max_postings=6), st.integers(1, 4),
       st.floats(0.5, 4.0), st.sampled_from(["dense", "lists"]))
def test_capacity_aware_lists_respect_caps_and_k(fair, k, factor, form):
    P, openings, _, _ = fair
    pending = np.arange(len(openings)) % 3
    scores = P if form == "dense" else [
        (np.flatnonzero(row), row[row > 0]) for row in P]
    recs = capacity_aware_top_k(scores, openings, pending, k, factor=factor)
    workers, postings, s = recs.pairs()
    caps = recommendation_caps(openings, pending, factor)
    assert np.all(np.bincount(postings, minlength=len(openings)) <= caps)
    assert np.all(np.bincount(workers, minlength=len(P)) <= k)
    assert np.all(P[workers, postings] > 0) and np.array_equal(s, P[workers, postings])
    assert all(np.all(np.diff(sc) <= 0) for sc in recs.scores)
    assert recs.status == "optimal"


def test_capacity_aware_lists_equal_independent_top_k_when_caps_do_not_bind():
    rng = np.random.default_rng(7)
    S = rng.permutation(40 * 12).reshape(40, 12) / (40 * 12) + 1e-3
    openings = np.full(12, 100)
    aware = capacity_aware_top_k(S, openings, np.zeros(12, int), 3)
    plain = independent_top_k(S, 3, 12)
    assert all(np.array_equal(a, b) for a, b in zip(aware.postings, plain.postings))


def test_recommendation_caps_subtract_pending_and_close_full_postings():
    caps = recommendation_caps(np.array([2, 1, 0, 3]), np.array([1, 5, 0, 0]), 2.5)
    assert caps.tolist() == [4, 0, 0, 8]


def test_capacity_awareness_lowers_congestion_on_a_skewed_instance():
    rng = np.random.default_rng(3)
    S = np.clip(rng.uniform(0.05, 0.4, (200, 40)) + np.r_[np.full(4, 0.5), np.zeros(36)],
                0, 1)
    openings = rng.integers(1, 4, 40)
    before, after = congestion_before_after(S, openings, np.zeros(40, int), 3, factor=3.0)
    assert after.max_per_opening <= 3.0 < before.max_per_opening
    assert after.gini_per_opening < before.gini_per_opening
    assert after.share_without_candidate <= before.share_without_candidate
    assert after.expected_lasting_placements >= before.expected_lasting_placements - 1e-9


@pytest.mark.parametrize("values, expected", [
    ([1, 1, 1, 1], 0.0), ([0, 0, 0, 1], 0.75), ([1, 3], 0.25), ([0, 0], 0.0), ([5], 0.0),
    ([2, 6], 0.25),
])
def test_gini_of_known_vectors(values, expected):
    assert gini(np.array(values)) == pytest.approx(expected)


def test_congestion_report_of_a_hand_made_plan():
    # Posting 0 (2 openings) gets 3 interviews, posting 1 (1 opening) none, posting 2 closed.
    report = congestion_report(
        np.array([0, 1, 2, 2]), np.array([0, 0, 0, 2]), np.array([0.5, 0.4, 0.3, 0.9]),
        np.array([2, 1, 0]))
    assert report.per_opening.tolist() == [1.5, 0.0]
    assert report.share_without_candidate == 0.5
    assert report.gini_per_opening == pytest.approx(0.5)
    assert report.openings_filled == 2
    assert report.expected_lasting_placements == pytest.approx(0.9)
