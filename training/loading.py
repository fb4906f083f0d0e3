"""Load the engine's inputs from the database: ORM rows → matching profiles (matching.profiles).

The only place where ORM rows become ``WorkerProfile``/``PostingProfile``: the API, the
scheduler and training all go through here, so they rank exactly the same inputs.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.profiles import (EmployerRetention, PostingProfile, SkillRequirement, WorkerProfile,
                               WorkerSkill)
from models.placements.tables import Application, Placement, Recommendation
from models.postings.tables import Posting
from models.rankers.tables import ModelEmployerEffect, ModelVersion
from models.reference.regions import Pairing
from models.workers.tables import Worker

RETENTION_DAYS = 90


def paired_districts(session: Session, day: date | None = None) -> dict[str, tuple[str, ...]]:
    """County code → Beijing districts paired with it (on ``day`` when given)."""
    out: dict[str, list[str]] = defaultdict(list)
    for pairing in session.scalars(select(Pairing).order_by(Pairing.district_code)):
        if day is None or pairing.active_on(day):
            out[pairing.county_code].append(pairing.district_code)
    return {k: tuple(v) for k, v in out.items()}


def combined_experience(declared: Iterable[dict] | None, recorded: dict[str, int] | None) -> dict[str, int]:
    """Months per occupation the engine counts: the declared years (从业经历, × 12) and the
    months recorded as placements, whichever is more — a clerk's declaration usually covers
    the jobs the service recorded too, so adding them would count those twice."""
    months = dict(recorded or {})
    for entry in declared or ():
        code, stated = entry["occupation_code"], int(round(float(entry["years"]) * 12))
        months[code] = max(months.get(code, 0), stated)
    return months


def worker_profile(worker: Worker, paired: dict[str, tuple[str, ...]],
                   experience: dict[str, int] | None = None) -> WorkerProfile:
    """The engine's view of a worker. One whose profile is incomplete (``profile_complete``) or
    erased is ``inactive`` to the engine, so no path ranks her; its empty fields get neutral
    placeholders only so that the profile can be built."""
    ready = worker.erased_at is None and worker.profile_complete is not False
    return WorkerProfile(
        worker_id=worker.id, county_code=worker.county_code,
        birth_date=worker.birth_date or date(1900, 1, 1), poverty_status=worker.poverty_status or "none",
        languages=tuple(worker.languages or ()), education=worker.education or "none",
        skills=tuple(WorkerSkill(s["code"], int(s.get("level", 1)), bool(s.get("certified")))
                     for s in worker.skills or ()),
        preferred_occupations=tuple(worker.preferred_occupations or ()),
        destinations=tuple(worker.destinations or ()),
        expected_monthly_wage=worker.expected_monthly_wage or 0, needs_dormitory=worker.needs_dormitory,
        available_from=worker.available_from, status=worker.status if ready else "inactive",
        paired_districts=paired.get(worker.county_code, ()),
        experience_months=combined_experience(worker.work_experience, experience),
    )


def posting_profile(posting: Posting) -> PostingProfile:
    return PostingProfile(
        posting_id=posting.id, employer_id=posting.employer_id,
        occupation_code=posting.occupation_code, district_code=posting.district_code,
        openings=posting.openings, openings_left=posting.openings_left,
        wage_min=posting.wage_min, wage_max=posting.wage_max,
        provides_dormitory=posting.provides_dormitory, provides_meals=posting.provides_meals,
        social_insurance=posting.social_insurance, age_min=posting.age_min, age_max=posting.age_max,
        education_min=posting.education_min,
        required_skills=tuple(SkillRequirement(r["code"], int(r.get("min_level", 1)),
                                               bool(r.get("certificate_required")))
                              for r in posting.required_skills or ()),
        preferred_skills=tuple(posting.preferred_skills or ()), languages=tuple(posting.languages or ()),
        contract_months=posting.contract_months, start_date=posting.start_date,
        expires_on=posting.expires_on, status=posting.status,
        created_on=posting.created_at.date() if posting.created_at else None,
    )


Spell = tuple[str, date, date | None]
"""A placement as (occupation code, start, end or None while it lasts)."""


def work_spells(session: Session, worker_ids: Iterable[int], *, as_of: date) -> dict[int, list[Spell]]:
    """Each worker's placements in a posting started before ``as_of``."""
    ids = list(worker_ids)
    out: dict[int, list[Spell]] = defaultdict(list)
    for start in range(0, len(ids), 2000):
        rows = session.execute(
            select(Placement.worker_id, Posting.occupation_code, Placement.start_date, Placement.end_date)
            .join(Posting, Posting.id == Placement.posting_id)
            .where(Placement.worker_id.in_(ids[start:start + 2000]), Placement.start_date < as_of))
        for worker_id, occupation, begun, end in rows:
            out[worker_id].append((occupation, begun, end))
    return out


