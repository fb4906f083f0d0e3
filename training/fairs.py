"""The matching engine inside one job fair: ranked lists and the interview plan.

Ranks with the same engine and explanations as everywhere else (``matching.rank`` with
the active scorer); the plan maximises expected lasting placements with
``matching.allocation.plan_interviews`` on P(hired | interviewed) × P(lasting | hired) of
the allowed pairs (``training.probabilities``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy.orm import Session

from matching.allocation import plan_interviews
from matching.batches import PostingBatch, WorkerBatch
from matching.congestion import CongestionReport, congestion_report
from matching.constraints import pair_constraints
from matching.explain import contributions, reference_vector, top_reasons
from matching.features import pair_features
from matching.rank import MatchResult, rank_postings_for_worker, rank_workers_for_posting
from models.fairs import service as fair_service
from models.fairs.tables import Fair, FairInterview, FairPlan
from models.postings.tables import Posting
from models.workers.tables import Worker
from training.competition import ApplicationTimeline
from training.loading import employer_retention, posting_profile, worker_profiles
from training.scoring import Scorer

DEFAULT_LIMIT = 3
"""Interviews per attendee when the operator gives no limit."""


def fair_posting_batch(session: Session, postings: list[Posting], *, today: date) -> PostingBatch:
    return PostingBatch.from_profiles([posting_profile(p) for p in postings],
                                      employer_retention(session, as_of=today))


def rank_fair_postings(session: Session, fair: Fair, worker: Worker, scorer: Scorer, *,
                       today: date, limit: int) -> list[MatchResult]:
    """The fair's postings for one attendee, best first, with reasons."""
    postings = [p for _, p in fair_service.postings_of(session, fair.id)]
    if not postings:
        return []
    batch = fair_posting_batch(session, postings, today=today)
    profile = worker_profiles(session, [worker], as_of=today)[0]
    return rank_postings_for_worker(profile, batch, scorer.score, today, limit,
                                    reference=scorer.reference)


def rank_fair_attendees(session: Session, fair: Fair, posting: Posting, scorer: Scorer, *,
                        today: date, limit: int, priority_weight: float) -> list[MatchResult]:
    """The fair's attendees for one posting, best first, with reasons (priority bonus incl.)."""
    workers = [w for _, w in fair_service.attendees_of(session, fair.id)]
    if not workers:
        return []
    return rank_workers_for_posting(posting_profile(posting), worker_profiles(session, workers, as_of=today),
                                    scorer.score, today, limit, priority_weight=priority_weight,
                                    retention=employer_retention(session, as_of=today),
                                    reference=scorer.reference)


@dataclass(frozen=True)
class ComputedPlan:
    interviews: list[fair_service.PlannedInterview]
    status: str
    expected: float
    detail: dict


def compute_plan(session: Session, fair: Fair, scorer: Scorer, *, today: date, limit: int) -> ComputedPlan:
    """Plan interviews for the checked-in attendees at the fair's postings."""
    rows = fair_service.postings_of(session, fair.id)
    workers = [w for _, w in fair_service.attendees_of(session, fair.id)]
    postings = [p for _, p in rows]
    openings = np.array([p.openings_left for p in postings], dtype=np.int64)
    slots = np.array([fp.slots for fp, _ in rows], dtype=np.int64)
    detail = {"attendees": len(workers), "allowed_pairs": 0,
              "postings": {str(p.id): {"openings_left": int(o), "slots": int(s)}
                           for p, o, s in zip(postings, openings, slots)}}
    if not workers or not postings:
        return ComputedPlan([], "optimal", 0.0, detail)
    batch = fair_posting_batch(session, postings, today=today)
    people = WorkerBatch.from_profiles(worker_profiles(session, workers, as_of=today), batch)
    wi = np.repeat(np.arange(len(people)), len(batch))
    pi = np.tile(np.arange(len(batch)), len(people))
    allowed = pair_constraints(people, batch, wi, pi, today).mask
    wi, pi = wi[allowed], pi[allowed]
    detail["allowed_pairs"] = int(len(wi))
    if len(wi) == 0:
        return ComputedPlan([], "optimal", 0.0, detail)
    X = pair_features(people, batch, wi, pi, today)
    competition = None
    if scorer.outcomes is not None and scorer.outcomes.needs_competition:
        # the applications competing for each posting today, as training read them for its pairs
        ids = np.array([p.id for p in postings], dtype=np.int64)
        competition = ApplicationTimeline.load(session, ids.tolist()).competition(
            ids[pi], np.full(len(pi), today.toordinal()), X)
    p_hired, p_lasting = scorer.hire_probability(X, competition), scorer.lasting_probability(X)
    if p_hired is not None and p_lasting is not None:
        # An interview ends in a lasting placement if it is a hire and the hire lasts.
        p = np.clip(p_hired * p_lasting, 0.0, 1.0)
    else:  # the heuristic: a score in 0..1, not a probability (printouts show none)
        p = np.clip(np.asarray(scorer.probability(scorer.score(X)), dtype=float), 0.0, 1.0)
    plan = plan_interviews((wi, pi, p), openings, slots, limit, n_attendees=len(people))
    row_of = {(int(a), int(j)): k for k, (a, j) in enumerate(zip(wi, pi))}
    chosen = np.array([row_of[(int(a), int(j))] for a, j in zip(plan.attendee_idx, plan.posting_idx)],
                      dtype=np.int64)
    reasons: list[list[dict]] = []
    if len(chosen):
        # Explained against the fair's typical pair (or the model's stored reference), the
        # same way the ranked lists explain themselves.
        ref = reference_vector(X) if scorer.reference is None else scorer.reference
        _, deltas = contributions(scorer.score, X[chosen], ref)
        reasons = top_reasons(deltas, X[chosen], top_k=3)
    def at(values: np.ndarray | None, k: int) -> float | None:
        return None if values is None else float(values[chosen[k]])

    interviews = [fair_service.PlannedInterview(
        worker_id=workers[int(a)].id, posting_id=postings[int(j)].id, p=float(q),
        is_primary=bool(primary), reasons=reasons[k], p_hired=at(p_hired, k), p_lasting=at(p_lasting, k))
        for k, (a, j, q, primary) in enumerate(zip(plan.attendee_idx, plan.posting_idx, plan.p, plan.primary))]
    return ComputedPlan(interviews, plan.status, float(plan.expected_lasting_placements), detail)


def plan_congestion(plan: FairPlan, interviews: list[FairInterview]) -> CongestionReport:
    """Congestion of the stored plan against the openings it was computed with."""
    capacities = plan.detail.get("postings", {})
    index = {int(pid): k for k, pid in enumerate(capacities)}
    openings = np.array([c["openings_left"] for c in capacities.values()], dtype=np.int64)
    kept = [i for i in interviews if i.posting_id in index]
    people = {w: k for k, w in enumerate(sorted({i.worker_id for i in kept}))}
    return congestion_report(
        np.array([people[i.worker_id] for i in kept], dtype=np.int64),
        np.array([index[i.posting_id] for i in kept], dtype=np.int64),
        np.array([i.p for i in kept], dtype=float), openings)
