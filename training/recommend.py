"""The nightly recommendation refresh: every seeking worker's top-k open postings, with
capacity awareness so a posting with one opening is not sent to hundreds of workers.

Streamed in partitions, so memory stays flat as the population grows:

1. ``load_posting_index``: today's open postings as one ``PostingBatch`` with its
   candidate blocks (``matching.candidates``), their pending applications and the
   answering scorer — what every partition ranks against (shipped once per Dask worker);
2. ``partition_bounds`` / ``load_partition``: seeking workers with a complete profile by
   keyset pagination on the id (``NIGHTLY_PARTITION_SIZE`` a partition), each loaded in
   its own short session and turned into profiles; no ORM row outlives its partition;
3. ``rank_partition``: the partition's workers ranked at once
   (``matching.rank.top_postings_for_workers``: blocked candidates, hard constraints,
   vectorised features and scores), the best ``CANDIDATES`` per worker kept as
   probabilities of lasting employment in compact arrays, spilled to disk partition by
   partition (``CandidateStore``);
4. ``allocate_night``: per-posting caps over the whole night. Up to
   ``NIGHTLY_EXACT_PAIRS`` candidate pairs the exact transportation LP
   (``matching.capacity.capacity_aware_top_k``); beyond, posting prices found by a few
   passes over the partitions and applied per partition (``matching.pricing``), with a
   bound on the gap. The congestion of independent top-k and of the capacity-aware lists
   is reported with every run (on a large night added up partition by partition, the
   hire assignment priced the same way).
"""
from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from matching.allocation import top_per_group
from matching.batches import PostingBatch
from matching.candidates import CandidateIndex
from matching.capacity import DEFAULT_FACTOR, capacity_aware_top_k, independent_top_k, recommendation_caps
from matching.congestion import CongestionReport, congestion_from_counts, congestion_report
from matching.pricing import PartitionLists, priced_allocation
from matching.profiles import WorkerProfile
from matching.rank import top_postings_for_workers
from models.placements.tables import ACTIVE_APPLICATION_STATES, Application
from models.workers.tables import Worker
from training.loading import worker_profiles
from training.scoring import Scorer, load_open_postings

CANDIDATES = 30
"""Best postings per worker kept for the allocation (the lists then take ``k`` of them)."""

log = logging.getLogger("jingmeng.recommend")
T = TypeVar("T")

HIRE_PASSES = 20
"""Price passes of the hire assignment behind a large night's expected lasting placements."""

Bounds = tuple[int, int]
"""A partition: worker ids in ``(after, last]``."""


@dataclass(frozen=True, eq=False)
class PostingIndex:
    """What one night's ranking needs besides the workers, read once before ranking."""

    today: date
    scorer: Scorer
    postings: PostingBatch
    candidates: CandidateIndex
    pending: np.ndarray
    """Active applications per posting of ``postings`` (they use up capacity too)."""


@dataclass(frozen=True, eq=False)
class RankedPartition:
    """One partition's candidate lists: rows of the posting batch and P(lasting)."""

    worker_ids: np.ndarray
    lists: PartitionLists


SPILL_PREFIX = "jm-nightly-"
_OWNER = "owner"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale_spills(directory: str | None = None) -> list[str]:
    """Remove the spill directories of nights whose process died without cleaning up (killed,
    out of memory, the machine rebooted into the same ``TMPDIR``): each names its owner (host
    and process id); one of this host whose process is gone is deleted, one of another host
    or of a live process is left alone. Returns the paths removed."""
    host = socket.gethostname()
    removed = []
    for path in Path(directory or tempfile.gettempdir()).glob(f"{SPILL_PREFIX}*"):
        try:
            owner_host, pid = (path / _OWNER).read_text().split()
            stale = owner_host == host and not _alive(int(pid))
        except (OSError, ValueError):
            continue  # not ours, half-written or unreadable: leave it
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    if removed:
        log.warning("removed spill directories of nights that did not finish", extra={"paths": removed})
    return removed


