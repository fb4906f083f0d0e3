"""Evaluation report: ranking quality in both directions and ground-truth stable placements.

Directions: jobs for a worker (queries = the lists workers were shown, ``PairSet.qid``) and
workers for a job (queries = postings). Queries with a single candidate are left out of the
ranking metrics: every order of one item is perfect, so they carry no ranking signal.
The ground-truth rate needs the synthetic world's hidden model; callers pass it in as
``truth(worker_id, posting_id) -> P(lasting)`` so that training never depends on it.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from matching.explain import ScoreFn
from training.dataset import PairSet
from training.metrics import mean_reciprocal_rank, ndcg_at_k, recall_at_k

Truth = Callable[[int, int], float]
DIRECTIONS = {"jobs_for_worker": "qid", "workers_for_job": "posting_id"}


def ranking_metrics(y: np.ndarray, score: np.ndarray, qid: np.ndarray) -> dict[str, float]:
    _, inverse, counts = np.unique(qid, return_inverse=True, return_counts=True)
    several = counts[inverse] > 1
    y, score, qid = y[several], score[several], qid[several]
    return {
        "ndcg@5": ndcg_at_k(y, score, qid, 5),
        "ndcg@10": ndcg_at_k(y, score, qid, 10),
        "recall@10": recall_at_k(y, score, qid, 10),
        "mrr": mean_reciprocal_rank(y, score, qid),
    }


def stable_rate_at(pairs: PairSet, score: np.ndarray, truth: Truth, k: int) -> float:
    """Mean true P(lasting) of the top-k postings of each list (``qid``) a worker was shown.

    Lists of one posting are left out, as in the ranking metrics: every scorer picks it.
    """
    _, inverse, counts = np.unique(pairs.qid, return_inverse=True, return_counts=True)
    pairs, score = pairs.subset(counts[inverse] > 1), np.asarray(score)[counts[inverse] > 1]
    order = np.lexsort((-score, pairs.qid))
    wid = pairs.qid[order]
    first = np.r_[True, wid[1:] != wid[:-1]]
    starts = np.flatnonzero(first)
    rank = np.arange(len(wid)) - np.repeat(starts, np.diff(np.r_[starts, len(wid)]))
    picked = order[rank < k]
    values = [truth(int(pairs.worker_id[i]), int(pairs.posting_id[i])) for i in picked]
    return float(np.mean(values)) if values else float("nan")


def evaluate(scorers: Mapping[str, ScoreFn], pairs: PairSet, truth: Truth | None = None) -> dict[str, Any]:
    """Metrics of every scorer on the same held-out pairs."""
    report: dict[str, Any] = {"pairs": int(len(pairs)), "workers": int(len(np.unique(pairs.worker_id))),
                              "postings": int(len(np.unique(pairs.posting_id))), "scorers": {}}
    for name, score_fn in scorers.items():
        score = np.asarray(score_fn(pairs.X), dtype=np.float64)
        entry: dict[str, Any] = {d: ranking_metrics(pairs.y, score, getattr(pairs, col))
                                 for d, col in DIRECTIONS.items()}
        if truth is not None:
            entry["stable_rate"] = {"top1": stable_rate_at(pairs, score, truth, 1),
                                    "top5": stable_rate_at(pairs, score, truth, 5)}
        report["scorers"][name] = entry
    if {"ranker", "heuristic"} <= set(report["scorers"]):
        r, h = report["scorers"]["ranker"], report["scorers"]["heuristic"]
        report["ndcg@10_ratio_vs_heuristic"] = {
            d: r[d]["ndcg@10"] / h[d]["ndcg@10"] if h[d]["ndcg@10"] else float("nan") for d in DIRECTIONS}
    return report


def plot(report: Mapping[str, Any], path: Path) -> Path:
    """A grouped bar chart of every metric per scorer (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scorers = list(report["scorers"])
    labels, values = [], {s: [] for s in scorers}
    for direction in DIRECTIONS:
        for metric in ("ndcg@5", "ndcg@10", "recall@10", "mrr"):
            labels.append(f"{metric}\n{direction.replace('_', ' ')}")
            for s in scorers:
                values[s].append(report["scorers"][s][direction][metric])
    if all("stable_rate" in report["scorers"][s] for s in scorers):
        for k in ("top1", "top5"):
            labels.append(f"stable rate\n{k} (ground truth)")
            for s in scorers:
                values[s].append(report["scorers"][s]["stable_rate"][k])
    x = np.arange(len(labels))
    width = 0.8 / max(len(scorers), 1)
    fig, ax = plt.subplots(figsize=(max(8, len(labels) * 1.1), 4.8))
    for i, s in enumerate(scorers):
        bars = ax.bar(x + i * width - 0.4 + width / 2, values[s], width, label=s)
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks(x, labels, fontsize=7)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"Held-out evaluation ({report['pairs']} pairs, {report['workers']} workers)")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
