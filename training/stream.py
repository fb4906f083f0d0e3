"""The training set built from the database in streamed partitions, in bounded memory.

1. ``load_context``: what every partition's features need besides its workers, read
   once — every posting as one ``PostingBatch`` (its headcount, since openings left now
   would say who was hired since), the hires per posting as sorted keys (openings left on
   any day) and the employers' activity (``training.loading.EmployerActivity``: placements,
   times shown and applications as daily counts — the employer's retention and application
   rate as known on any day, per month, cached). Small beside the pairs.
2. ``worker_partitions``: all workers by keyset pagination on the id,
   ``TRAINING_PARTITION_SIZE`` a partition;
3. ``partition_pairs``: one partition's labelled pairs (``training.dataset.collect_history``
   reads only its own workers' recommendations, applications, events and placements) and
   their features as of each pair's first contact, rows ordered by (worker, first contact,
   posting) — so the whole set, partitions concatenated in id order, is the same whatever
   the partition size;
4. ``build_sets``: the partitions appended to compact arrays (features float32), split by
   time as ``training.dataset.time_split``; ignored pairs of the training period sampled at
   ``TRAINING_NEGATIVE_RATE`` (weighted ``1 / rate``; the evaluation period never). A
   sampled-out pair is dropped as soon as its partition is built, once it is surely in the
   training period, so memory follows the kept rows.

With ``DASK_SCHEDULER_ADDRESS`` the partitions are built as Dask tasks: the context is
scattered once to every worker, each task reads its partition from the database (which
must be reachable from every worker) and returns its arrays; they are gathered in
partition order, so the result is identical to a single-process build.
"""
from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.batches import PostingBatch, WorkerBatch, shrunk_interest, shrunk_retention
from matching.features import FEATURE_INDEX, FEATURE_NAMES, pair_features
from matching.profiles import PostingProfile
from models.placements.tables import Placement
from models.postings.tables import Posting
from models.workers.tables import Worker
from training.dataset import (PairSet, WorkerRange, collect_history, ignored_pair_kept,
                              negative_weights, negatives_kept)
from training.loading import (EmployerActivity, combined_experience, employer_activity, months_worked,
                              paired_districts, posting_profile,
                              work_spells, worker_profile)

PARTITION_SIZE = 5_000
"""Workers whose pairs are read and featurized together (``TRAINING_PARTITION_SIZE``)."""
NEGATIVE_RATE = 1.0
"""Share of the training period's ignored pairs kept (``TRAINING_NEGATIVE_RATE``); 1: all."""
_DAY_SPAN = 10_000_000
"""Above any date ordinal: hire keys are ``posting row * _DAY_SPAN + start ordinal``."""


@dataclass(frozen=True)
class BuildSettings:
    """How the training set is built: partition size, negative sampling, Dask."""

    partition_size: int = PARTITION_SIZE
    negative_rate: float = NEGATIVE_RATE
    dask_address: str = ""

    def __post_init__(self) -> None:
        if self.partition_size < 1:
            raise ValueError("partition size must be at least 1")
        if not 0.0 < self.negative_rate <= 1.0:
            raise ValueError(f"negative sampling rate must be in (0, 1], got {self.negative_rate}")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> BuildSettings:
        return cls(int(config["TRAINING_PARTITION_SIZE"]), float(config["TRAINING_NEGATIVE_RATE"]),
                   str(config.get("DASK_SCHEDULER_ADDRESS") or ""))