def months_worked(spells: Iterable[Spell], *, as_of: date) -> dict[str, int]:
    """Months worked per occupation before ``as_of`` (a spell still running counts up to it)."""
    out: dict[str, int] = {}
    for occupation, start, end in spells:
        if start < as_of:
            months = max(0, (min(end or as_of, as_of) - start).days // 30)
            out[occupation] = out.get(occupation, 0) + months
    return out


def experience(session: Session, worker_ids: Iterable[int], *, as_of: date) -> dict[int, dict[str, int]]:
    """Months each worker has worked per occupation, from placements started before ``as_of``."""
    return {w: months_worked(s, as_of=as_of) for w, s in work_spells(session, worker_ids, as_of=as_of).items()}


INTEREST_LAG_DAYS = 21
"""A worker shown a posting applies, if at all, within three weeks: an employer's application
rate on a day counts the times its postings were shown until three weeks before, and the
applications until the day before."""


def shown_before(as_of: date) -> datetime:
    return datetime.combine(as_of - timedelta(days=INTEREST_LAG_DAYS), time.min, tzinfo=timezone.utc)


def applied_before(as_of: date) -> datetime:
    return datetime.combine(as_of, time.min, tzinfo=timezone.utc)


def model_effects(session: Session, model_version_id: int | None = None) -> dict[int, tuple[float, float]]:
    """Employer → (response effect, lasting effect) of a model version (default: the active one)."""
    version = (model_version_id if model_version_id is not None else
               select(ModelVersion.id).where(ModelVersion.status == "active").scalar_subquery())
    rows = session.execute(select(ModelEmployerEffect.employer_id, ModelEmployerEffect.response_effect,
                                  ModelEmployerEffect.lasting_effect)
                           .where(ModelEmployerEffect.model_version_id == version))
    return {e: (r, k) for e, r, k in rows}


def employer_retention(session: Session, *, as_of: date,
                       model_version_id: int | None = None) -> dict[int, EmployerRetention]:
    """Hires old enough to judge (started ≥ 90 days before ``as_of``) and those that lasted;
    times the employer's postings were shown and the applications they drew
    (``INTEREST_LAG_DAYS``); the employer effects of a model version (default: the active
    one, which ranks; ``model_effects``)."""
    shown = dict(session.execute(
        select(Posting.employer_id, func.count()).select_from(Recommendation)
        .join(Posting, Posting.id == Recommendation.posting_id)
        .where(Recommendation.created_at < shown_before(as_of)).group_by(Posting.employer_id)).all())
    applied = dict(session.execute(
        select(Posting.employer_id, func.count()).select_from(Application)
        .join(Posting, Posting.id == Application.posting_id)
        .where(Application.created_at < applied_before(as_of)).group_by(Posting.employer_id)).all())
    cutoff = as_of - timedelta(days=RETENTION_DAYS)
    hires: dict[int, int] = defaultdict(int)
    kept: dict[int, int] = defaultdict(int)
    rows = session.execute(
        select(Placement.employer_id, Placement.start_date, Placement.end_date)
        .where(Placement.employer_id.is_not(None), Placement.start_date <= cutoff)
    )
    for employer_id, start, end in rows:
        hires[employer_id] += 1
        kept[employer_id] += end is None or (end - start).days >= RETENTION_DAYS
    effects = model_effects(session, model_version_id)
    return {e: EmployerRetention(e, hires.get(e, 0), kept.get(e, 0), shown.get(e, 0), applied.get(e, 0),
                                 *effects.get(e, (0.0, 0.0)))
            for e in hires.keys() | shown.keys() | applied.keys() | effects.keys()}


@dataclass(frozen=True)
class EmployerActivity:
    """An employer's whole history as arrays, to know it as of any day (training pairs):
    rows of (employer, start ordinal, lasted 90 days) per placement; rows of (employer, UTC
    day ordinal, count) of the times its postings were shown and of their applications (a
    few rows per employer and day, however many million events)."""

    placements: np.ndarray
    shown: np.ndarray
    applied: np.ndarray

    def as_of(self, day: date) -> dict[int, EmployerRetention]:
        """What :func:`employer_retention` would have answered on ``day``."""
        known = self.placements[self.placements[:, 1] <= (day - timedelta(days=RETENTION_DAYS)).toordinal()]
        hires = np.bincount(known[:, 0], minlength=1) if len(known) else np.zeros(1, np.int64)
        kept = np.bincount(known[:, 0], weights=known[:, 2], minlength=len(hires)) if len(known) else hires
        shown = self._counts(self.shown, shown_before(day).date().toordinal())
        applied = self._counts(self.applied, applied_before(day).date().toordinal())
        out: dict[int, EmployerRetention] = {}
        for e in set(np.flatnonzero(hires).tolist()) | shown.keys() | applied.keys():
            h = int(hires[e]) if e < len(hires) else 0
            k = int(kept[e]) if e < len(kept) else 0
            out[e] = EmployerRetention(e, h, k, shown.get(e, 0), applied.get(e, 0))
        return out

    @staticmethod
    def _counts(daily: np.ndarray, before: int) -> dict[int, int]:
        rows = daily[daily[:, 1] < before]
        if not len(rows):
            return {}
        found, inverse = np.unique(rows[:, 0], return_inverse=True)
        return dict(zip(found.tolist(), np.bincount(inverse, weights=rows[:, 2]).astype(np.int64).tolist()))


def employer_activity(session: Session, *, batch: int = 200_000) -> EmployerActivity:
    """Read every placement, time shown and application once (streamed in ``batch`` rows)."""
    employer_of = dict(session.execute(select(Posting.id, Posting.employer_id)).all())
    placements = [(e, start.toordinal(), end is None or (end - start).days >= RETENTION_DAYS)
                  for e, start, end in session.execute(select(Placement.employer_id, Placement.start_date,
                                                              Placement.end_date)
                                                       .where(Placement.employer_id.is_not(None)))]

    def daily(table) -> np.ndarray:  # noqa: ANN001 - a mapped class
        """(employer, UTC day, count) rows of ``table``'s events, chunk by chunk."""
        counts: dict[tuple[int, int], int] = defaultdict(int)
        rows = session.execute(select(table.posting_id, table.created_at).execution_options(yield_per=batch))
        for chunk in rows.partitions(batch):
            keys = np.fromiter((employer_of.get(p, -1) * 1_000_000 + at.astimezone(timezone.utc).date().toordinal()
                                for p, at in chunk), np.int64, len(chunk))
            found, n = np.unique(keys[keys >= 0], return_counts=True)
            for key, c in zip(found.tolist(), n.tolist()):
                counts[key] += c
        out = np.array([(k // 1_000_000, k % 1_000_000, c) for k, c in counts.items()], dtype=np.int64)
        return out.reshape(-1, 3)

    return EmployerActivity(np.array(placements, dtype=np.int64).reshape(-1, 3),
                            daily(Recommendation), daily(Application))


@dataclass(frozen=True, slots=True)
class PostingListing:
    """What a ranked list shows of a posting beside its match (title, employer, wages), taken
    from the same row as its profile so an answer never needs the row fetched twice."""

    id: int
    title: str
    employer_id: int
    employer_name: str
    occupation_code: str
    district_code: str
    wage_min: int
    wage_max: int
    openings_left: int
    provides_dormitory: bool
    status: str


def posting_listing(posting: Posting) -> PostingListing:
    return PostingListing(
        id=posting.id, title=posting.title, employer_id=posting.employer_id, employer_name=posting.employer.name,
        occupation_code=posting.occupation_code, district_code=posting.district_code,
        wage_min=posting.wage_min, wage_max=posting.wage_max, openings_left=posting.openings_left,
        provides_dormitory=posting.provides_dormitory, status=posting.status)


def open_postings(session: Session, *, today: date) -> list[Posting]:
    """Postings a worker can be sent to today (open, openings left, not expired), by id."""
    return list(session.scalars(select(Posting).where(
        Posting.status == "open", Posting.openings_left > 0, Posting.expires_on >= today).order_by(Posting.id)))


def worker_profiles(session: Session, workers: Sequence[Worker], *, as_of: date) -> list[WorkerProfile]:
    paired = paired_districts(session)
    exp = experience(session, [w.id for w in workers], as_of=as_of)
    return [worker_profile(w, paired, exp.get(w.id)) for w in workers]