class CandidateStore(Sequence[RankedPartition]):
    """The night's ranked partitions, spilled to one ``.npz`` file each in a temporary
    directory (``TMPDIR``) and read back one at a time: the allocation's price passes go
    over them several times, and holding them all would grow with the population.
    Removed on ``close`` (a context manager); a night killed before that leaves it behind,
    and the next night removes it (``remove_stale_spills``)."""

    def __init__(self, directory: str | None = None) -> None:
        remove_stale_spills(directory)
        self._dir = tempfile.TemporaryDirectory(prefix=SPILL_PREFIX, dir=directory)
        (Path(self._dir.name) / _OWNER).write_text(f"{socket.gethostname()} {os.getpid()}")
        self._shapes: list[tuple[int, int]] = []

    def append(self, ranked: RankedPartition) -> None:
        lists = ranked.lists
        np.savez(self._path(len(self._shapes)), worker_ids=ranked.worker_ids, indptr=lists.indptr,
                 posting=lists.posting, p=lists.p)
        self._shapes.append((len(ranked.worker_ids), len(lists.p)))

    def _path(self, i: int) -> Path:
        return Path(self._dir.name) / f"partition-{i:06d}.npz"

    def __len__(self) -> int:
        return len(self._shapes)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        with np.load(self._path(range(len(self))[i])) as f:
            return RankedPartition(f["worker_ids"], PartitionLists(f["indptr"], f["posting"], f["p"]))

    @property
    def n_workers(self) -> int:
        return sum(w for w, _ in self._shapes)

    @property
    def n_pairs(self) -> int:
        return sum(n for _, n in self._shapes)

    def close(self) -> None:
        self._dir.cleanup()

    def __enter__(self) -> CandidateStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Lazy(Sequence[T]):
    """``n`` items made by ``get(i)`` on access: a pass over a night's partitions then
    holds one at a time."""

    def __init__(self, n: int, get: Callable[[int], T]) -> None:
        self._n, self._get = n, get

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self._get(j) for j in range(*i.indices(self._n))]
        return self._get(range(self._n)[i])


@dataclass(frozen=True, eq=False)
class NightPartition:
    """One partition's final lists: worker ``worker_ids[i]`` gets ``posting_ids`` and
    ``scores`` at ``indptr[i]:indptr[i + 1]``, best first."""

    worker_ids: np.ndarray
    indptr: np.ndarray
    posting_ids: np.ndarray
    scores: np.ndarray

    def lists(self) -> Iterator[tuple[int, list[tuple[int, float]]]]:
        for i, worker_id in enumerate(self.worker_ids.tolist()):
            a, b = int(self.indptr[i]), int(self.indptr[i + 1])
            yield worker_id, list(zip(self.posting_ids[a:b].tolist(), self.scores[a:b].tolist()))


@dataclass(frozen=True)
class NightlyLists:
    """The night's lists and the figures reported with the run."""

    partitions: Sequence[NightPartition]
    """Built on access from the spilled candidate lists on a large night."""
    ranker: str
    """The model version (or ``heuristic``) that ranked."""
    congestion: dict[str, float | str] | None
    """Congestion before/after capacity awareness and how the caps were met; None when
    nobody was ranked."""

    def as_dict(self) -> dict[int, list[tuple[int, float]]]:
        """Worker id → ``(posting id, P(lasting))`` (small nights and tests only)."""
        return {w: lst for part in self.partitions for w, lst in part.lists()}


def pending_applications(session: Session, posting_ids: np.ndarray) -> np.ndarray:
    counts = dict(session.execute(
        select(Application.posting_id, func.count())
        .where(Application.state.in_(ACTIVE_APPLICATION_STATES)).group_by(Application.posting_id)).all())
    return np.array([counts.get(int(p), 0) for p in posting_ids], dtype=np.int64)


def load_posting_index(session: Session, *, today: date, scorer: Scorer) -> PostingIndex:
    """Today's open postings, their candidate blocks and pending applications."""
    postings = load_open_postings(session, today=today).batch
    return PostingIndex(today, scorer, postings, CandidateIndex.build(postings, today),
                        pending_applications(session, postings.posting_ids))


def _seeking():
    return (Worker.status == "seeking", Worker.erased_at.is_(None), Worker.profile_complete.is_(True))


