"""Candidate generation (召回) for many workers at once: blocking, then the hard constraints.

Scoring every worker against every open posting costs ``workers x postings`` feature rows.
Most of those pairs fail a hard constraint, and the cheapest one to index is the
destination: a worker who accepts only jobs in the home county never needs the Beijing
postings. :class:`CandidateIndex` groups the postings of a batch into blocks by where
they lie — one block per Inner Mongolia county, the rest of the region, Beijing, other
provinces — so a worker's candidates are the union of the blocks its accepted destination
tiers cover (``matching.destinations``). The vectorised hard constraints
(``matching.constraints.pair_constraints``) then run on those pairs only.

Blocking uses only rules that are themselves hard constraints, so it drops no pair that
the exhaustive check would allow: :func:`blocking_recall` measures that on a sample (it
must be 1.0). Occupation is a soft feature here (a worker may be shown a job outside her
preferred occupations), so it is deliberately not a block.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from matching.batches import PostingBatch, WorkerBatch
from matching.constraints import AVAILABILITY_HORIZON_DAYS, pair_constraints
from matching.destinations import HOME, IN_REGION, OTHER, OTHER_BEIJING, PAIRED_BEIJING
from matching.profiles import WorkerProfile

_REGION, _BEIJING = 15, 11


@dataclass(frozen=True, slots=True, eq=False)
class CandidateIndex:
    """Posting rows of one :class:`PostingBatch` grouped by where they lie."""

    by_county: dict[int, np.ndarray]
    """District/county code → its posting rows (ascending)."""
    region: np.ndarray
    """Every posting row in Inner Mongolia (15…), ascending."""
    beijing: np.ndarray
    other: np.ndarray
    open_rows: np.ndarray
    """Rows that are open with openings left (the rest can never pass)."""
    _blocks: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)
    """Memo of ``rows_for``: a night has a few hundred (tiers, county) combinations."""

    @classmethod
    def build(cls, postings: PostingBatch, today: date) -> CandidateIndex:
        usable = postings.is_open & (postings.openings_left > 0) & (postings.expires_ord >= today.toordinal())
        rows = np.flatnonzero(usable)
        district = postings.district[rows]
        prefix = district // 10_000
        order = np.argsort(district, kind="stable")
        keys, starts = np.unique(district[order], return_index=True)
        ends = np.r_[starts[1:], len(order)]
        return cls(by_county={int(k): np.sort(rows[order[a:b]]) for k, a, b in zip(keys, starts, ends)},
                   region=rows[prefix == _REGION], beijing=rows[prefix == _BEIJING],
                   other=rows[(prefix != _REGION) & (prefix != _BEIJING)], open_rows=rows)

    def rows_for(self, accepted_bits: int, county: int) -> np.ndarray:
        """Posting rows in the tiers a worker accepts (ascending, each once): a superset of
        the pairs of each tier — home county: the postings in that county; in region: every
        Inner Mongolia posting; Beijing (paired or not): every Beijing posting; other: the rest."""
        key = (accepted_bits, county)
        if key not in self._blocks:
            self._blocks[key] = self._rows_for(accepted_bits, county)
        return self._blocks[key]

    def _rows_for(self, accepted_bits: int, county: int) -> np.ndarray:
        parts = []
        if accepted_bits & (1 << HOME):
            parts.append(self.by_county.get(county, np.zeros(0, dtype=np.int64)))
        if accepted_bits & (1 << IN_REGION):
            parts.append(self.region)
        if accepted_bits & ((1 << PAIRED_BEIJING) | (1 << OTHER_BEIJING)):
            parts.append(self.beijing)
        if accepted_bits & (1 << OTHER):
            parts.append(self.other)
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(parts)) if len(parts) > 1 else parts[0]

    def block_sizes(self, accepted_bits: np.ndarray, county: np.ndarray) -> np.ndarray:
        """How many pairs blocking yields for each worker (before the hard constraints),
        from its accepted tier bits and county number."""
        return np.array([len(self.rows_for(int(b), int(c))) for b, c in zip(accepted_bits.tolist(), county.tolist())],
                        dtype=np.int64)


@dataclass(frozen=True, slots=True, eq=False)
class CandidatePairs:
    """Allowed pairs of a worker batch: worker row and posting row, grouped by worker,
    postings ascending within a worker."""

    worker_idx: np.ndarray
    posting_idx: np.ndarray

    def __len__(self) -> int:
        return len(self.worker_idx)


def candidate_pairs(workers: WorkerBatch, postings: PostingBatch, index: CandidateIndex, today: date,
                    *, horizon_days: int = AVAILABILITY_HORIZON_DAYS) -> CandidatePairs:
    """Every pair that passes the hard constraints, found through the blocks."""
    blocks = [index.rows_for(int(b), int(c))
              for b, c in zip(workers.accepted_tiers.tolist(), workers.county.tolist())]
    sizes = np.array([len(b) for b in blocks], dtype=np.int64)
    if sizes.sum() == 0:
        return CandidatePairs(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    wi = np.repeat(np.arange(len(blocks), dtype=np.int64), sizes)
    pi = np.concatenate(blocks)
    allowed = pair_constraints(workers, postings, wi, pi, today, horizon_days=horizon_days).mask
    return CandidatePairs(wi[allowed], pi[allowed])


def chunks_by_pairs(sizes: np.ndarray, max_pairs: int) -> Iterator[slice]:
    """Consecutive worker slices whose blocked pairs add up to at most ``max_pairs``
    (a single worker with more gets a slice of its own), so feature matrices stay bounded."""
    start, total = 0, 0
    for i, n in enumerate(sizes.tolist()):
        if i > start and total + n > max_pairs:
            yield slice(start, i)
            start, total = i, 0
        total += n
    if start < len(sizes):
        yield slice(start, len(sizes))


@dataclass(frozen=True)
class RecallReport:
    workers: int
    exhaustive_pairs: int
    blocked_pairs: int
    """Pairs blocking yields before the hard constraints (the work saved is the rest)."""
    recall: float


def blocking_recall(workers: Sequence[WorkerProfile], postings: PostingBatch, today: date) -> RecallReport:
    """Share of the exhaustively allowed pairs that candidate generation finds (must be 1.0)."""
    batch = WorkerBatch.from_profiles(workers, postings)
    n_w, n_p = len(batch), len(postings)
    wi, pi = np.repeat(np.arange(n_w), n_p), np.tile(np.arange(n_p), n_w)
    allowed = pair_constraints(batch, postings, wi, pi, today).mask
    exhaustive = set((wi[allowed] * n_p + pi[allowed]).tolist())
    index = CandidateIndex.build(postings, today)
    found = candidate_pairs(batch, postings, index, today)
    got = set((found.worker_idx * n_p + found.posting_idx).tolist())
    return RecallReport(n_w, len(exhaustive), int(index.block_sizes(batch.accepted_tiers, batch.county).sum()),
                        len(exhaustive & got) / len(exhaustive) if exhaustive else 1.0)
