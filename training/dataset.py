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

from matching.batches import PostingBatch, WorkerBatch, shrunk_interest, shrunk_retention
from matching.features import FEATURE_INDEX, FEATURE_NAMES, pair_features
from matching.profiles import PostingProfile, WorkerProfile
from models.placements.tables import Application, ApplicationEvent, Placement, Recommendation
from models.postings.tables import Posting
from models.workers.tables import Worker
from training.loading import (RETENTION_DAYS, combined_experience, employer_activity, months_worked,
                               paired_districts, posting_profile, work_spells, worker_profile)

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

    def __post_init__(self) -> None:
        if self.outcome_known is None:
            self.outcome_known = np.ones(len(self.y), dtype=bool)

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
                            outcome_known=self.outcome_known)


@dataclass
class History:
    """The raw labelled pairs, before features."""

    pairs: dict[tuple[int, int], tuple[int, int]]  # (worker, posting) → (label, first-contact ordinal)
    as_of: date
    batches: dict[tuple[int, int], str] = dataclasses.field(default_factory=dict)
    """(worker, posting) → recommendation batch of its first recommendation."""
    unknown: frozenset[tuple[int, int]] = frozenset()
    """Pairs whose outcome is not final: a pending application, a hire not 90 days old."""

    def query_key(self, key: tuple[int, int]) -> tuple[int, str]:
        """The list a pair belongs to: (worker, batch) or (worker, month of first contact)."""
        batch = self.batches.get(key)
        return key[0], batch if batch is not None else f"month-{self.pairs[key][1] // 30}"


def collect_history(session: Session, *, as_of: date) -> History:
    pairs: dict[tuple[int, int], tuple[int, int]] = {}

    def seen(key: tuple[int, int], label: int, day: date) -> None:
        old = pairs.get(key)
        pairs[key] = (max(label, old[0]), min(day.toordinal(), old[1])) if old else (label, day.toordinal())

    first_rec: dict[tuple[int, int], tuple[int, str]] = {}
    for w, p, at, batch in session.execute(select(Recommendation.worker_id, Recommendation.posting_id,
                                                  Recommendation.created_at, Recommendation.batch)
                                           .order_by(Recommendation.id)):
        seen((w, p), 0, at.date())
        if (w, p) not in first_rec or at.date().toordinal() < first_rec[(w, p)][0]:
            first_rec[(w, p)] = (at.date().toordinal(), batch)
    apps: dict[int, tuple[int, int]] = {}
    unknown: set[tuple[int, int]] = set()
    for app_id, w, p, at, state in session.execute(select(Application.id, Application.worker_id,
                                                          Application.posting_id, Application.created_at,
                                                          Application.state)):
        apps[app_id] = (w, p)
        seen((w, p), 1, at.date())
        if state in ("referred", "interviewing"):
            unknown.add((w, p))  # still pending: how far it gets is not known yet
    for app_id, to_state, at in session.execute(select(ApplicationEvent.application_id,
                                                       ApplicationEvent.to_state, ApplicationEvent.at)):
        if to_state in STAGE and app_id in apps:
            seen(apps[app_id], STAGE[to_state], at.date())
    for w, p, start, end in session.execute(select(Placement.worker_id, Placement.posting_id,
                                                   Placement.start_date, Placement.end_date)
                                            .where(Placement.posting_id.is_not(None))):
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
    return History(kept, as_of, batches, frozenset(unknown & kept.keys()))