@dataclass(frozen=True, eq=False)
class TrainingContext:
    """What every partition's features need besides its workers (read once)."""

    as_of: date
    postings: PostingBatch
    """Every posting, by id, with its headcount as openings left (set per pair below)."""
    paired: dict[str, tuple[str, ...]]
    hire_keys: np.ndarray
    """Sorted ``posting row * _DAY_SPAN + start ordinal`` of every placement in a posting."""
    employer_ids: np.ndarray
    """Sorted ids of every employer with a posting or a placement."""
    posting_employer: np.ndarray
    """Row of ``employer_ids`` of each posting."""
    activity: EmployerActivity
    """Every employer's placements, times shown and applications (daily counts)."""
    _history: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    def employer_history_on(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Shrunk 90-day retention and application rate of every employer (``employer_ids``)
        as known on ``day`` (an ordinal): what ``training.loading.employer_retention`` would
        have answered then."""
        if day not in self._history:
            known = self.activity.as_of(date.fromordinal(day))
            ids = self.employer_ids.tolist()
            self._history[day] = (shrunk_retention(known, ids)[0], shrunk_interest(known, ids))
        return self._history[day]

    def hired_before(self, rows: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Hires into the postings at ``rows`` that started before each ``day``."""
        base = rows.astype(np.int64) * _DAY_SPAN
        return (np.searchsorted(self.hire_keys, base + day) - np.searchsorted(self.hire_keys, base)).astype(np.float64)


def load_context(session: Session, *, as_of: date, chunk: int = 5_000) -> TrainingContext:
    """Every posting's profile, the hires per posting and the placements per employer."""
    profiles: list[PostingProfile] = []
    after = 0
    while True:  # keyset pages, so that no more than ``chunk`` posting rows are held at once
        page = session.scalars(select(Posting).where(Posting.id > after).order_by(Posting.id).limit(chunk)).all()
        if not page:
            break
        # Openings left now says who was hired since: a leak. The headcount here; the openings
        # left on the day of first contact are set per pair.
        profiles.extend(dataclasses.replace(posting_profile(p), openings_left=p.openings, status="open")
                        for p in page)
        after = page[-1].id
    postings = PostingBatch.from_profiles(profiles)  # retention: per month, below
    hires = np.array([(p, start.toordinal()) for p, start in session.execute(
        select(Placement.posting_id, Placement.start_date).where(Placement.posting_id.is_not(None)))],
        dtype=np.int64).reshape(-1, 2)
    rows, found = _rows(postings.posting_ids, hires[:, 0])
    starts = hires[:, 1]
    hire_keys = np.sort(rows[found] * _DAY_SPAN + starts[found])
    activity = employer_activity(session)
    posting_employers = np.array([p.employer_id for p in postings.postings], dtype=np.int64)
    employer_ids = np.unique(np.concatenate([posting_employers, activity.placements[:, 0]]))
    return TrainingContext(as_of, postings, paired_districts(session), hire_keys, employer_ids,
                           np.searchsorted(employer_ids, posting_employers), activity)


def _rows(sorted_ids: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row of each of ``ids`` in ``sorted_ids`` and whether it is there."""
    rows = np.minimum(np.searchsorted(sorted_ids, ids), max(len(sorted_ids) - 1, 0))
    found = sorted_ids[rows] == ids if len(sorted_ids) else np.zeros(len(ids), dtype=bool)
    return rows, found


def worker_partitions(session: Session, *, size: int) -> list[WorkerRange]:
    """Keyset partitions of all workers by id; each boundary is one indexed query."""
    if size < 1:
        raise ValueError("partition size must be at least 1")
    bounds: list[WorkerRange] = []
    after = 0
    while True:
        last = session.scalar(select(Worker.id).where(Worker.id > after).order_by(Worker.id)
                              .offset(size - 1).limit(1))
        if last is None:
            last = session.scalar(select(func.max(Worker.id)).where(Worker.id > after))
            if last is not None:
                bounds.append((after, int(last)))
            return bounds
        bounds.append((after, int(last)))
        after = int(last)


def partition_pairs(session: Session, context: TrainingContext, workers: WorkerRange) -> PairSet:
    """The labelled pairs of the workers in ``workers`` with their features as at first
    contact; rows by (worker, first contact, posting), ``qid`` numbered from 0 here."""
    history = collect_history(session, workers, as_of=context.as_of)
    after, last = workers
    profiles, declared = {}, {}
    for w in session.scalars(select(Worker).where(Worker.id > after, Worker.id <= last).order_by(Worker.id)):
        profiles[w.id] = worker_profile(w, context.paired)  # recorded experience: per pair, below
        declared[w.id] = list(w.work_experience or ())
    pb = context.postings
    keys = sorted((k for k in history.pairs if k[0] in profiles),
                  key=lambda k: (k[0], history.pairs[k][1], k[1]))
    pi, found = _rows(pb.posting_ids, np.array([p for _, p in keys], dtype=np.int64))
    keys = [k for k, ok in zip(keys, found.tolist()) if ok]
    pi = pi[found]
    worker_ids = sorted({w for w, _ in keys})
    wb = WorkerBatch.from_profiles([profiles[w] for w in worker_ids], pb)
    w_ids = np.array([w for w, _ in keys], dtype=np.int64)
    wi = np.searchsorted(np.array(worker_ids, dtype=np.int64), w_ids)
    y = np.array([history.pairs[k][0] for k in keys], dtype=np.int64)
    day = np.array([history.pairs[k][1] for k in keys], dtype=np.int64)
    X = np.zeros((len(keys), len(FEATURE_NAMES)), dtype=np.float32)
    months = day // 30
    for m in np.unique(months).tolist():
        rows = np.flatnonzero(months == m)
        X[rows] = pair_features(wb, pb, wi[rows], pi[rows], date.fromordinal(m * 30 + 15))
        # The employer's history (retention, application rate) as known on the first day of
        # the pair's month: as of ``as_of`` it would count what followed the contact, the
        # pair's own outcome among it (a leak).
        retention, interest = context.employer_history_on(m * 30)
        employer = context.posting_employer[pi[rows]]
        X[rows, FEATURE_INDEX["employer_retention"]] = retention[employer]
        X[rows, FEATURE_INDEX["employer_interest"]] = interest[employer]
    # How long the posting had been up on the day of first contact (the month's middle would
    # make it 0 for a posting created after the 15th).
    created = pb.created_ord[pi]
    X[:, FEATURE_INDEX["posting_age_log"]] = np.where(created >= 0, np.log1p(np.maximum(day - created, 0)), 0.0)
    # Openings left on the day of first contact: the headcount less the hires started before.
    headcount = np.array([pb.postings[i].openings for i in pi.tolist()], dtype=np.float64)
    X[:, FEATURE_INDEX["openings_left_log"]] = np.log1p(np.maximum(headcount - context.hired_before(pi, day), 0))
    # Experience counts the placements before the pair's first contact, not its own job.
    spells = work_spells(session, worker_ids, as_of=context.as_of)
    column = FEATURE_INDEX["occupation_experience_log"]
    for k, (w, _) in enumerate(keys):
        if spells.get(w):
            before = months_worked(spells[w], as_of=date.fromordinal(int(day[k])))
            X[k, column] = np.log1p(combined_experience(declared[w], before).get(
                pb.postings[pi[k]].occupation_code, 0))
    lists: dict[tuple[int, str], int] = {}
    qid = np.array([lists.setdefault(history.query_key(k), len(lists)) for k in keys], dtype=np.int64)
    known = np.array([k not in history.unknown for k in keys], dtype=bool)
    return PairSet(X=X, y=y, qid=qid, worker_id=w_ids, posting_id=pb.posting_ids[pi], day=day,
                   outcome_known=known,
                   position=np.array([history.positions.get(k, 0) for k in keys], dtype=np.int64))


@dataclass
class _Appended:
    """Partitions appended in order, ``qid`` made unique across them; ignored pairs surely
    in the training period and sampled out are dropped on arrival."""

    eval_days: int | None
    rate: float
    parts: list[PairSet] = field(default_factory=list)
    lists: int = 0
    max_day: int | None = None

    def add(self, part: PairSet) -> None:
        if len(part) == 0:
            return
        part.qid += self.lists
        self.lists = int(part.qid.max()) + 1
        self.max_day = max(self.max_day or 0, int(part.day.max()))
        if self.eval_days is not None and self.rate < 1.0:
            # the final cut is at least today's, so these rows are in the training period
            surely_train = part.day <= self.max_day - self.eval_days
            out = (part.y == 0) & surely_train & ~ignored_pair_kept(part.worker_id, part.posting_id, self.rate)
            if out.any():
                part = part.subset(~out)
        self.parts.append(part)

    def take(self, *masks: Callable[[PairSet], np.ndarray]) -> list[PairSet]:
        """For each of ``masks``, the rows of every partition where it holds (all rows if
        none is given). The partitions are released as they are copied, into arrays
        allocated once, so the set is never held twice."""
        masks = masks or (lambda p: np.ones(len(p), dtype=bool),)
        chosen = [[m(p) for m in masks] for p in self.parts]
        sizes = [sum(int(c[i].sum()) for c in chosen) for i in range(len(masks))]
        out = [{f.name: np.empty((n, *getattr(_EMPTY, f.name).shape[1:]), dtype=getattr(_EMPTY, f.name).dtype)
                for f in dataclasses.fields(PairSet)} for n in sizes]
        at = [0] * len(masks)
        while self.parts:
            part, selected = self.parts.pop(0), chosen.pop(0)
            for i, m in enumerate(selected):
                n = int(m.sum())
                for name, column in out[i].items():
                    column[at[i]:at[i] + n] = getattr(part, name)[m]
                at[i] += n
        return [PairSet(**columns) for columns in out]


_EMPTY = PairSet(X=np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32), y=np.zeros(0, dtype=np.int64),
                 qid=np.zeros(0, dtype=np.int64), worker_id=np.zeros(0, dtype=np.int64),
                 posting_id=np.zeros(0, dtype=np.int64), day=np.zeros(0, dtype=np.int64),
                 outcome_known=np.zeros(0, dtype=bool), weight=np.zeros(0, dtype=np.float64),
                 position=np.zeros(0, dtype=np.int64))
"""The columns' dtypes and shapes: features float32, weights float64, outcomes bool, the rest int64."""


def _built(session: Session, settings: BuildSettings, *, as_of: date, appended: _Appended,
           progress: Callable[[int, int], None] | None) -> None:
    context = load_context(session, as_of=as_of)
    bounds = worker_partitions(session, size=settings.partition_size)

    def append(parts: Iterable[PairSet]) -> None:
        for n, part in enumerate(parts, start=1):
            appended.add(part)
            if progress:
                progress(n, len(bounds))

    if not settings.dask_address:
        append(partition_pairs(session, context, b) for b in bounds)
        return
    from training.cluster import dask_client  # Dask only when asked for

    url = session.get_bind().url.render_as_string(hide_password=False)
    from training.cluster import close_worker_sessions

    with dask_client(settings.dask_address) as client:
        try:
            append(_on_dask(client, url, context, bounds))
        finally:
            client.run(close_worker_sessions)  # no connection outlives the build


def build_pairs(session: Session, *, as_of: date, settings: BuildSettings = BuildSettings(),
                progress: Callable[[int, int], None] | None = None) -> PairSet:
    """Every labelled pair with its features, partition by partition (no sampling)."""
    appended = _Appended(None, 1.0)
    _built(session, settings, as_of=as_of, appended=appended, progress=progress)
    return appended.take()[0]


def build_sets(session: Session, *, as_of: date, eval_days: int, settings: BuildSettings = BuildSettings(),
               progress: Callable[[int, int], None] | None = None) -> tuple[PairSet, PairSet, date]:
    """Train on the past, evaluate on the most recent ``eval_days`` of labelled pairs (as
    ``training.dataset.time_split``); the training period's ignored pairs sampled."""
    appended = _Appended(eval_days, settings.negative_rate)
    _built(session, settings, as_of=as_of, appended=appended, progress=progress)
    cut = (appended.max_day - eval_days) if appended.max_day is not None else 0
    rate = settings.negative_rate
    train, evaluation = appended.take(lambda p: (p.day <= cut) & negatives_kept(p, rate), lambda p: p.day > cut)
    train.weight = negative_weights(train, rate)
    return train, evaluation, date.fromordinal(max(cut, 1))


def _partition_task(url: str, context: TrainingContext, workers: WorkerRange) -> PairSet:
    """A Dask task: one partition read with this worker's own engine (one per process,
    ``training.cluster.worker_sessions``; disposed when the build ends)."""
    from training.cluster import DatabaseSettings, worker_sessions

    with worker_sessions(DatabaseSettings(url))() as session:
        return partition_pairs(session, context, workers)


def _on_dask(client: Any, url: str, context: TrainingContext, bounds: Sequence[WorkerRange],
             in_flight: int | None = None) -> Iterator[PairSet]:
    """The partitions as Dask tasks, at most ``in_flight`` at once, yielded in order."""
    shared = client.scatter(context, broadcast=True)
    limit = in_flight or 2 * max(len(client.scheduler_info().get("workers", {})), 1)
    pending: deque = deque()
    for b in bounds:
        pending.append(client.submit(_partition_task, url, shared, b, pure=False))
        while len(pending) >= limit:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