def partition_bounds(session: Session, *, size: int) -> list[Bounds]:
    """Keyset partitions of the seeking workers with a complete profile, by id.

    Each boundary is one indexed query (the ``size``-th next id), so no id list is held.
    """
    if size < 1:
        raise ValueError("partition size must be at least 1")
    bounds: list[Bounds] = []
    after = 0
    while True:
        window = select(Worker.id).where(*_seeking(), Worker.id > after).order_by(Worker.id)
        last = session.scalar(window.offset(size - 1).limit(1))
        if last is None:
            last = session.scalar(select(func.max(Worker.id)).where(*_seeking(), Worker.id > after))
            if last is not None:
                bounds.append((after, int(last)))
            return bounds
        bounds.append((after, int(last)))
        after = int(last)


def load_partition(session: Session, bounds: Bounds, *, today: date) -> list[WorkerProfile]:
    after, last = bounds
    workers = session.scalars(select(Worker).where(*_seeking(), Worker.id > after, Worker.id <= last)
                              .order_by(Worker.id)).all()
    return worker_profiles(session, workers, as_of=today)


def rank_partition(index: PostingIndex, workers: Sequence[WorkerProfile]) -> RankedPartition:
    """Each worker's ``CANDIDATES`` best postings as P(lasting); touches no database.

    Compact: ``int32`` posting rows and ``float64`` probabilities, 12 bytes a pair."""
    scorer = index.scorer
    ranked = top_postings_for_workers(workers, index.postings, scorer.score, index.today, CANDIDATES,
                                      index=index.candidates, shortlist=scorer.shortlist)
    p = (np.asarray(scorer.probability(ranked.model_score), dtype=np.float64)
         if len(ranked.model_score) else np.zeros(0))
    return RankedPartition(np.array([w.worker_id for w in workers], dtype=np.int64),
                           PartitionLists(ranked.indptr.astype(np.int64), ranked.posting_idx.astype(np.int32),
                                          np.clip(p, 1e-6, 1.0)))


def load_and_rank(sessions: sessionmaker[Session], index: PostingIndex, bounds: Bounds) -> RankedPartition:
    """One partition read in its own short session, then ranked."""
    with sessions() as session:
        workers = load_partition(session, bounds, today=index.today)
    return rank_partition(index, workers)


def rank_partitions(sessions: sessionmaker[Session], index: PostingIndex, bounds: Iterable[Bounds],
                    *, on_partition: Callable[[], None] | None = None,
                    store: CandidateStore | None = None) -> Sequence[RankedPartition]:
    """Load and rank the partitions one after another in this process, into ``store``
    (spilled to disk) or, without one, a list."""
    out: CandidateStore | list[RankedPartition] = [] if store is None else store
    for b in bounds:
        out.append(load_and_rank(sessions, index, b))
        if on_partition:
            on_partition()
    return out


def _pairs(parts: Sequence[PartitionLists], selected: Sequence[np.ndarray] | None = None):
    rows, cols, vals, offset = [], [], [], 0
    for i, part in enumerate(parts):
        keep = slice(None) if selected is None else selected[i]
        rows.append(part.rows()[keep] + offset)
        cols.append(part.posting[keep])
        vals.append(part.p[keep])
        offset += part.n_workers
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def _figures(b: CongestionReport, a: CongestionReport) -> dict[str, float]:
    return {
        "before_gini_per_opening": round(b.gini_per_opening, 4),
        "after_gini_per_opening": round(a.gini_per_opening, 4),
        "before_max_per_opening": round(b.max_per_opening, 2),
        "after_max_per_opening": round(a.max_per_opening, 2),
        "before_share_postings_without_candidate": round(b.share_without_candidate, 4),
        "after_share_postings_without_candidate": round(a.share_without_candidate, 4),
        "before_expected_lasting": round(b.expected_lasting_placements, 2),
        "after_expected_lasting": round(a.expected_lasting_placements, 2),
        "after_n_pairs": a.n_pairs,
    }