def featurize(session: Session, history: History, *, progress=None) -> PairSet:
    """Features of every labelled pair, computed month by month as of that month."""
    keys = sorted(history.pairs, key=lambda k: (history.pairs[k][1], k))
    worker_ids = sorted({w for w, _ in keys})
    posting_ids = sorted({p for _, p in keys})
    paired = paired_districts(session)
    spells = work_spells(session, worker_ids, as_of=history.as_of)
    workers: dict[int, WorkerProfile] = {}
    declared: dict[int, list] = {}
    for chunk in _chunks(worker_ids, 2000):
        for w in session.scalars(select(Worker).where(Worker.id.in_(chunk))):
            workers[w.id] = worker_profile(w, paired)  # recorded experience: per pair, below
            declared[w.id] = list(w.work_experience or ())
    postings: dict[int, PostingProfile] = {}
    for chunk in _chunks(posting_ids, 2000):
        for p in session.scalars(select(Posting).where(Posting.id.in_(chunk))):
            # Openings left now says who was hired since: a leak. The headcount here; the openings
            # left on the day of first contact are set below.
            postings[p.id] = dataclasses.replace(posting_profile(p), openings_left=p.openings, status="open")
    keys = [k for k in keys if k[0] in workers and k[1] in postings]
    w_list = [workers[w] for w in worker_ids if w in workers]
    w_pos = {w.worker_id: i for i, w in enumerate(w_list)}
    p_list = [postings[p] for p in posting_ids if p in postings]
    p_pos = {p.posting_id: i for i, p in enumerate(p_list)}
    pb = PostingBatch.from_profiles(p_list)  # the employer's history: per month, below
    activity = employer_activity(session)
    wb = WorkerBatch.from_profiles(w_list, pb)
    wi = np.array([w_pos[w] for w, _ in keys], dtype=np.int64)
    pi = np.array([p_pos[p] for _, p in keys], dtype=np.int64)
    y = np.array([history.pairs[k][0] for k in keys], dtype=np.int64)
    day = np.array([history.pairs[k][1] for k in keys], dtype=np.int64)
    X = np.zeros((len(keys), len(FEATURE_NAMES)), dtype=np.float32)
    months = day // 30
    for n, m in enumerate(np.unique(months)):
        rows = np.flatnonzero(months == m)
        X[rows] = pair_features(wb, pb, wi[rows], pi[rows], date.fromordinal(int(m) * 30 + 15))
        if progress:
            progress(n + 1, len(np.unique(months)))
    # The employer's history (retention, application rate) as known on the first day of the
    # pair's month: as of ``as_of`` it would count what followed the contact, the pair's own
    # outcome among it (a leak).
    employers = np.array([postings[p].employer_id for _, p in keys], dtype=np.int64)
    for m in np.unique(months):
        rows = np.flatnonzero(months == m)
        known = activity.as_of(date.fromordinal(int(m) * 30))
        X[rows, FEATURE_INDEX["employer_retention"]] = shrunk_retention(known, employers[rows].tolist())[0]
        X[rows, FEATURE_INDEX["employer_interest"]] = shrunk_interest(known, employers[rows].tolist())
    # Openings left on the day of first contact: the headcount less the hires started before.
    starts: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(posting_ids, 2000):
        for p, start in session.execute(select(Placement.posting_id, Placement.start_date)
                                        .where(Placement.posting_id.in_(chunk))):
            starts[p].append(start.toordinal())
    hired_before = np.array([np.searchsorted(np.sort(starts[p]), day[k]) if starts.get(p) else 0
                             for k, (_, p) in enumerate(keys)], dtype=np.float64)
    headcount = np.array([postings[p].openings for _, p in keys], dtype=np.float64)
    X[:, FEATURE_INDEX["openings_left_log"]] = np.log1p(np.maximum(headcount - hired_before, 0))
    column = FEATURE_INDEX["occupation_experience_log"]
    for k, (w, p) in enumerate(keys):
        if spells.get(w):
            before = months_worked(spells[w], as_of=date.fromordinal(int(day[k])))
            X[k, column] = np.log1p(combined_experience(declared[w], before).get(postings[p].occupation_code, 0))
    w_ids = np.array([w for w, _ in keys], dtype=np.int64)
    p_ids = np.array([p for _, p in keys], dtype=np.int64)
    lists: dict[tuple[int, str], int] = {}
    qid = np.array([lists.setdefault(history.query_key(k), len(lists)) for k in keys], dtype=np.int64)
    known = np.array([k not in history.unknown for k in keys], dtype=bool)
    return PairSet(X=X, y=y, qid=qid, worker_id=w_ids, posting_id=p_ids, day=day, outcome_known=known)


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


def _chunks(items: list[int], size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def label_counts(pairs: PairSet) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for v in pairs.y.tolist():
        counts[v] += 1
    return dict(sorted(counts.items()))
