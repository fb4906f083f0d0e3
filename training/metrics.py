"""Ranking metrics computed per query (one worker or one posting) and averaged.

Labels are graded 0..4 (0 ignored, 1 applied, 2 interviewed, 3 hired, 4 hired and still
employed at 90 days). Every metric averages over queries that have at least one relevant
item; queries without one carry no ranking signal and are skipped. Ties in scores are
broken by input order (stable sort), so results are deterministic.
"""
from __future__ import annotations

import numpy as np


def _ranked(y_true: np.ndarray, y_score: np.ndarray, qid: np.ndarray) -> tuple[np.ndarray, ...]:
    """Sort by (qid, -score); return labels in rank order, 0-based rank within query,
    group start offsets and the query of each sorted row (as group numbers)."""
    y_true = np.asarray(y_true, dtype=np.float64).ravel()
    y_score = np.asarray(y_score, dtype=np.float64).ravel()
    qid = np.asarray(qid).ravel()
    if not len(y_true) == len(y_score) == len(qid):
        raise ValueError("y_true, y_score and qid must have the same length")
    order = np.lexsort((-y_score, qid))
    q_sorted = qid[order]
    starts = np.flatnonzero(np.r_[True, q_sorted[1:] != q_sorted[:-1]]) if len(q_sorted) else \
        np.zeros(0, dtype=np.int64)
    group = np.cumsum(np.r_[False, q_sorted[1:] != q_sorted[:-1]]) if len(q_sorted) else \
        np.zeros(0, dtype=np.int64)
    rank = np.arange(len(order)) - starts[group]
    return y_true[order], rank, starts, group


def ndcg_at_k(y_true: np.ndarray, y_score: np.ndarray, qid: np.ndarray, k: int = 10) -> float:
    """Mean NDCG@k with gains ``2**y - 1`` and discount ``1 / log2(rank + 2)``.

    Averaged over queries with at least one item of label > 0; NaN if there are none.
    """
    labels, rank, starts, group = _ranked(y_true, y_score, qid)
    n_groups = len(starts)
    if n_groups == 0:
        return float("nan")
    discount = np.where(rank < k, 1.0 / np.log2(rank + 2.0), 0.0)
    dcg = np.bincount(group, weights=(2.0 ** labels - 1.0) * discount, minlength=n_groups)
    ideal_order = np.lexsort((-labels, group))  # labels sorted descending within each query
    ideal = np.bincount(group, weights=(2.0 ** labels[ideal_order] - 1.0) * discount, minlength=n_groups)
    has = ideal > 0
    return float(np.mean(dcg[has] / ideal[has])) if has.any() else float("nan")


def recall_at_k(y_true: np.ndarray, y_score: np.ndarray, qid: np.ndarray, k: int = 10,
                min_label: int = 3) -> float:
    """Mean share of a query's relevant items (label >= ``min_label``) found in its top k."""
    labels, rank, starts, group = _ranked(y_true, y_score, qid)
    relevant = labels >= min_label
    total = np.bincount(group, weights=relevant, minlength=len(starts))
    found = np.bincount(group, weights=relevant & (rank < k), minlength=len(starts))
    has = total > 0
    return float(np.mean(found[has] / total[has])) if has.any() else float("nan")


def mean_reciprocal_rank(y_true: np.ndarray, y_score: np.ndarray, qid: np.ndarray,
                         min_label: int = 3) -> float:
    """Mean of 1 / (rank of the first relevant item), relevant meaning label >= ``min_label``."""
    labels, rank, starts, group = _ranked(y_true, y_score, qid)
    relevant = labels >= min_label
    first = np.full(len(starts), np.inf)
    np.minimum.at(first, group[relevant], rank[relevant].astype(np.float64))
    has = np.isfinite(first)
    return float(np.mean(1.0 / (first[has] + 1.0))) if has.any() else float("nan")
