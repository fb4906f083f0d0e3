"""Counterfactual evaluation: how lasting are the jobs a ranker would pick among *all* of them?

The logged-list metrics (``training.evaluate``) score a ranker on the short lists the old
rule once showed; they cannot tell whether it would pick better jobs from everything that is
open. Here, for a sample of seeking workers on a day (held out: each is ranked against the
postings open that day, not against the lists of the training history), every eligible open
posting (the engine's hard constraints) is scored, and the mean *true* P(still employed at
90 days) of each ranker's top-1 and top-5 is reported beside:

- ``random``: the expected value of a random pick among the eligible postings (exact: the
  mean over them);
- ``ceiling``: ranking by the world's truth without its pair-specific noise term — the best
  a ranker that sees only the features could hope for;
- ``oracle``: ranking by the truth itself (noise included), an upper bound no ranker reaches.

``share_of_gain`` is ``(ranker − random) / (ceiling − random)``. Only evaluation may call the
truth: callers pass it in as ``truth(worker, posting, *, noise) -> P``; training and ranking
never import it (``tests/training/test_truth_isolation.py``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.batches import PostingBatch, WorkerBatch
from matching.constraints import pair_constraints
from matching.explain import ScoreFn
from matching.features import pair_features
from matching.profiles import PostingProfile, WorkerProfile
from models.workers.tables import Worker
from training.loading import employer_retention, open_postings, posting_profile, worker_profiles

DEFAULT_WORKERS = 1000
TOP_K = (1, 5)
BOUNDS = ("random", "ceiling", "oracle")


class ProfileTruth(Protocol):
    """The synthetic world's hidden P(lasting ≥ 90 days) of a pair (evaluation only)."""

    def __call__(self, worker: WorkerProfile, posting: PostingProfile, *, noise: bool = True) -> float: ...


@dataclass(frozen=True)
class CounterfactualSet:
    """Every eligible (worker, open posting) pair of the sampled workers, with its truth."""

    day: date
    X: np.ndarray
    """Features of each pair (``matching.features.FEATURE_NAMES``)."""
    group: np.ndarray
    """Which sampled worker (0..n_workers−1) each pair belongs to."""
    worker_id: np.ndarray
    posting_id: np.ndarray
    truth: np.ndarray
    """True P(lasting) of each pair, noise included."""
    truth_noise_free: np.ndarray
    """The same without the pair-specific noise term."""
    n_postings: int

    def __len__(self) -> int:
        return len(self.group)


def sample_seeking_workers(session: Session, *, n: int, seed: int) -> list[Worker]:
    """Up to ``n`` seeking workers with complete, unerased profiles, drawn at random (seeded)."""
    ids = list(session.scalars(select(Worker.id).where(
        Worker.status == "seeking", Worker.erased_at.is_(None)).order_by(Worker.id)))
    rng = np.random.default_rng(seed)
    chosen = sorted(rng.choice(ids, size=min(n, len(ids)), replace=False).tolist()) if ids else []
    workers = []
    for start in range(0, len(chosen), 1000):
        workers += list(session.scalars(select(Worker).where(Worker.id.in_(chosen[start:start + 1000]))
                                        .order_by(Worker.id)))
    return [w for w in workers if w.profile_complete is not False]


def build_set(session: Session, truth: ProfileTruth, *, day: date, workers: int = DEFAULT_WORKERS,
              seed: int = 0, model_version_id: int | None = None) -> CounterfactualSet:
    """Features and truth of every eligible pair of ``workers`` sampled seeking workers on ``day``;
    the employer effects of model version ``model_version_id`` (default: the active one)."""
    rows = open_postings(session, today=day)
    posting_profiles = [posting_profile(p) for p in rows]
    batch = PostingBatch.from_profiles(posting_profiles, employer_retention(session, as_of=day,
                                                                            model_version_id=model_version_id))
    profiles = worker_profiles(session, sample_seeking_workers(session, n=workers, seed=seed), as_of=day)
    return pairs_of(profiles, batch, truth, day=day)


def pairs_of(profiles: Sequence[WorkerProfile], batch: PostingBatch, truth: ProfileTruth, *,
             day: date) -> CounterfactualSet:
    """The eligible pairs of ``profiles`` against ``batch``, in worker order."""
    people = WorkerBatch.from_profiles(profiles, batch)
    wi = np.repeat(np.arange(len(people)), len(batch))
    pi = np.tile(np.arange(len(batch)), len(people))
    allowed = pair_constraints(people, batch, wi, pi, day).mask
    wi, pi = wi[allowed], pi[allowed]
    X = pair_features(people, batch, wi, pi, day) if len(wi) else np.zeros((0, 0), np.float32)
    p = np.array([truth(people.workers[a], batch.postings[j]) for a, j in zip(wi, pi)], dtype=np.float64)
    p0 = np.array([truth(people.workers[a], batch.postings[j], noise=False) for a, j in zip(wi, pi)],
                  dtype=np.float64)
    return CounterfactualSet(day=day, X=X, group=wi, worker_id=people.worker_ids[wi],
                             posting_id=batch.posting_ids[pi], truth=p, truth_noise_free=p0,
                             n_postings=len(batch))


