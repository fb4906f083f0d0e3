"""Capacity-aware everyday recommendations (nightly refresh, 每日推荐).

Independent top-k sends every worker to the same few attractive postings: a posting with
two openings collects hundreds of recommendations while others get none. Here each
posting j may appear in at most

    cap_j = max(0, ceil(factor * openings_left_j) - pending_j)

workers' lists, where ``pending_j`` counts applications already waiting for a decision.
``factor`` (default 3) is a policy knob: how many live candidates per opening an employer
should face; it is not a measured conversion rate.

Under those caps the lists maximise the total score (each worker at most k postings), the
same transportation LP as ``matching.allocation``. When no cap binds this is exactly
every worker's own top-k; when one binds, its posting stays on the lists of the workers
who would lose most by swapping it for their next choice (the LP's dual price).
Scores must be positive to be recommended (e.g. predicted probabilities of lasting
employment; pass a sigmoid of a logit, not the logit).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.allocation import (
    ProbabilityInput, as_candidates, max_weight_b_matching, top_per_group,
)
from matching.congestion import CongestionReport, congestion_report

DEFAULT_FACTOR = 3.0

ScoreInput = ProbabilityInput | list
"""Dense ``workers x postings`` scores, a sparse matrix, ``(rows, cols, scores)``, or a
list with one ``(posting_indices, scores)`` pair per worker."""


@dataclass(frozen=True)
class RecommendationLists:
    """Each worker's recommended postings, best score first."""

    postings: tuple[np.ndarray, ...]
    scores: tuple[np.ndarray, ...]
    caps: np.ndarray | None
    """Per-posting recommendation caps used, or None for uncapped lists."""
    status: str

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All (worker, posting, score) pairs as flat arrays."""
        sizes = [len(p) for p in self.postings]
        workers = np.repeat(np.arange(len(sizes)), sizes)
        if not workers.size:
            return workers, np.zeros(0, np.int64), np.zeros(0)
        return workers, np.concatenate(self.postings), np.concatenate(self.scores)


def recommendation_caps(
    openings_left: np.ndarray, pending: np.ndarray, factor: float = DEFAULT_FACTOR,
) -> np.ndarray:
    """How many more workers' lists each posting may appear on."""
    openings = np.asarray(openings_left, dtype=np.int64)
    waiting = np.asarray(pending, dtype=np.int64)
    if factor <= 0 or np.any(openings < 0) or np.any(waiting < 0):
        raise ValueError("factor must be positive, openings and pending non-negative")
    caps = np.ceil(factor * openings - 1e-9).astype(np.int64) - waiting
    return np.where(openings > 0, np.maximum(caps, 0), 0)


def _candidates(scores: ScoreInput, n_postings: int):
    if isinstance(scores, list):
        sizes = [len(np.asarray(idx)) for idx, _ in scores]
        rows = np.repeat(np.arange(len(scores)), sizes)
        cols = np.concatenate([np.asarray(i, np.int64) for i, _ in scores] or [[]])
        vals = np.concatenate([np.asarray(s, float) for _, s in scores] or [[]])
        scores = (rows, cols.astype(np.int64), vals)
        return as_candidates(scores, n_postings, n_attendees=len(sizes), max_value=np.inf)
    return as_candidates(scores, n_postings, max_value=np.inf)


def _lists(
    rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n_workers: int,
    caps: np.ndarray | None, status: str,
) -> RecommendationLists:
    order = np.lexsort((-vals, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    bounds = np.searchsorted(rows, np.arange(n_workers + 1))
    return RecommendationLists(
        postings=tuple(cols[a:b] for a, b in zip(bounds[:-1], bounds[1:])),
        scores=tuple(vals[a:b] for a, b in zip(bounds[:-1], bounds[1:])),
        caps=caps, status=status)


def independent_top_k(scores: ScoreInput, k: int, n_postings: int) -> RecommendationLists:
    """Every worker's own k best postings, ignoring capacity (the baseline)."""
    cand = _candidates(scores, n_postings)
    keep = top_per_group(cand.attendee, cand.p, np.full(cand.n_attendees, max(k, 0)))
    return _lists(cand.attendee[keep], cand.posting[keep], cand.p[keep],
                  cand.n_attendees, None, "optimal")


def capacity_aware_top_k(
    scores: ScoreInput, openings_left: np.ndarray, pending: np.ndarray, k: int,
    *, factor: float = DEFAULT_FACTOR, prune_k: int | None = 5,
) -> RecommendationLists:
    """Top-k lists maximising total score with posting j on at most ``cap_j`` lists."""
    caps = recommendation_caps(openings_left, pending, factor)
    cand = _candidates(scores, len(caps))
    flow = max_weight_b_matching(
        cand.attendee, cand.posting, cand.p, np.full(cand.n_attendees, max(k, 0)), caps,
        prune_k=prune_k)
    s = flow.selected
    return _lists(cand.attendee[s], cand.posting[s], cand.p[s], cand.n_attendees,
                  caps, flow.status)


def congestion_before_after(
    scores: ScoreInput, openings_left: np.ndarray, pending: np.ndarray, k: int,
    *, factor: float = DEFAULT_FACTOR,
) -> tuple[CongestionReport, CongestionReport]:
    """Congestion of independent top-k lists and of capacity-aware lists, same inputs.

    Recommendations per opening are counted against ``openings_left``; the expected
    lasting placements treat the scores as probabilities.
    """
    openings = np.asarray(openings_left, dtype=np.int64)
    before = independent_top_k(scores, k, len(openings)).pairs()
    after = capacity_aware_top_k(scores, openings, pending, k, factor=factor).pairs()
    return congestion_report(*before, openings), congestion_report(*after, openings)
