"""Priced allocation: every cap holds, the objective is within 2 % of the exact LP on an
instance small enough for it, and the reported bound is a true upper bound."""
from __future__ import annotations

import numpy as np
import pytest

from matching.capacity import capacity_aware_top_k, recommendation_caps
from matching.pricing import PartitionLists, priced_allocation


def _instance(seed: int, workers: int = 1500, postings: int = 120, per_worker: int = 30):
    rng = np.random.default_rng(seed)
    appeal = rng.beta(2, 3, postings)  # some postings attract everyone
    lists = []
    for _ in range(workers):
        cols = rng.choice(postings, size=per_worker, replace=False)
        p = np.clip(0.6 * appeal[cols] + 0.4 * rng.random(per_worker), 1e-6, 1.0)
        order = np.argsort(-p, kind="stable")
        lists.append((cols[order], p[order]))
    openings = rng.integers(1, 6, postings)
    pending = rng.integers(0, 3, postings)
    return lists, openings, pending


def _partitions(lists, size):
    parts = []
    for a in range(0, len(lists), size):
        chunk = lists[a:a + size]
        indptr = np.r_[0, np.cumsum([len(c) for c, _ in chunk])]
        parts.append(PartitionLists(indptr, np.concatenate([c for c, _ in chunk]),
                                    np.concatenate([p for _, p in chunk])))
    return parts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_priced_lists_keep_the_caps_and_come_within_two_percent_of_the_exact_lp(seed):
    lists, openings, pending = _instance(seed)
    k = 10
    exact = capacity_aware_top_k(lists, openings, pending, k)
    best = sum(float(s.sum()) for s in exact.scores)
    caps = recommendation_caps(openings, pending)
    parts = _partitions(lists, 200)
    priced = priced_allocation(parts, caps, k)
    shown = np.zeros(len(caps), dtype=np.int64)
    for part, chosen in zip(parts, priced.selected):
        rows = part.rows()[chosen]
        assert np.bincount(rows, minlength=part.n_workers).max() <= k
        shown += np.bincount(part.posting[chosen], minlength=len(caps))
    assert (shown <= caps).all()
    assert int(((shown == caps) & (caps > 0)).sum()) > 10  # the caps bind: the instance is not trivial
    assert priced.objective >= 0.98 * best
    assert priced.upper_bound >= best - 1e-6 and priced.objective <= best + 1e-6


def test_without_a_binding_cap_every_worker_keeps_her_own_top_k():
    lists, openings, _ = _instance(4, workers=50)
    caps = np.full(len(openings), 10_000)
    parts = _partitions(lists, 16)
    priced = priced_allocation(parts, caps, 5)
    assert priced.passes == 1 and priced.gap_bound == pytest.approx(0.0, abs=1e-9)
    for part, chosen in zip(parts, priced.selected):
        for i in range(part.n_workers):
            a, b = part.indptr[i], part.indptr[i + 1]
            own = set(part.posting[a:b][np.argsort(-part.p[a:b], kind="stable")[:5]].tolist())
            assert set(part.posting[a:b][chosen[a:b]].tolist()) == own
