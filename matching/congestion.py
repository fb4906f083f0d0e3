"""Congestion of an interview plan or a recommendation set (拥挤度).

Works on any set of (worker/attendee, posting, p) pairs, whatever produced it, so plans
from different methods can be compared on the same footing:

* interviews (or recommendations) per remaining opening, per posting;
* the Gini coefficient of that ratio across postings (0 = load spread in proportion to
  openings, towards 1 = a few postings absorb everyone);
* the share of postings with openings left that get no candidate at all;
* the best hire assignment inside the pairs (one job per person, at most
  ``openings_left`` hires per posting, maximum total ``p``; see ``matching.allocation``):
  ``openings_filled`` is its size and ``expected_lasting_placements`` its total ``p``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.allocation import max_weight_b_matching


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values: mean absolute difference / (2 * mean)."""
    x = np.sort(np.asarray(values, dtype=float).ravel())
    if x.size == 0 or x.sum() == 0:
        return 0.0
    if np.any(x < 0):
        raise ValueError("Gini is defined here for non-negative values only")
    n = x.size
    # Sorted form of sum_i sum_j |x_i - x_j| / (2 n^2 mean).
    return float(np.sum((2 * np.arange(1, n + 1) - n - 1) * x) / (n * x.sum()))


@dataclass(frozen=True)
class CongestionReport:
    """Congestion figures of one set of pairs against the postings' openings."""

    per_opening: np.ndarray
    """Pairs per remaining opening, for each posting with openings left."""
    mean_per_opening: float
    max_per_opening: float
    gini_per_opening: float
    share_without_candidate: float
    openings_filled: int
    expected_lasting_placements: float
    n_pairs: int

    def as_row(self) -> dict[str, float]:
        """The scalar figures, for tables and logs."""
        return {
            "expected_lasting": self.expected_lasting_placements,
            "openings_filled": float(self.openings_filled),
            "per_opening_mean": self.mean_per_opening,
            "per_opening_max": self.max_per_opening,
            "gini": self.gini_per_opening,
            "no_candidate": self.share_without_candidate,
            "pairs": float(self.n_pairs),
        }


def congestion_from_counts(counts: np.ndarray, openings_left: np.ndarray, *, openings_filled: int,
                           expected_lasting: float, n_pairs: int) -> CongestionReport:
    """The report from pairs counted per posting (``counts[j]``) and a hire assignment's
    figures found elsewhere: what a night too large to hold at once adds up partition by
    partition."""
    openings = np.asarray(openings_left, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    open_ = openings > 0
    ratio = counts[open_] / openings[open_]
    return CongestionReport(
        per_opening=ratio,
        mean_per_opening=float(ratio.mean()) if ratio.size else 0.0,
        max_per_opening=float(ratio.max()) if ratio.size else 0.0,
        gini_per_opening=gini(ratio),
        share_without_candidate=float(np.mean(counts[open_] == 0)) if ratio.size else 0.0,
        openings_filled=int(openings_filled),
        expected_lasting_placements=float(expected_lasting),
        n_pairs=int(n_pairs),
    )


def congestion_report(
    worker_idx: np.ndarray, posting_idx: np.ndarray, p: np.ndarray,
    openings_left: np.ndarray,
) -> CongestionReport:
    """Measure congestion and expected outcome of the pairs ``(worker_idx, posting_idx)``.

    ``p`` is each pair's probability of lasting employment; duplicate pairs are counted
    once. Postings without openings left are ignored.
    """
    openings = np.asarray(openings_left, dtype=np.int64)
    worker_idx = np.asarray(worker_idx, dtype=np.int64)
    posting_idx = np.asarray(posting_idx, dtype=np.int64)
    p = np.asarray(p, dtype=float)
    if len(worker_idx):
        key = worker_idx * len(openings) + posting_idx
        _, first = np.unique(key, return_index=True)
        worker_idx, posting_idx, p = worker_idx[first], posting_idx[first], p[first]
    n_workers = int(worker_idx.max()) + 1 if len(worker_idx) else 0
    hires = max_weight_b_matching(
        worker_idx, posting_idx, p, np.ones(n_workers, dtype=np.int64), openings)
    return congestion_from_counts(np.bincount(posting_idx, minlength=len(openings)), openings,
                                  openings_filled=int(hires.selected.sum()), expected_lasting=hires.objective,
                                  n_pairs=len(worker_idx))
