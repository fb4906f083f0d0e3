"""The engine's top-level API: ranked, explained matches for a worker or a posting.

Hard constraints run first, on every candidate; only pairs that pass are scored, so no
result can violate one. ``score_fn`` is any callable ``X -> scores`` over
:data:`~matching.features.FEATURE_NAMES` columns: :func:`~matching.heuristic.heuristic_scores`
or a trained model's ``predict``.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from matching.batches import PostingBatch, WorkerBatch
from matching.candidates import CandidateIndex, candidate_pairs, chunks_by_pairs
from matching.constraints import AVAILABILITY_HORIZON_DAYS, pair_constraints
from matching.destinations import accepted_tier_bits, district_number
from matching.explain import ScoreFn, contributions, reference_vector, top_reasons
from matching.features import FEATURE_INDEX, pair_features, skill_match
from matching.heuristic import heuristic_scores
from matching.profiles import DESTINATION_TIERS, EmployerRetention, PostingProfile, WorkerProfile

_TIER_COLUMNS = [FEATURE_INDEX[f"tier_{t}"] for t in DESTINATION_TIERS]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """One ranked (worker, posting) pair with what a caseworker needs to judge it."""

    worker_id: int
    posting_id: int
    score: float
    """Ranking score: ``model_score + priority_bonus``."""
    model_score: float
    priority_bonus: float
    matched_skills: tuple[str, ...]
    missing_skills: tuple[str, ...]
    wage_min: int
    wage_max: int
    expected_wage: int
    wage_ratio: float
    """Mid wage / expected wage."""
    destination_tier: str
    paired: bool
    """The job is in a Beijing district paired (结对) with the worker's county."""
    provides_dormitory: bool
    needs_dormitory: bool
    reasons: tuple[dict[str, object], ...]


def _priority_reason(weight: float) -> dict[str, object]:
    return {"feature": "priority_group", "delta": float(weight),
            "text_zh": f"脱贫人口/防返贫监测对象优先（政策加分 +{weight:.3f}）",
            "text_en": f"priority group: lifted out of poverty or monitored (policy +{weight:.3f})"}


def _reasons(score_fn: ScoreFn, X: np.ndarray, order: np.ndarray, reference: np.ndarray | None,
             top_k: int) -> list[list[dict[str, object]]]:
    """The top reasons of the returned rows; none asked for, none computed (the nightly
    refresh ranks every worker and shows no reasons: the perturbed rows would cost
    ``n_features`` extra scorings per result)."""
    if top_k <= 0:
        return [[] for _ in order]
    ref = reference_vector(X) if reference is None else np.asarray(reference)
    _, deltas = contributions(score_fn, X[order], ref)
    return top_reasons(deltas, X[order], top_k=top_k)


def _results(workers: WorkerBatch, postings: PostingBatch, wi: np.ndarray, pi: np.ndarray,
             X: np.ndarray, scores: np.ndarray, bonus: np.ndarray, score_fn: ScoreFn, limit: int,
             reference: np.ndarray | None, top_k_reasons: int) -> list[MatchResult]:
    total = scores + bonus
    # ties: lower ids first, so equal scores always come back in the same order
    order = np.lexsort((workers.worker_ids[wi], postings.posting_ids[pi], -total))[:max(limit, 0)]
    if len(order) == 0:
        return []
    reasons = _reasons(score_fn, X, order, reference, top_k_reasons)
    out = []
    for rank, k in enumerate(order):
        worker, posting = workers.workers[wi[k]], postings.postings[pi[k]]
        matched, missing = skill_match(worker, posting)
        tier = DESTINATION_TIERS[int(np.argmax(X[k, _TIER_COLUMNS]))]
        why = ([_priority_reason(bonus[k])] if bonus[k] > 0 else []) + reasons[rank]
        out.append(MatchResult(
            worker_id=worker.worker_id, posting_id=posting.posting_id, score=float(total[k]),
            model_score=float(scores[k]), priority_bonus=float(bonus[k]),
            matched_skills=matched, missing_skills=missing,
            wage_min=posting.wage_min, wage_max=posting.wage_max,
            expected_wage=worker.expected_monthly_wage,
            wage_ratio=(posting.wage_min + posting.wage_max) / 2 / max(worker.expected_monthly_wage, 1),
            destination_tier=tier, paired=tier == "paired_beijing",
            provides_dormitory=posting.provides_dormitory, needs_dormitory=worker.needs_dormitory,
            reasons=tuple(why)))
    return out


