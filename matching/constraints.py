"""Hard constraints (硬性条件): a pair that fails any of them is never shown.

Soft preferences (wage, skills held below the required level, dormitory, …) are features
and only move the score. Every check is vectorised over pairs and recorded as one bit of a
per-pair reason mask, so the service can say why a posting was excluded.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from matching.batches import PostingBatch, WorkerBatch, expand_rows, gather, lookup
from matching.destinations import destination_tier, is_destination_acceptable, pair_tiers
from matching.profiles import MIN_WORKING_AGE, STATUTORY_MAX_AGE, PostingProfile, WorkerProfile, age_on

AVAILABILITY_HORIZON_DAYS = 30
"""A seeking worker counts as available when ``available_from <= today + 30 days``: jobs
are usually posted a few weeks before they start, and a referral takes that long."""

EXCLUSION_REASONS: tuple[str, ...] = (
    "posting_not_open",
    "no_openings_left",
    "posting_expired",
    "worker_not_seeking",
    "worker_not_available",
    "age_outside_posting_range",
    "age_outside_statutory_range",
    "certificate_missing",
    "destination_not_accepted",
    "language_missing",
)
"""Bit ``i`` of a reason mask is ``EXCLUSION_REASONS[i]``."""
REASON_BIT: dict[str, int] = {name: 1 << i for i, name in enumerate(EXCLUSION_REASONS)}


@dataclass(frozen=True, slots=True, eq=False)
class ConstraintResult:
    """Per-pair outcome: ``reasons[k] == 0`` exactly when pair ``k`` is allowed."""

    reasons: np.ndarray

    @property
    def mask(self) -> np.ndarray:
        """Boolean mask of pairs that pass every hard constraint."""
        return self.reasons == 0

    def reasons_for(self, k: int) -> tuple[str, ...]:
        """Names of the constraints pair ``k`` fails (empty when allowed)."""
        return reason_names(int(self.reasons[k]))


def reason_names(bits: int) -> tuple[str, ...]:
    """Decode a reason mask into constraint names."""
    return tuple(name for name, bit in REASON_BIT.items() if bits & bit)


def pair_constraints(workers: WorkerBatch, postings: PostingBatch, worker_idx: np.ndarray,
                     posting_idx: np.ndarray, today: date, *,
                     horizon_days: int = AVAILABILITY_HORIZON_DAYS) -> ConstraintResult:
    """Check every hard constraint for pairs ``(worker_idx[k], posting_idx[k])``."""
    wi = np.asarray(worker_idx, dtype=np.int64)
    pi = np.asarray(posting_idx, dtype=np.int64)
    n = len(wi)
    n_s = max(len(postings.skill_codes), 1)
    n_l = max(len(postings.language_codes), 1)
    t = today.toordinal()
    age = workers.ages(today)[wi]
    checks = {
        "posting_not_open": ~postings.is_open[pi],
        "no_openings_left": postings.openings_left[pi] <= 0,
        "posting_expired": postings.expires_ord[pi] < t,
        "worker_not_seeking": ~workers.seeking[wi],
        "worker_not_available": workers.available_ord[wi] > t + horizon_days,
        "age_outside_posting_range": (age < postings.age_min[pi]) | (age > postings.age_max[pi]),
        "age_outside_statutory_range": (age < MIN_WORKING_AGE) | (age > STATUTORY_MAX_AGE),
    }
    cert = postings.certificate
    pos, entry = expand_rows(cert.indptr, pi)
    lacking = ~gather(workers.skill_keys, workers.skill_certified, wi[pos] * n_s + cert.indices[entry], False)
    checks["certificate_missing"] = np.bincount(pos[lacking], minlength=n) > 0

    tiers = pair_tiers(postings.district[pi], workers.county[wi], wi, workers.paired_keys)
    checks["destination_not_accepted"] = ((workers.accepted_tiers[wi].astype(np.int64) >> tiers) & 1) == 0

    langs = postings.languages
    pos, entry = expand_rows(langs.indptr, pi)
    found, _ = lookup(workers.language_keys, wi[pos] * n_l + langs.indices[entry])
    checks["language_missing"] = np.bincount(pos[~found], minlength=n) > 0

    reasons = np.zeros(n, dtype=np.int32)
    for name, failed in checks.items():
        reasons |= np.where(failed, REASON_BIT[name], 0).astype(np.int32)
    return ConstraintResult(reasons=reasons)


def check_postings_for_worker(worker: WorkerProfile, postings: PostingBatch, today: date, *,
                              horizon_days: int = AVAILABILITY_HORIZON_DAYS) -> ConstraintResult:
    """Hard constraints of one worker against every posting of the batch."""
    workers = WorkerBatch.from_profiles([worker], postings)
    return pair_constraints(workers, postings, np.zeros(len(postings), dtype=np.int64),
                            np.arange(len(postings)), today, horizon_days=horizon_days)


def check_workers_for_posting(posting: PostingProfile, workers: Sequence[WorkerProfile], today: date,
                              *, horizon_days: int = AVAILABILITY_HORIZON_DAYS) -> ConstraintResult:
    """Hard constraints of many workers against one posting."""
    postings = PostingBatch.from_profiles([posting])
    batch = WorkerBatch.from_profiles(workers, postings)
    return pair_constraints(batch, postings, np.arange(len(batch)),
                            np.zeros(len(batch), dtype=np.int64), today, horizon_days=horizon_days)


def violated_constraints(worker: WorkerProfile, posting: PostingProfile, today: date, *,
                         horizon_days: int = AVAILABILITY_HORIZON_DAYS) -> tuple[str, ...]:
    """Names of the hard constraints one pair fails — a plain reference implementation
    written without arrays, used to cross-check the vectorised one."""
    t = today
    age = age_on(worker.birth_date, t)
    certified = {s.code for s in worker.skills if s.certified}
    tier = destination_tier(posting.district_code, worker.county_code, worker.paired_districts)
    failed = {
        "posting_not_open": posting.status != "open",
        "no_openings_left": posting.openings_left <= 0,
        "posting_expired": posting.expires_on < t,
        "worker_not_seeking": worker.status != "seeking",
        "worker_not_available": worker.available_from > t + timedelta(days=horizon_days),
        "age_outside_posting_range": not posting.age_min <= age <= posting.age_max,
        "age_outside_statutory_range": not MIN_WORKING_AGE <= age <= STATUTORY_MAX_AGE,
        "certificate_missing": any(r.certificate_required and r.code not in certified
                                   for r in posting.required_skills),
        "destination_not_accepted": not is_destination_acceptable(tier, worker.destinations),
        "language_missing": not set(posting.languages) <= set(worker.languages),
    }
    return tuple(name for name in EXCLUSION_REASONS if failed[name])