def top_k_truth(group: np.ndarray, score: np.ndarray, truth: np.ndarray, k: int) -> np.ndarray:
    """Per group: mean ``truth`` of its ``k`` best-scored rows (ties: input order)."""
    order = np.lexsort((np.arange(len(score)), -np.asarray(score, dtype=np.float64), group))
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    keep = rank < k
    sums = np.bincount(g[keep], weights=truth[order][keep])
    counts = np.bincount(g[keep])
    present = counts > 0
    return sums[present] / counts[present]


def ceiling_concentration(group: np.ndarray, truth0: np.ndarray, posting_id: np.ndarray) -> dict[str, Any]:
    """How many workers' noise-free best job is the one posting that is best most often.

    When one posting is the best job of half the workers, the top-1 figure mostly says whether
    a ranker puts that one posting (its employer) first: read it with that in mind."""
    order = np.lexsort((np.arange(len(truth0)), -truth0, group))
    first = order[np.r_[True, group[order][1:] != group[order][:-1]]]
    postings, counts = np.unique(posting_id[first], return_counts=True)
    top = int(np.argmax(counts))
    return {"posting_id": int(postings[top]), "workers": int(counts[top]), "share": float(counts[top] / len(first)),
            "distinct_postings": int(len(postings))}


def report(scorers: Mapping[str, ScoreFn], cf: CounterfactualSet) -> dict[str, Any]:
    """Mean true P(lasting) of each scorer's top-k and of the bounds, and shares of the gain.

    Workers with fewer than two eligible postings are left out: every scorer picks the same.
    """
    counts = np.bincount(cf.group, minlength=int(cf.group.max(initial=-1)) + 1)
    several = counts[cf.group] >= 2
    group, truth, truth0 = cf.group[several], cf.truth[several], cf.truth_noise_free[several]
    X = cf.X[several]
    out: dict[str, Any] = {"day": cf.day.isoformat(), "workers": int((counts >= 2).sum()),
                           "open_postings": cf.n_postings, "eligible_pairs": int(len(group)),
                           "mean_eligible_per_worker": float(counts[counts >= 2].mean()) if len(group) else 0.0,
                           "top_k": {}}
    if not len(group):
        return out
    mean_truth = np.bincount(group, weights=truth) / np.maximum(np.bincount(group), 1)
    mean_truth = mean_truth[np.bincount(group) > 0]
    out["ceiling_top1_concentration"] = ceiling_concentration(group, truth0, cf.posting_id[several])
    scores = {name: np.asarray(fn(X), dtype=np.float64) for name, fn in scorers.items()}
    for k in TOP_K:
        entry = {"random": float(mean_truth.mean()),
                 "ceiling": float(top_k_truth(group, truth0, truth, k).mean()),
                 "oracle": float(top_k_truth(group, truth, truth, k).mean())}
        for name, s in scores.items():
            entry[name] = float(top_k_truth(group, s, truth, k).mean())
        span = entry["ceiling"] - entry["random"]
        entry["share_of_gain"] = {name: (entry[name] - entry["random"]) / span if span > 0 else float("nan")
                                  for name in [*scores, "oracle"]}
        out["top_k"][f"top{k}"] = entry
    return out


def lines(cf_report: Mapping[str, Any]) -> list[str]:
    """The report as printable lines (``jingmeng evaluate`` and the bench print them)."""
    if not cf_report:
        return []
    head = (f"counterfactual ({cf_report['day']}): {cf_report['workers']} seeking workers × every eligible "
            f"open posting ({cf_report['open_postings']} open, {cf_report['mean_eligible_per_worker']:.0f} "
            f"eligible per worker); mean true P(lasting ≥ 90 days) of the pick")
    out = [head]
    c = cf_report.get("ceiling_top1_concentration")
    if c:
        out.append(f"  the ceiling's top-1 is one posting (id {c['posting_id']}) for {c['share']:.0%} of the workers "
                   f"({c['distinct_postings']} distinct postings): top-1 shares hinge on ranking that one first")
    for key, entry in cf_report.get("top_k", {}).items():
        names = [n for n in entry if n not in (*BOUNDS, "share_of_gain")]
        cells = "  ".join(f"{n} {entry[n]:.3f} ({entry['share_of_gain'][n]:.0%} of gain)" for n in names)
        out.append(f"  {key}: random {entry['random']:.3f}  ceiling {entry['ceiling']:.3f}  "
                   f"oracle {entry['oracle']:.3f}  |  {cells}")
    return out