def rank_postings_for_worker(worker: WorkerProfile, batch: PostingBatch, score_fn: ScoreFn,
                             today: date, limit: int = 20, *,
                             occupations: Collection[str] | None = None,
                             districts: Collection[str] | None = None,
                             tiers: Collection[str] | None = None,
                             min_wage: int | None = None,
                             horizon_days: int = AVAILABILITY_HORIZON_DAYS,
                             reference: np.ndarray | None = None,
                             top_k_reasons: int = 3,
                             shortlist: int | None = None) -> list[MatchResult]:
    """Best ``limit`` postings for one worker, best first.

    Optional filters narrow the candidates further: ``occupations`` (codes), ``districts``
    (workplace codes), ``tiers``
    (destination tiers) and ``min_wage`` (wage_max at least this many yuan). ``reference``
    is the typical feature vector for explanations (default: median over candidates).

    ``shortlist`` (candidate generation, 召回): when set, only the ``shortlist`` eligible
    postings with the best heuristic score are passed to ``score_fn``. Use it with slow
    scorers (a tree ensemble scores ~25,000 rows/ms·core at best; 6,000 eligible postings
    would take ~15 ms); a posting outside the heuristic's shortlist cannot be returned.
    """
    workers = WorkerBatch.from_profiles([worker], batch)
    allowed = pair_constraints(workers, batch, np.zeros(len(batch), dtype=np.int64),
                               np.arange(len(batch)), today, horizon_days=horizon_days).mask
    if occupations is not None:
        codes = [batch.occupation_index[c] for c in occupations if c in batch.occupation_index]
        allowed &= np.isin(batch.occupation, codes)
    if districts is not None:
        allowed &= np.isin(batch.district, [district_number(c) for c in districts])
    if min_wage is not None:
        allowed &= batch.wage_max >= min_wage
    pi = np.flatnonzero(allowed)
    wi = np.zeros(len(pi), dtype=np.int64)
    X = pair_features(workers, batch, wi, pi, today)
    if tiers is not None:
        keep = np.isin(np.argmax(X[:, _TIER_COLUMNS], axis=1), [DESTINATION_TIERS.index(t) for t in tiers])
        pi, wi, X = pi[keep], wi[keep], X[keep]
    if len(pi) == 0:
        return []
    # The default reference is the median over every eligible posting, before the shortlist.
    ref = reference_vector(X) if reference is None and top_k_reasons > 0 else reference
    if shortlist is not None and len(pi) > shortlist:
        keep = np.sort(np.argpartition(-heuristic_scores(X), shortlist - 1)[:shortlist])
        pi, wi, X = pi[keep], wi[keep], X[keep]
    scores = np.asarray(score_fn(X), dtype=np.float64)
    return _results(workers, batch, wi, pi, X, scores, np.zeros(len(pi)), score_fn, limit,
                    ref, top_k_reasons)


def rank_workers_for_posting(posting: PostingProfile, workers: Sequence[WorkerProfile],
                             score_fn: ScoreFn, today: date, limit: int = 20, *,
                             priority_weight: float,
                             retention: Mapping[int, EmployerRetention] | None = None,
                             horizon_days: int = AVAILABILITY_HORIZON_DAYS,
                             reference: np.ndarray | None = None,
                             top_k_reasons: int = 3) -> list[MatchResult]:
    """Best ``limit`` eligible workers for one posting, best first.

    Workers in a priority group (``matching.profiles.PRIORITY_STATUSES``) get
    ``priority_weight`` added to their score — a policy bonus the administrator sets
    (``POVERTY_PRIORITY_WEIGHT``; 0 disables it) — listed first among their reasons.
    """
    postings = PostingBatch.from_profiles([posting], retention)
    batch = WorkerBatch.from_profiles(workers, postings)
    wi = np.flatnonzero(pair_constraints(batch, postings, np.arange(len(batch)),
                                         np.zeros(len(batch), dtype=np.int64), today,
                                         horizon_days=horizon_days).mask)
    if len(wi) == 0:
        return []
    pi = np.zeros(len(wi), dtype=np.int64)
    X = pair_features(batch, postings, wi, pi, today)
    scores = np.asarray(score_fn(X), dtype=np.float64)
    bonus = np.where(batch.priority[wi], float(priority_weight), 0.0)
    return _results(batch, postings, wi, pi, X, scores, bonus, score_fn, limit,
                    reference, top_k_reasons)


