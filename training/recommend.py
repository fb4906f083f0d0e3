"""The nightly recommendation refresh: every seeking worker's top-k open postings, with
capacity awareness so a posting with one opening is not sent to hundreds of workers.

Each worker's eligible postings are ranked by the answering scorer (hard constraints
first); the best ``CANDIDATES`` per worker, as probabilities of lasting employment, go
into ``matching.capacity.capacity_aware_top_k`` with each posting's openings left and its
pending applications. The congestion of independent top-k lists and of the capacity-aware
lists, on the same scores, is reported with every run.
"""
from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.capacity import DEFAULT_FACTOR, capacity_aware_top_k, independent_top_k
from matching.congestion import congestion_report
from matching.rank import rank_postings_for_worker
from models.placements.tables import ACTIVE_APPLICATION_STATES, Application
from models.workers.tables import Worker
from training.loading import worker_profiles
from training.scoring import OpenPostingIndex, Scorer

CANDIDATES = 30


class RankedLists(dict):
    """``{worker_id: [(posting_id, score), …]}`` plus the run's congestion figures."""

    congestion: dict[str, object]


def pending_applications(session: Session, posting_ids: np.ndarray) -> np.ndarray:
    counts = dict(session.execute(
        select(Application.posting_id, func.count())
        .where(Application.state.in_(ACTIVE_APPLICATION_STATES)).group_by(Application.posting_id)).all())
    return np.array([counts.get(int(p), 0) for p in posting_ids], dtype=np.int64)


def recommend(session: Session, worker_ids: list[int], today: date, *, scorer: Scorer,
              index: OpenPostingIndex, k: int = 10, factor: float = DEFAULT_FACTOR) -> RankedLists:
    batch = index.get(session, today=today)
    position = {int(pid): i for i, pid in enumerate(batch.posting_ids)}
    workers = session.scalars(select(Worker).where(Worker.id.in_(worker_ids)).order_by(Worker.id)).all()
    profiles = worker_profiles(session, workers, as_of=today)
    lists: list[tuple[np.ndarray, np.ndarray]] = []
    for profile in profiles:
        results = rank_postings_for_worker(profile, batch, scorer.score, today, CANDIDATES,
                                           reference=scorer.reference, top_k_reasons=0,
                                           shortlist=None if scorer.name == "heuristic" else 500)
        idx = np.array([position[r.posting_id] for r in results], dtype=np.int64)
        p = (np.asarray(scorer.probability(np.array([r.model_score for r in results])), dtype=np.float64)
             if results else np.zeros(0))
        lists.append((idx, np.clip(p, 1e-6, 1.0)))
    openings = batch.openings_left.astype(np.int64)
    pending = pending_applications(session, batch.posting_ids)
    out = RankedLists()
    out.congestion = {}
    if not lists:
        return out
    chosen = capacity_aware_top_k(lists, openings, pending, k, factor=factor)
    before = congestion_report(*independent_top_k(lists, k, len(openings)).pairs(), openings)
    after = congestion_report(*chosen.pairs(), openings)
    for profile, postings, scores in zip(profiles, chosen.postings, chosen.scores):
        out[profile.worker_id] = [(int(batch.posting_ids[j]), float(s)) for j, s in zip(postings, scores)]
    out.congestion = {
        "ranker": scorer.name,
        "before_gini_per_opening": round(before.gini_per_opening, 4),
        "after_gini_per_opening": round(after.gini_per_opening, 4),
        "before_max_per_opening": round(before.max_per_opening, 2),
        "after_max_per_opening": round(after.max_per_opening, 2),
        "before_share_postings_without_candidate": round(before.share_without_candidate, 4),
        "after_share_postings_without_candidate": round(after.share_without_candidate, 4),
        "before_expected_lasting": round(before.expected_lasting_placements, 2),
        "after_expected_lasting": round(after.expected_lasting_placements, 2),
    }
    return out


def recommendation_counts(lists: RankedLists) -> Counter:
    """How many workers each posting was recommended to."""
    return Counter(p for items in lists.values() for p, _ in items)
