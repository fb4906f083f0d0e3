"""Capacity-aware interview plans for a job fair (招聘会面试安排).

The model of "expected lasting placements" (稳定就业 after hiring):

* every planned interview (i, j) turns into a hire that lasts with probability ``p[i, j]``;
* an attendee takes at most one job, a posting hires at most ``openings_left[j]`` people;
* so the expected lasting placements a plan can deliver is the best *hire assignment*
  inside the plan: a set of planned pairs, at most one per attendee and at most
  ``openings_left[j]`` per posting, with the largest sum of ``p``.

``plan_interviews`` solves it in two stages, both transportation LPs (bipartite incidence
constraint matrices are totally unimodular, so a simplex vertex is integral):

1. *primary* interviews: the best hire assignment over all allowed pairs, with posting
   capacity ``min(openings_left, slots)``. Its value is the plan's expected lasting
   placements and no feasible plan can do better (adding interviews never lowers it).
2. *backup* interviews: the remaining booth slots and attendee interviews, filled to
   maximise the sum of ``p`` (the best second chances if a primary interview fails).

Large fairs are solved on a pruned candidate set (each attendee's and each posting's best
pairs), then *certified*: LP duals bound the optimum over all pairs, and pairs they price
as useful come back until the bound meets the objective (column generation).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

ProbabilityInput = np.ndarray | sparse.sparray | sparse.spmatrix | tuple
"""A dense ``n_attendees x n_postings`` array, a sparse matrix, or ``(rows, cols, p)``."""

_GAP = 1e-7
"""Relative duality gap below which a solution counts as certified optimal."""
_ADD_PER_ROW = 5
"""Extra pairs per row brought back each round beyond the row's capacity."""


@dataclass(frozen=True)
class Candidates:
    """Allowed (attendee, posting) pairs with a positive weight, as parallel arrays."""

    attendee: np.ndarray
    posting: np.ndarray
    p: np.ndarray
    n_attendees: int
    n_postings: int


def as_candidates(
    P: ProbabilityInput, n_postings: int, *, n_attendees: int | None = None,
    max_value: float = 1.0,
) -> Candidates:
    """Normalise dense, sparse or triplet input; keep only finite weights > 0.

    In sparse and triplet input an absent pair is not allowed (a hard-constraint failure);
    in dense input a non-positive or NaN entry means the same.
    """
    if isinstance(P, tuple):
        rows, cols, vals = (np.asarray(a) for a in P)
        if not rows.shape == cols.shape == vals.shape or rows.ndim != 1:
            raise ValueError("triplets must be three 1-d arrays of equal length")
        if len(np.unique(rows.astype(np.int64) * n_postings + cols)) != len(rows):
            raise ValueError("duplicate (attendee, posting) pairs in triplets")
    elif sparse.issparse(P):
        coo = sparse.coo_array(P)
        coo.sum_duplicates()
        rows, cols, vals = coo.row, coo.col, coo.data
        n_attendees = coo.shape[0] if n_attendees is None else n_attendees
    else:
        dense = np.asarray(P, dtype=float)
        if dense.ndim != 2:
            raise ValueError("dense input must be 2-d")
        rows, cols = np.nonzero(np.nan_to_num(dense, nan=0.0) > 0)
        vals = dense[rows, cols]
        n_attendees = dense.shape[0] if n_attendees is None else n_attendees
    rows, cols, vals = rows.astype(np.int64), cols.astype(np.int64), vals.astype(float)
    if n_attendees is None:
        n_attendees = int(rows.max()) + 1 if len(rows) else 0
    if len(rows) and (rows.min() < 0 or rows.max() >= n_attendees
                      or cols.min() < 0 or cols.max() >= n_postings):
        raise ValueError("pair index out of range")
    if np.any(vals[np.isfinite(vals)] > max_value):
        raise ValueError(f"weights must not exceed {max_value}")
    keep = np.isfinite(vals) & (vals > 0)
    return Candidates(rows[keep], cols[keep], vals[keep], int(n_attendees), int(n_postings))


@dataclass(frozen=True)
class FlowSolution:
    """Result of ``max_weight_b_matching``: a mask over the candidate pairs given."""

    selected: np.ndarray
    objective: float
    upper_bound: float
    """A dual bound on the optimum over *all* candidates; equals ``objective`` when optimal."""
    status: str
    """``optimal`` (gap certified over every candidate) or ``pruned`` (rounds ran out)."""
    pairs_in_lp: int
    rounds: int


