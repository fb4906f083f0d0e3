"""Capacity-aware lists at scale: posting prices found in a few global passes, applied per
partition (priced matching, 定价分配).

``matching.capacity.capacity_aware_top_k`` solves one transportation LP over every
candidate pair of the night: exact, but its memory and time grow with the whole
population. Its dual tells what to do instead: with a price ``v_j >= 0`` per posting,

    D(v) = sum_j cap_j * v_j + sum_i (sum of worker i's k largest positive p_ij - v_j)

is an upper bound on the LP optimum for *any* ``v`` (weak duality, as in
``matching.allocation.max_weight_b_matching``), and at the optimal prices every worker's
own top-k by ``p_ij - v_j`` is an optimal list. So:

1. **prices** — a few passes over the partitions' candidate lists; each pass needs, per
   partition, only its share of ``D(v)`` and how many of its workers' top-k lists (by
   ``p - v``) each posting is on, so a pass is a map over partitions and a sum of
   posting-length arrays. ``D`` is convex in ``v`` with subgradient ``cap_j - demand_j``:
   each pass takes a projected subgradient step (Polyak's step length, aimed at the
   best objective found), raising the price of an over-demanded posting and lowering
   that of one with room;
2. **allocation** — partitions are taken in order, each worker proposes its best pairs by
   ``p - v`` and a posting keeps its best proposals up to the capacity still left; pairs
   refused move the worker on to its next choice. A last sweep fills lists that are still
   short with postings whose capacity is left. Every cap holds by construction.

The objective of the allocation and ``D`` at the best prices bound the gap to the exact LP
without solving it: ``PricedAllocation.gap_bound``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matching.allocation import _rank_within, top_per_group

DEFAULT_PASSES = 40


@dataclass(frozen=True, slots=True, eq=False)
class PartitionLists:
    """One partition's candidate lists: worker ``i``'s pairs are ``indptr[i]:indptr[i+1]``
    of ``posting`` (rows of the night's posting batch) and ``p`` (P(lasting), > 0)."""

    indptr: np.ndarray
    posting: np.ndarray
    p: np.ndarray

    @property
    def n_workers(self) -> int:
        return len(self.indptr) - 1

    def rows(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_workers), np.diff(self.indptr))

    def subset(self, keep: np.ndarray) -> PartitionLists:
        """The same workers with only the pairs in the mask ``keep`` (order kept)."""
        counts = np.bincount(self.rows()[keep], minlength=self.n_workers)
        return PartitionLists(np.r_[0, np.cumsum(counts)], self.posting[keep], self.p[keep])


@dataclass(frozen=True)
class PricedAllocation:
    selected: tuple[np.ndarray, ...]
    """Per partition, a mask over its pairs."""
    prices: np.ndarray
    objective: float
    """Sum of p over the selected pairs."""
    upper_bound: float
    """``D(v)`` at the best prices found: no allocation of these lists does better."""
    passes: int

    @property
    def gap_bound(self) -> float:
        """Relative gap to the best possible objective, at most."""
        return max(0.0, self.upper_bound - self.objective) / max(self.upper_bound, 1e-12)


def _dual_and_demand(part: PartitionLists, prices: np.ndarray, k: int) -> tuple[float, np.ndarray]:
    """This partition's share of ``D(v)`` (each worker's k largest positive ``p - v``) and
    how many of those top-k lists each posting is on (its demand at these prices)."""
    rows = part.rows()
    q = part.p - prices[part.posting]
    live = np.flatnonzero(q > 0)
    top = live[top_per_group(rows[live], q[live], np.full(part.n_workers, k))]
    return float(q[top].sum()), np.bincount(part.posting[top], minlength=len(prices))


def _fill(rows: np.ndarray, cols: np.ndarray, w: np.ndarray, need: np.ndarray, rem: np.ndarray,
          usable: np.ndarray) -> np.ndarray:
    """Greedy proposals: each row proposes its best ``need`` usable pairs by ``w``, each
    column keeps its best proposals up to ``rem``; refused rows propose again. ``need`` and
    ``rem`` are updated in place; returns the mask of pairs taken."""
    taken = np.zeros(len(rows), dtype=bool)
    alive = usable.copy()
    while True:
        cand = np.flatnonzero(alive & ~taken & (rem[cols] > 0) & (need[rows] > 0))
        if len(cand) == 0:
            return taken
        prop = cand[top_per_group(rows[cand], w[cand], need)]
        keep = _rank_within(cols[prop], w[prop]) < rem[cols[prop]]
        won = prop[keep]
        taken[won] = True
        np.subtract.at(need, rows[won], 1)
        np.subtract.at(rem, cols[won], 1)
        if keep.all():
            continue  # rows with room left propose their next pairs
        alive[prop[~keep]] = False  # those columns are full now


def allocate(parts: Sequence[PartitionLists], caps: np.ndarray, prices: np.ndarray, k: int) -> tuple[np.ndarray, ...]:
    """Lists within the caps at the given prices (see the module docstring, step 2)."""
    rem = np.asarray(caps, dtype=np.int64).copy()
    chosen, needs = [], []
    for part in parts:
        rows = part.rows()
        need = np.full(part.n_workers, k, dtype=np.int64)
        q = part.p - prices[part.posting]
        chosen.append(_fill(rows, part.posting, q, need, rem, q > 0))
        needs.append(need)
    for part, taken, need in zip(parts, chosen, needs):  # short lists take what is left
        if need.any() and rem.any():
            taken |= _fill(part.rows(), part.posting, part.p, need, rem, ~taken)
    return tuple(chosen)


def priced_allocation(parts: Sequence[PartitionLists], caps: np.ndarray, k: int, *,
                      passes: int = DEFAULT_PASSES, tolerance: float = 1e-4) -> PricedAllocation:
    """Prices by a few global passes, then the allocation at the best ones found.

    Each pass computes ``D(v)``, every posting's demand and the allocation at the current
    prices, keeps the best allocation, and moves the prices against the subgradient of
    ``D`` (``cap_j - demand_j``) with Polyak's step ``(D(v) - best objective) / |g|²``;
    it stops when the best allocation is within ``tolerance`` of the best bound. (Posting
    by posting clearing prices, tried first, crawl when P(lasting) is flat across a
    worker's candidates: each round raises a price only by the gap between her k-th and
    next choice.)
    """
    caps = np.asarray(caps, dtype=np.int64)
    n = len(caps)
    prices = np.zeros(n)
    best_bound, best_objective, best_prices = np.inf, -np.inf, prices
    best_selected: tuple[np.ndarray, ...] = ()
    used = 0
    for used in range(1, passes + 1):
        dual, demand = 0.0, np.zeros(n)
        for part in parts:
            d, m = _dual_and_demand(part, prices, k)
            dual += d
            demand += m
        bound = float(caps @ prices) + dual
        best_bound = min(best_bound, bound)
        selected = allocate(parts, caps, prices, k)
        objective = float(sum(part.p[s].sum() for part, s in zip(parts, selected)))
        if objective > best_objective:
            best_objective, best_prices, best_selected = objective, prices.copy(), selected
        if best_bound - best_objective <= tolerance * max(best_bound, 1e-12):
            break
        g = caps - demand
        g[(prices <= 0) & (g > 0)] = 0.0  # a price cannot go below zero
        if not g.any():
            break
        prices = np.maximum(prices - (bound - best_objective) / float(g @ g) * g, 0.0)
    return PricedAllocation(best_selected, best_prices, best_objective, max(best_bound, best_objective), used)