@dataclass(frozen=True, slots=True, eq=False)
class RankedLists:
    """Each worker's best postings as flat arrays: worker ``i``'s are
    ``posting_idx[indptr[i]:indptr[i + 1]]`` (best first, ties by posting id)."""

    indptr: np.ndarray
    posting_idx: np.ndarray
    model_score: np.ndarray

    def of(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        return (self.posting_idx[self.indptr[i]:self.indptr[i + 1]],
                self.model_score[self.indptr[i]:self.indptr[i + 1]])


def _group_starts(group: np.ndarray, n: int) -> np.ndarray:
    return np.searchsorted(group, np.arange(n + 1))


def _at_least_kth(scores: np.ndarray, starts: np.ndarray, k: int) -> np.ndarray:
    """Mask of the pairs scoring at least their group's ``k``-th best (every pair of a group
    of at most ``k``; ties at the threshold kept), so the full ordering sorts only those
    instead of every candidate pair: the same top ``k`` under any tie-break."""
    keep = np.ones(len(scores), dtype=bool)
    if np.isnan(scores).any():  # the ordering puts NaN last, a partition first: keep every pair
        return keep
    sizes = np.diff(starts)
    for i in np.flatnonzero(sizes > k).tolist():
        a, b = int(starts[i]), int(starts[i + 1])
        group = scores[a:b]
        keep[a:b] = group >= np.partition(group, b - a - k)[b - a - k]
    return keep


def top_postings_for_workers(workers: Sequence[WorkerProfile], batch: PostingBatch, score_fn: ScoreFn,
                             today: date, limit: int, *, index: CandidateIndex | None = None, shortlist: int | None = None,
                             max_pairs: int = 400_000,
                             horizon_days: int = AVAILABILITY_HORIZON_DAYS) -> RankedLists:
    """``rank_postings_for_worker`` for many workers at once, without reasons or filters.

    The same lists as calling it per worker (same hard constraints, same heuristic
    shortlist, same order), but candidates come from the blocks of a
    :class:`matching.candidates.CandidateIndex` and features and scores are computed for
    up to ``max_pairs`` pairs per call instead of one worker at a time.
    """
    index = CandidateIndex.build(batch, today) if index is None else index
    workers = tuple(workers)
    bits = np.array([accepted_tier_bits(w.destinations) for w in workers], dtype=np.int64)
    county = np.array([district_number(w.county_code) for w in workers], dtype=np.int64)
    counts = np.zeros(len(workers), dtype=np.int64)
    out_p: list[np.ndarray] = []
    out_s: list[np.ndarray] = []
    for part in chunks_by_pairs(index.block_sizes(bits, county), max_pairs):
        sub = WorkerBatch.from_profiles(workers[part], batch)
        pairs = candidate_pairs(sub, batch, index, today, horizon_days=horizon_days)
        wi, pi = pairs.worker_idx, pairs.posting_idx
        if len(wi) == 0:
            continue
        X = pair_features(sub, batch, wi, pi, today)
        bounds = _group_starts(wi, len(sub))
        if shortlist is not None:
            keep = np.ones(len(wi), dtype=bool)
            for i in np.flatnonzero(np.diff(bounds) > shortlist).tolist():
                a, b = int(bounds[i]), int(bounds[i + 1])
                chosen = np.argpartition(-heuristic_scores(X[a:b]), shortlist - 1)[:shortlist]
                mask = np.zeros(b - a, dtype=bool)
                mask[chosen] = True
                keep[a:b] = mask
            wi, pi, X = wi[keep], pi[keep], X[keep]
        scores = np.asarray(score_fn(X), dtype=np.float64)
        best = _at_least_kth(scores, _group_starts(wi, len(sub)), limit)
        wi, pi, scores = wi[best], pi[best], scores[best]
        order = np.lexsort((batch.posting_ids[pi], -scores, wi))
        wi, pi, scores = wi[order], pi[order], scores[order]
        starts = _group_starts(wi, len(sub))
        top = (np.arange(len(wi)) - starts[wi]) < limit
        counts[part] = np.bincount(wi[top], minlength=len(sub))
        out_p.append(pi[top])
        out_s.append(scores[top])
    indptr = np.r_[0, np.cumsum(counts)]
    return RankedLists(indptr, np.concatenate(out_p) if out_p else np.zeros(0, dtype=np.int64),
                       np.concatenate(out_s) if out_s else np.zeros(0))