def _rank_within(group: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Rank of each pair among its group's pairs, best weight first (0-based)."""
    if len(group) == 0:
        return np.zeros(0, dtype=np.int64)
    # One float sort key: the group, plus the weight squeezed into [0, 0.5).
    span = 2.0 * (float(weights.max() - weights.min()) + 1.0)
    order = np.argsort(group + (weights.max() - weights) / span)
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    rank = np.empty(len(g), dtype=np.int64)
    rank[order] = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    return rank


def top_per_group(
    group: np.ndarray, weights: np.ndarray, depth: np.ndarray,
) -> np.ndarray:
    """Mask of the pairs among their group's ``depth[group]`` largest weights.

    Pads groups into a 2-d array and uses ``argpartition``: linear time, where a full
    sort of millions of pairs would dominate the solve.
    """
    keep = np.zeros(len(group), dtype=bool)
    kmax = int(depth.max()) if len(depth) else 0
    if len(group) == 0 or kmax <= 0:
        return keep
    # Stable sorts of 16-bit keys are radix sorts; already grouped input is cheap too.
    key = group.astype(np.uint16) if len(depth) <= 1 << 16 else group
    order = np.argsort(key, kind="stable")
    g = group[order]
    counts = np.bincount(g, minlength=len(depth))
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    slot = np.arange(len(g)) - np.repeat(starts, counts)
    width = int(counts.max())
    pad = np.full((len(depth), width), -np.inf)
    pad[g, slot] = weights[order]
    if kmax < width:
        top = np.argpartition(-pad, kmax - 1, axis=1)[:, :kmax]
    else:
        top = np.broadcast_to(np.arange(width), (len(depth), width))
    top_w = np.take_along_axis(pad, top, axis=1)
    rank = np.argsort(np.argsort(-top_w, axis=1, kind="stable"), axis=1)
    chosen = (rank < depth[:, None]) & np.isfinite(top_w)
    rows_chosen = np.nonzero(chosen)[0]
    keep[order[starts[rows_chosen] + top[chosen]]] = True
    return keep


def _priced_top(
    r: np.ndarray, w: np.ndarray, priced: np.ndarray, in_lp: np.ndarray,
    row_cap: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``row_cap`` and ``row_cap + _ADD_PER_ROW`` best pairs by ``priced``.

    ``priced <= w``, so a pair outside the LP whose weight is below its row's deepest
    wanted priced LP pair cannot make the cut: only the rest is searched.
    """
    depth = row_cap + _ADD_PER_ROW
    lp = np.flatnonzero(in_lp)
    lp_rank = _rank_within(r[lp], priced[lp])
    at_depth = lp_rank == depth[r[lp]] - 1
    threshold = np.full(len(depth), -np.inf)
    threshold[r[lp[at_depth]]] = priced[lp[at_depth]]
    sub = np.flatnonzero((in_lp | (w > threshold[r])) & (priced > 0))
    best = sub[top_per_group(r[sub], priced[sub], row_cap)]
    near = sub[top_per_group(r[sub], priced[sub], depth)]
    return best, near


def _solve_lp(
    rows: np.ndarray, cols: np.ndarray, w: np.ndarray, row_cap: np.ndarray,
    col_cap: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Solve the transportation LP on the given pairs; return (chosen mask, column duals)."""
    ur, ri = np.unique(rows, return_inverse=True)
    uc, ci = np.unique(cols, return_inverse=True)
    m = len(w)
    ones, arange = np.ones(m), np.arange(m)
    A = sparse.vstack([
        sparse.csr_array((ones, (ri, arange)), shape=(len(ur), m)),
        sparse.csr_array((ones, (ci, arange)), shape=(len(uc), m)),
    ]).tocsr()
    b = np.r_[row_cap[ur], col_cap[uc]].astype(float)
    # Dual simplex ends on a vertex, and vertices of this polytope are integral.
    res = linprog(-w, A_ub=A, b_ub=b, bounds=(0, 1), method="highs-ds")
    if res.status != 0:
        raise RuntimeError(f"allocation LP failed: {res.message}")
    if np.any(np.minimum(np.abs(res.x), np.abs(1 - res.x)) > 1e-6):
        raise RuntimeError("allocation LP returned a non-integral vertex")
    v = np.zeros(len(col_cap))
    v[uc] = np.maximum(-res.ineqlin.marginals[len(ur):], 0.0)
    return res.x > 0.5, v


def max_weight_b_matching(
    rows: np.ndarray, cols: np.ndarray, weights: np.ndarray,
    row_cap: np.ndarray, col_cap: np.ndarray, *, prune_k: int | None = 5,
    max_rounds: int = 30,
) -> FlowSolution:
    """Pick pairs maximising total weight: row i in <= row_cap[i], column j in <= col_cap[j].

    Each pair is used at most once; pairs with weight <= 0 are never picked. With
    ``prune_k`` the LP starts from each row's ``row_cap + prune_k`` and each column's
    ``col_cap + prune_k`` best pairs. Each round prices every candidate with the column
    duals ``v``: the LP dual is feasible for the full problem with row duals repaired from
    ``v``, giving the bound ``sum(col_cap * v) + sum over rows of the row_cap best positive
    (w - v)``. Rows whose best pairs at those prices are missing get them back; the loop
    stops when the bound meets the objective.
    """
    row_cap, col_cap = np.asarray(row_cap, np.int64), np.asarray(col_cap, np.int64)
    rows, cols = np.asarray(rows, np.int64), np.asarray(cols, np.int64)
    weights = np.asarray(weights, float)
    selected = np.zeros(len(rows), dtype=bool)
    live = np.flatnonzero((weights > 0) & (row_cap[rows] > 0) & (col_cap[cols] > 0))
    if len(live) == 0:
        return FlowSolution(selected, 0.0, 0.0, "optimal", 0, 0)
    r, c, w = rows[live], cols[live], weights[live]
    if prune_k is None:
        in_lp = np.ones(len(live), dtype=bool)
    else:
        in_lp = top_per_group(r, w, row_cap + prune_k) | top_per_group(
            c, w, col_cap + prune_k)
    status, bound = "pruned", np.inf
    for rounds in range(1, max_rounds + 1):
        idx = np.flatnonzero(in_lp)
        x, v = _solve_lp(r[idx], c[idx], w[idx], row_cap, col_cap)
        objective = float(w[idx[x]].sum())
        priced = w - v[c]
        best, near = _priced_top(r, w, priced, in_lp, row_cap)
        bound = min(bound, float(col_cap @ v + priced[best].sum()))
        if in_lp.all():
            bound = objective
        if bound - objective <= _GAP * max(1.0, objective):
            status = "optimal"
            break
        wanted = near[~in_lp[near]]
        if len(wanted) == 0:
            break
        in_lp[wanted] = True
    selected[live[idx[x]]] = True
    return FlowSolution(selected, objective, max(bound, objective), status, len(idx), rounds)


@dataclass(frozen=True)
class InterviewPlan:
    """Planned interviews as parallel arrays, primaries first."""

    attendee_idx: np.ndarray
    posting_idx: np.ndarray
    p: np.ndarray
    primary: np.ndarray
    """True for the attendee's planned hire (the hire assignment behind the objective)."""
    expected_lasting_placements: float
    status: str
    """``optimal`` when both stages are certified over all allowed pairs, else ``pruned``."""

    def __len__(self) -> int:
        return len(self.attendee_idx)


def plan_interviews(
    P: ProbabilityInput, openings_left: np.ndarray, slots: np.ndarray, limit: int = 3,
    *, n_attendees: int | None = None, max_interviews_per_opening: float | None = None,
    prune_k: int | None = 5,
) -> InterviewPlan:
    """Plan fair interviews maximising expected lasting placements (see module docstring).

    ``max_interviews_per_opening`` optionally caps a booth's interviews at that multiple of
    its openings (on top of ``slots``) to keep popular booths from absorbing every backup.
    """
    openings = np.asarray(openings_left, np.int64)
    booth = np.asarray(slots, np.int64)
    if openings.shape != booth.shape or openings.ndim != 1:
        raise ValueError("openings_left and slots must be 1-d arrays of equal length")
    if np.any(openings < 0) or np.any(booth < 0) or limit < 0:
        raise ValueError("capacities and limit must be non-negative")
    cand = as_candidates(P, len(openings), n_attendees=n_attendees)
    interview_cap = np.where(openings > 0, booth, 0)
    if max_interviews_per_opening is not None:
        interview_cap = np.minimum(
            interview_cap, np.floor(max_interviews_per_opening * openings).astype(np.int64))
    a, j, p = cand.attendee, cand.posting, cand.p
    first = max_weight_b_matching(
        a, j, p, np.full(cand.n_attendees, min(limit, 1)),
        np.minimum(openings, interview_cap), prune_k=prune_k)
    used_a = np.bincount(a[first.selected], minlength=cand.n_attendees)
    used_j = np.bincount(j[first.selected], minlength=len(openings))
    rest = ~first.selected
    second = max_weight_b_matching(
        a[rest], j[rest], p[rest], limit - used_a, interview_cap - used_j, prune_k=prune_k)
    chosen = np.r_[np.flatnonzero(first.selected), np.flatnonzero(rest)[second.selected]]
    status = "optimal" if first.status == second.status == "optimal" else "pruned"
    return InterviewPlan(
        attendee_idx=a[chosen], posting_idx=j[chosen], p=p[chosen],
        primary=np.arange(len(chosen)) < first.selected.sum(),
        expected_lasting_placements=first.objective, status=status)