def _final(ranked: RankedPartition, ids: np.ndarray, rows: np.ndarray, cols: np.ndarray,
           vals: np.ndarray) -> NightPartition:
    """Lists from selected pairs, best P first (ties keep the ranking's order)."""
    order = np.lexsort((-vals, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    indptr = np.searchsorted(rows, np.arange(len(ranked.worker_ids) + 1))
    return NightPartition(ranked.worker_ids, indptr, ids[cols], vals)


def _bounded_report(parts: Sequence[PartitionLists], masks: Sequence[np.ndarray],
                    openings: np.ndarray) -> tuple[CongestionReport, float]:
    """Congestion of the pairs in ``masks`` added up partition by partition; the expected
    lasting placements from a priced hire assignment inside them (one job per worker, at
    most ``openings_left`` per posting) instead of one LP over the night; with the bound
    on its gap to that LP."""
    counts = np.zeros(len(openings), dtype=np.int64)
    n_pairs = 0
    for part, mask in zip(parts, masks):
        counts += np.bincount(part.posting[mask], minlength=len(openings))
        n_pairs += int(mask.sum())
    hires = priced_allocation(_Lazy(len(parts), lambda i: parts[i].subset(masks[i])), openings, 1,
                             passes=HIRE_PASSES)
    filled = sum(int(s.sum()) for s in hires.selected)
    return congestion_from_counts(counts, openings, openings_filled=filled, expected_lasting=hires.objective,
                                  n_pairs=n_pairs), hires.gap_bound


def allocate_night(index: PostingIndex, ranked: Sequence[RankedPartition], *, k: int,
                   factor: float = DEFAULT_FACTOR, exact_pairs: int) -> NightlyLists:
    """Each worker's ``k`` best postings, every posting on at most its cap of lists.

    ``ranked`` may be a :class:`CandidateStore`: beyond ``exact_pairs`` it is read one
    partition at a time (price passes, congestion, final lists), so memory holds only a
    few bytes per pair (the selection masks) besides one partition."""
    parts = _Lazy(len(ranked), lambda i: ranked[i].lists)
    n_pairs = sum(len(r.lists.p) for r in ranked) if not isinstance(ranked, CandidateStore) else ranked.n_pairs
    if n_pairs == 0:
        return NightlyLists((), index.scorer.name, None)
    openings = index.postings.openings_left.astype(np.int64)
    ids = index.postings.posting_ids
    if n_pairs <= exact_pairs:
        partitions = list(ranked)
        lists = [r.lists for r in partitions]
        rows, cols, vals = _pairs(lists)
        before = independent_top_k((rows, cols, vals), k, len(openings)).pairs()
        chosen = capacity_aware_top_k((rows, cols, vals), openings, index.pending, k, factor=factor)
        after = chosen.pairs()
        figures: dict[str, float | str] = {"allocation": "exact_lp", "allocation_gap_bound": 0.0}
        offsets = np.r_[0, np.cumsum([p.n_workers for p in lists])]
        w, c, v = after
        cut = np.searchsorted(w, offsets)
        finals: Sequence[NightPartition] = [
            _final(r, ids, w[a:b] - offsets[i], c[a:b], v[a:b])
            for i, (r, a, b) in enumerate(zip(partitions, cut[:-1], cut[1:]))]
        figures.update(_figures(congestion_report(*before, openings), congestion_report(*after, openings)))
        return NightlyLists(tuple(finals), index.scorer.name, figures)
    priced = priced_allocation(parts, recommendation_caps(openings, index.pending, factor), k)
    figures = {"allocation": "priced", "allocation_gap_bound": round(priced.gap_bound, 4),
               "price_passes": priced.passes}
    top_k = [top_per_group(part.rows(), part.p, np.full(part.n_workers, k)) for part in parts]
    before, before_gap = _bounded_report(parts, top_k, openings)
    del top_k
    after, after_gap = _bounded_report(parts, priced.selected, openings)
    figures.update(_figures(before, after), expected_lasting_gap_bound=round(max(before_gap, after_gap), 4))

    def final(i: int) -> NightPartition:
        r, s = ranked[i], priced.selected[i]
        return _final(r, ids, r.lists.rows()[s], r.lists.posting[s], r.lists.p[s])

    return NightlyLists(_Lazy(len(ranked), final), index.scorer.name, figures)
