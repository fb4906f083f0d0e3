"""The nightly recommendation refresh: every seeking worker's top-k open postings, with
capacity awareness so a posting with one opening is not sent to hundreds of workers.

Each worker's eligible postings are ranked by the answering scorer (hard constraints
first); the best ``CANDIDATES`` per worker, as probabilities of lasting employment, go
into ``matching.capacity.capacity_aware_top_k`` with each posting's openings left and its
pending applications. The congestion of independent top-k lists and of the capacity-aware
lists, on the same scores, is reported with every run.

The inputs are loaded in one short session (``load_inputs``); ranking (``recommend``)
touches no database, so no transaction stays open while thousands of workers are ranked.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.batches import PostingBatch
from matching.capacity import DEFAULT_FACTOR, capacity_aware_top_k, independent_top_k
from matching.congestion import congestion_report
from matching.profiles import WorkerProfile
from matching.rank import rank_postings_for_worker
from models.placements.tables import ACTIVE_APPLICATION_STATES, Application
from models.workers.tables import Worker
from training.loading import worker_profiles
from training.scoring import Scorer, load_open_postings

CANDIDATES = 30


@dataclass(frozen=True)
class NightlyInputs:
    """What one night's ranking needs, read from the database before ranking starts."""

    today: date
    scorer: Scorer
    postings: PostingBatch
    workers: list[WorkerProfile]
    """Every seeking worker, by id."""
    pending: np.ndarray
    """Active applications per posting of ``postings`` (they use up capacity too)."""

    @property
    def worker_ids(self) -> list[int]:
        return [w.worker_id for w in self.workers]


@dataclass(frozen=True)
class NightlyLists:
    """The night's lists and the figures reported with the run."""

    lists: Mapping[int, list[tuple[int, float]]]
    """Worker id → at most ``k`` ``(posting id, P(lasting))``, best first."""
    ranker: str
    """The model version (or ``heuristic``) that ranked."""
    congestion: Mapping[str, float] | None
    """Congestion before/after capacity awareness; None when nobody was ranked."""


def pending_applications(session: Session, posting_ids: np.ndarray) -> np.ndarray:
    counts = dict(session.execute(
        select(Application.posting_id, func.count())
        .where(Application.state.in_(ACTIVE_APPLICATION_STATES)).group_by(Application.posting_id)).all())
    return np.array([counts.get(int(p), 0) for p in posting_ids], dtype=np.int64)


def load_inputs(session: Session, *, today: date, scorer: Scorer) -> NightlyInputs:
    """Seeking workers with a complete profile, today's open postings and their pending applications."""
    postings = load_open_postings(session, today=today).batch
    workers = session.scalars(select(Worker).where(Worker.status == "seeking", Worker.erased_at.is_(None),
                                                      Worker.profile_complete.is_(True))
                              .order_by(Worker.id)).all()
    return NightlyInputs(today, scorer, postings, worker_profiles(session, workers, as_of=today),
                         pending_applications(session, postings.posting_ids))


def recommend(inputs: NightlyInputs, *, k: int, factor: float = DEFAULT_FACTOR) -> NightlyLists:
    """Each worker's ``k`` best postings, capacity-aware across all workers of the night."""
    scorer, batch = inputs.scorer, inputs.postings
    position = {int(pid): i for i, pid in enumerate(batch.posting_ids)}
    lists: list[tuple[np.ndarray, np.ndarray]] = []
    for profile in inputs.workers:
        results = rank_postings_for_worker(profile, batch, scorer.score, inputs.today, CANDIDATES,
                                           reference=scorer.reference, top_k_reasons=0,
                                           shortlist=scorer.shortlist)
        idx = np.array([position[r.posting_id] for r in results], dtype=np.int64)
        p = (np.asarray(scorer.probability(np.array([r.model_score for r in results])), dtype=np.float64)
             if results else np.zeros(0))
        lists.append((idx, np.clip(p, 1e-6, 1.0)))
    if not lists:
        return NightlyLists({}, scorer.name, None)
    openings = batch.openings_left.astype(np.int64)
    chosen = capacity_aware_top_k(lists, openings, inputs.pending, k, factor=factor)
    before = congestion_report(*independent_top_k(lists, k, len(openings)).pairs(), openings)
    after = congestion_report(*chosen.pairs(), openings)
    ranked = {profile.worker_id: [(int(batch.posting_ids[j]), float(s)) for j, s in zip(postings, scores)]
              for profile, postings, scores in zip(inputs.workers, chosen.postings, chosen.scores)}
    return NightlyLists(ranked, scorer.name, {
        "before_gini_per_opening": round(before.gini_per_opening, 4),
        "after_gini_per_opening": round(after.gini_per_opening, 4),
        "before_max_per_opening": round(before.max_per_opening, 2),
        "after_max_per_opening": round(after.max_per_opening, 2),
        "before_share_postings_without_candidate": round(before.share_without_candidate, 4),
        "after_share_postings_without_candidate": round(after.share_without_candidate, 4),
        "before_expected_lasting": round(before.expected_lasting_placements, 2),
        "after_expected_lasting": round(after.expected_lasting_placements, 2),
    })
