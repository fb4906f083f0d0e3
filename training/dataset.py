"""Training and evaluation sets from the placement history, split by time.

Graded labels per (worker, posting) pair — the furthest the pair got:
0 recommended and ignored, 1 applied (referred), 2 interviewed, 3 hired,
4 hired and still employed 90 days later (the objective: lasting employment).
A pair counts on the day of its first contact; pairs younger than 90 days at ``as_of``
are left out, since whether they last is not known yet. Pairs whose outcome is not final
stay with ``outcome_known`` false: an application still referred or interviewing, and a hire
that started less than 90 days before ``as_of`` (a late start after an early first contact;
it counts as hired for P(hired | interviewed), not for P(lasting | hired)). The ranker is
not fitted on them.

Features are what was known at the pair's first contact: experience counts the placements
before that day (the pair's own job is not experience for it), openings left the headcount
less the hires started before that day.

Queries (jobs for a worker) are what a worker was actually shown together: the worker's
recommendation batch of first contact (one nightly list), or the worker's month of first
contact for pairs that began without a recommendation (a fair, a walk-in referral).

Ignored pairs (label 0, most of the rows) of the training period may be sampled: each kept
with probability ``rate``, decided by a hash of the pair, and weighted ``1 / rate`` in the
fit; pairs with any response are always kept, the evaluation period never sampled. The
sets are built from the database partition by partition in ``training.stream``.
"""
from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.features import FEATURE_NAMES
from models.placements.tables import Application, ApplicationEvent, Placement, Recommendation
from training.loading import RETENTION_DAYS

STAGE = {"referred": 1, "interviewing": 2, "hired": 3}


@dataclass
class PairSet:
    """Feature rows with labels; ``qid`` groups the rows of one list shown to one worker."""

    X: np.ndarray
    y: np.ndarray
    qid: np.ndarray
    worker_id: np.ndarray
    posting_id: np.ndarray
    day: np.ndarray  # ordinal of first contact
    outcome_known: np.ndarray | None = None
    """False where the outcome is not final (a pending application, a hire not 90 days old);
    None: all known."""
    weight: np.ndarray | None = None
    """Sample weight of each row: 1 / rate for a sampled ignored pair (:func:`negative_weights`),
    else 1. None: all ones."""
    position: np.ndarray | None = None
    """Rank of the pair in the list of its first recommendation (1 = top of the list); 0 when
    it began without one. Not a feature (a ranking has no position yet): it tells how much of
    a response the place in the list explains (``training.employer_effects``). None: all 0."""

    def __post_init__(self) -> None:
        if self.outcome_known is None:
            self.outcome_known = np.ones(len(self.y), dtype=bool)
        if self.weight is None:
            self.weight = np.ones(len(self.y), dtype=np.float64)
        if self.position is None:
            self.position = np.zeros(len(self.y), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.y)

    def subset(self, mask: np.ndarray) -> "PairSet":
        return PairSet(**{f.name: getattr(self, f.name)[mask] for f in dataclasses.fields(self)})

    def by_posting(self) -> np.ndarray:
        """Query ids for the other direction (workers for a job)."""
        return self.posting_id

    def save(self, path: Path) -> None:
        np.savez_compressed(path, X=self.X.astype(np.float64), y=self.y, qid=self.qid,
                            worker_id=self.worker_id, posting_id=self.posting_id, day=self.day,
                            outcome_known=self.outcome_known, weight=self.weight, position=self.position)


WorkerRange = tuple[int, int]
"""A partition of workers: ids in ``(after, last]``."""


@dataclass
class History:
    """The raw labelled pairs of some workers, before features."""

    pairs: dict[tuple[int, int], tuple[int, int]]  # (worker, posting) → (label, first-contact ordinal)
    as_of: date
    batches: dict[tuple[int, int], str] = dataclasses.field(default_factory=dict)
    """(worker, posting) → recommendation batch of its first recommendation."""
    unknown: frozenset[tuple[int, int]] = frozenset()
    """Pairs whose outcome is not final: a pending application, a hire not 90 days old."""
    positions: dict[tuple[int, int], int] = dataclasses.field(default_factory=dict)
    """(worker, posting) → its rank in the list of its first recommendation."""

    def query_key(self, key: tuple[int, int]) -> tuple[int, str]:
        """The list a pair belongs to: (worker, batch) or (worker, month of first contact)."""
        batch = self.batches.get(key)
        return key[0], batch if batch is not None else f"month-{self.pairs[key][1] // 30}"


def collect_history(session: Session, workers: WorkerRange, *, as_of: date) -> History:
    """The labelled pairs of the workers with ids in ``workers``: only their own
    recommendations, applications, events and placements are read (all indexed by worker)."""
    after, last = workers
    pairs: dict[tuple[int, int], tuple[int, int]] = {}

    def seen(key: tuple[int, int], label: int, day: date) -> None:
        old = pairs.get(key)
        pairs[key] = (max(label, old[0]), min(day.toordinal(), old[1])) if old else (label, day.toordinal())

    first_rec: dict[tuple[int, int], tuple[int, str, int]] = {}
    for w, p, at, batch, rank in session.execute(select(Recommendation.worker_id, Recommendation.posting_id,
                                                        Recommendation.created_at, Recommendation.batch,
                                                        Recommendation.rank)
                                           .where(Recommendation.worker_id > after,
                                                  Recommendation.worker_id <= last)
                                           .order_by(Recommendation.id)):
        seen((w, p), 0, at.date())
        if (w, p) not in first_rec or at.date().toordinal() < first_rec[(w, p)][0]:
            first_rec[(w, p)] = (at.date().toordinal(), batch, rank)
    apps: dict[int, tuple[int, int]] = {}
    unknown: set[tuple[int, int]] = set()
    in_range = (Application.worker_id > after, Application.worker_id <= last)
    for app_id, w, p, at, state in session.execute(select(Application.id, Application.worker_id,
                                                          Application.posting_id, Application.created_at,
                                                          Application.state).where(*in_range)):
        apps[app_id] = (w, p)
        seen((w, p), 1, at.date())
        if state in ("referred", "interviewing"):
            unknown.add((w, p))  # still pending: how far it gets is not known yet
    for app_id, to_state, at in session.execute(select(ApplicationEvent.application_id,
                                                       ApplicationEvent.to_state, ApplicationEvent.at)
                                                .join(Application, Application.id == ApplicationEvent.application_id)
                                                .where(*in_range)):
        if to_state in STAGE and app_id in apps:
            seen(apps[app_id], STAGE[to_state], at.date())
    for w, p, start, end in session.execute(select(Placement.worker_id, Placement.posting_id,
                                                   Placement.start_date, Placement.end_date)
                                            .where(Placement.posting_id.is_not(None),
                                                   Placement.worker_id > after, Placement.worker_id <= last)):
        lasted = (end or as_of) - start >= timedelta(days=RETENTION_DAYS)
        if as_of - start < timedelta(days=RETENTION_DAYS):
            # Not 90 days yet: whether it lasts is unknown. Those that already ended are known
            # failures, but keeping only them would make recent hires look like failures.
            unknown.add((w, p))
        seen((w, p), 4 if lasted else 3, start)
    horizon = (as_of - timedelta(days=RETENTION_DAYS)).toordinal()
    kept = {k: v for k, v in pairs.items() if v[1] <= horizon}
    # a pair whose first contact was an application, not a recommendation, has no list
    batches = {k: first_rec[k][1] for k in kept if k in first_rec and first_rec[k][0] == kept[k][1]}
    return History(kept, as_of, batches, frozenset(unknown & kept.keys()),
                   {k: int(first_rec[k][2] or 0) for k in batches})


def ignored_pair_kept(worker_id: np.ndarray, posting_id: np.ndarray, rate: float, *, seed: int = 0) -> np.ndarray:
    """Whether each pair is kept when ignored pairs (label 0) are sampled at ``rate``.

    A hash of (worker, posting, seed) — splitmix64 — decides, so the same pair is kept or
    dropped whatever the partitioning, the process or the order of the rows."""
    if rate >= 1.0:
        return np.ones(len(worker_id), dtype=bool)
    with np.errstate(over="ignore"):
        z = (worker_id.astype(np.uint64) << np.uint64(32)) ^ posting_id.astype(np.uint64)
        z = z + np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53 < rate


def negatives_kept(pairs: PairSet, rate: float) -> np.ndarray:
    """Rows kept when ignored pairs are sampled at ``rate``: every pair with a label above 0,
    and each ignored pair with probability ``rate`` (:func:`ignored_pair_kept`)."""
    if not 0.0 < rate <= 1.0:
        raise ValueError(f"negative sampling rate must be in (0, 1], got {rate}")
    return (pairs.y > 0) | ignored_pair_kept(pairs.worker_id, pairs.posting_id, rate)


def negative_weights(pairs: PairSet, rate: float) -> np.ndarray:
    """``pairs``' weights with each ignored pair's divided by ``rate``: kept with probability
    ``rate``, it stands for ``1 / rate`` of them, so sums over the rows (the loss) stay unbiased."""
    return np.where(pairs.y == 0, pairs.weight / rate, pairs.weight)


def time_split(pairs: PairSet, *, eval_days: int) -> tuple[PairSet, PairSet, date]:
    """Train on the past, evaluate on the most recent ``eval_days`` of labelled pairs."""
    cut = int(pairs.day.max()) - eval_days if len(pairs) else 0
    return pairs.subset(pairs.day <= cut), pairs.subset(pairs.day > cut), date.fromordinal(max(cut, 1))


def export(train: PairSet, evaluation: PairSet, directory: Path) -> None:
    """``train.npz`` and ``eval.npz`` (X dense float, y, qid) and ``feature_names.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    train.save(directory / "train.npz")
    evaluation.save(directory / "eval.npz")
    (directory / "feature_names.json").write_text(json.dumps(list(FEATURE_NAMES)))


def label_counts(pairs: PairSet) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for v in pairs.y.tolist():
        counts[v] += 1
    return dict(sorted(counts.items()))
