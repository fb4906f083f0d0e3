"""Use cases on placements (就业记录): hire, record directly, end, follow up, track.

Hiring takes one opening with ``posting_service.take_opening`` — a conditional UPDATE,
preceded on PostgreSQL by a row lock — so concurrent hires never over-fill a posting.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.db.base import utcnow
from models.errors import Conflict, RuleViolation
from models.postings import service as posting_service
from matching.destinations import destination_group
from models.placements import tracking
from models.placements.tables import END_REASONS, FollowUp, Placement
from models.postings.tables import Posting
from models.workers.tables import Worker

CONTRACT_TYPES = ("fixed_term", "open_ended", "task_based", "dispatch", "none")
BACKDATE_GRACE_DAYS = 30
"""A job recorded up to this many days after it started is ordinary paperwork; earlier starts
are back-dated (reason and verified start required before subsidies)."""
TERMS = ("start_date", "monthly_wage", "contract_type", "contract_months", "social_insurance", "dormitory")


def check_wage(workplace_code: str, terms: dict[str, Any], *, minimum_wage: int, field: str) -> None:
    """Agreed terms respect the Beijing minimum wage (``RuleViolation`` on ``field``)."""
    if "monthly_wage" in terms and (message := posting_service.minimum_wage_error(
            workplace_code, terms["monthly_wage"], minimum_wage=minimum_wage)):
        raise RuleViolation(message, field=field)


def _take_opening(session: Session, posting_id: int) -> None:
    if session.get_bind().dialect.name == "postgresql":
        posting_service.lock_posting(session=session, posting_id=posting_id)
    if not posting_service.take_opening(session=session, posting_id=posting_id):
        raise Conflict("该岗位已无空缺或已关闭 / No opening is left on this posting, or it is not open")


def active_placement(*, session: Session, worker_id: int, today: date) -> Placement | None:
    return session.scalar(select(Placement).where(
        Placement.worker_id == worker_id,
        (Placement.end_date.is_(None)) | (Placement.end_date > today)).limit(1))


UNKNOWN_POVERTY = "unknown"
"""The snapshot of a worker whose roster did not give the household status."""


def _place(session: Session, *, worker: Worker, terms: dict[str, Any], posting: Posting | None,
           workplace_code: str | None, application_id: int | None, today: date,
           employer_name: str | None = None, outside: bool = False) -> Placement:
    if worker.erased_at is not None:
        raise Conflict("该劳动力已删除个人信息 / This worker's personal data was erased")
    if active_placement(session=session, worker_id=worker.id, today=today) is not None:
        raise Conflict("该劳动力已在岗，请先结束现有就业 / The worker is already placed; end that placement first")
    if posting is not None:
        _take_opening(session, posting.id)
        workplace_code = posting.district_code
    assert workplace_code is not None or outside
    placement = Placement(
        application_id=application_id, worker_id=worker.id,
        posting_id=posting.id if posting else None, employer_id=posting.employer_id if posting else None,
        county_code=worker.county_code, poverty_status=worker.poverty_status or UNKNOWN_POVERTY,
        destination=destination_group(workplace_code), workplace_code=workplace_code,
        employer_name=employer_name,
        **{k: terms[k] for k in TERMS if k in terms},
    )
    session.add(placement)
    worker.status = "employed"
    session.flush()
    return placement


def hire(*, session: Session, worker: Worker, posting: Posting, terms: dict[str, Any],
         application_id: int | None, today: date) -> Placement:
    """Place a worker on a posting, taking one opening (``Conflict`` if none is left)."""
    return _place(session, worker=worker, terms=terms, posting=posting, workplace_code=None,
                  application_id=application_id, today=today)


def record_placement(*, session: Session, worker: Worker, terms: dict[str, Any],
                     posting: Posting | None = None, workplace_code: str | None = None,
                     today: date, minimum_wage: int, backdate_reason: str | None = None,
                     grace_days: int = BACKDATE_GRACE_DAYS) -> Placement:
    """A bureau records a job directly: on a posting (takes an opening) or found outside the service.

    A start more than ``grace_days`` before today is a job recorded after the fact: only an
    outside job may be back-dated, only with ``backdate_reason``, and it is flagged until a
    document confirms the start (``verify_start``) — subsidies wait for that check.
    """
    if (posting is None) == (workplace_code is None):
        raise RuleViolation("须提供 posting_id 或 workplace_code 之一 / "
                            "Give exactly one of posting_id and workplace_code", field="posting_id")
    check_wage(posting.district_code if posting else workplace_code, terms,  # type: ignore[arg-type]
               minimum_wage=minimum_wage, field="monthly_wage")
    backdated = terms["start_date"] < today - timedelta(days=grace_days)
    if backdated and posting is not None:
        raise RuleViolation(f"服务内岗位的就业开始日期不能早于 {grace_days} 天前；更早开始的工作请作为服务外就业登记并说明原因 / "
                            f"A job on a posting of the service cannot start more than {grace_days} days ago; "
                            "record an earlier job as found outside the service, with a reason", field="start_date")
    reason = (backdate_reason or "").strip()
    if backdated and not reason:
        raise RuleViolation(f"开始日期早于 {grace_days} 天前，须填写补录原因（将待核验开始日期）/ A start more than "
                            f"{grace_days} days ago needs backdate_reason (the start will await verification)",
                            field="backdate_reason")
    placement = _place(session, worker=worker, terms=terms, posting=posting, workplace_code=workplace_code,
                       application_id=None, today=today)
    if backdated:
        placement.backdate_reason = reason
        session.flush()
    return placement


def check_hire_start(start_date: date, referred_on: date, *, field: str = "placement.start_date") -> None:
    """A hire through the service cannot start before the worker was referred to the job (a
    back-dated hire would unlock subsidies at once): an earlier job is an outside placement."""
    if start_date < referred_on:
        raise RuleViolation(f"录用开始日期不能早于推荐日期 {referred_on.isoformat()}；更早开始的工作由旗县就业部门作为服务外就业补录 / "
                            f"start_date cannot be before the referral on {referred_on.isoformat()}; an earlier "
                            "job is recorded by the bureau as found outside the service", field=field)


def verify_start(*, session: Session, placement: Placement, evidence: str, verified_by: int | None) -> None:
    """The evidence step of a back-dated placement: a document seen confirms the start date."""
    if placement.backdate_reason is None:
        raise Conflict("该就业记录不是补录的，无需核验开始日期 / This placement was not back-dated; its start needs no check")
    if placement.start_verified_at is not None:
        raise Conflict("开始日期已核验 / The start date was already verified")
    placement.start_evidence = evidence
    placement.start_verified_at = utcnow()
    placement.start_verified_by = verified_by
    session.flush()


def record_found_job(*, session: Session, worker: Worker, workplace_code: str | None,
                     employer_name: str | None, terms: dict[str, Any], today: date,
                     minimum_wage: int) -> Placement:
    """A job the worker already holds, found outside the service (a roster's 已务工 row): the
    place may be known only roughly (a prefecture, the region) or not at all (counted as
    ``other``), the income may be unknown. Same rules as ``record_placement``: the minimum
    wage where the place is known, one running job per worker."""
    if workplace_code is not None:
        check_wage(workplace_code, terms, minimum_wage=minimum_wage, field="monthly_wage")
    placement = _place(session, worker=worker, terms=terms, posting=None, workplace_code=workplace_code,
                       application_id=None, today=today, employer_name=employer_name, outside=True)
    if terms.get("start_date") and terms["start_date"] < today - timedelta(days=BACKDATE_GRACE_DAYS):
        # A roster's start date is the bureau's record, not a document: subsidies wait for the check.
        placement.backdate_reason = "花名册登记的在岗工作 / a job already held, from an imported roster"
        session.flush()
    return placement


def end_placement(*, session: Session, placement: Placement, end_date: date, reason_code: str,
                  reason_text: str | None, today: date) -> None:
    """End a job: frees the posting's opening and sets the worker back to seeking."""
    if placement.end_date is not None:
        raise Conflict("该就业记录已结束 / This placement has already ended")
    if end_date < placement.start_date:
        raise RuleViolation("结束日期不能早于开始日期 / end_date must not be before start_date", field="end_date")
    if reason_code not in END_REASONS:
        raise RuleViolation("未知的结束原因 / Unknown end reason", field="reason")
    placement.end_date, placement.end_reason, placement.end_note = end_date, reason_code, reason_text
    if placement.posting_id is not None:
        posting_service.release_opening(session=session, posting_id=placement.posting_id)
    session.flush()
    worker = session.get(Worker, placement.worker_id)
    if (worker is not None and worker.status == "employed"
            and active_placement(session=session, worker_id=worker.id, today=max(today, end_date)) is None):
        worker.status = "seeking"
    session.flush()


def add_follow_up(*, session: Session, placement: Placement, data: dict[str, Any],
                  recorded_by: int | None, today: date) -> FollowUp:
    """Record a follow-up visit or call (跟踪回访)."""
    if data["contact_date"] < placement.start_date or data["contact_date"] > today:
        raise RuleViolation("回访日期须在入职之后、今天之前 / "
                            "contact_date must be between the start date and today", field="contact_date")
    if data.get("next_contact") is not None and data["next_contact"] <= data["contact_date"]:
        raise RuleViolation("下次回访须晚于本次 / next_contact must be after contact_date", field="next_contact")
    follow_up = FollowUp(placement_id=placement.id, recorded_by=recorded_by, **data)
    session.add(follow_up)
    session.flush()
    return follow_up


def follow_ups_of(*, session: Session, placement_ids: Iterable[int]) -> dict[int, list[FollowUp]]:
    """Follow-ups by placement, oldest first (one query for a page of placements)."""
    ids = sorted(set(placement_ids))
    out: dict[int, list[FollowUp]] = {i: [] for i in ids}
    if ids:
        for f in session.scalars(select(FollowUp).where(FollowUp.placement_id.in_(ids))
                                 .order_by(FollowUp.contact_date, FollowUp.id)):
            out[f.placement_id].append(f)
    return out


def contacts(follow_ups: Iterable[FollowUp]) -> list[tracking.Contact]:
    return [tracking.Contact(f.contact_date, f.still_employed, f.wage_received, f.issues, f.next_contact)
            for f in follow_ups]


@dataclass(frozen=True)
class Tracking:
    months_employed: int
    status: str
    next_follow_up: date | None
    overdue: list[tracking.DueFollowUp]


def track(placement: Placement, follow_ups: Iterable[FollowUp], *, as_of: date) -> Tracking:
    """Months employed (to the end date or ``as_of``), status and due follow-ups of one placement."""
    seen = contacts(follow_ups)
    until = min(placement.end_date, as_of) if placement.end_date else as_of
    return Tracking(
        months_employed=tracking.months_employed(placement.start_date, until),
        status=tracking.tracking_status(placement.start_date, placement.end_date, seen, as_of),
        next_follow_up=tracking.next_follow_up(placement.start_date, placement.end_date, seen, as_of),
        overdue=tracking.overdue_follow_ups(placement.start_date, placement.end_date, seen, as_of),
    )


def overdue_follow_ups(*, session: Session, counties: Iterable[str] | None, as_of: date
                       ) -> list[tuple[Placement, tracking.DueFollowUp, date | None]]:
    """(placement, overdue follow-up, last contact) for running placements of ``counties``
    (None = all), most overdue first."""
    stmt = select(Placement).where(Placement.start_date <= as_of,
                                   (Placement.end_date.is_(None)) | (Placement.end_date > as_of))
    if counties is not None:
        stmt = stmt.where(Placement.county_code.in_(sorted(counties)))
    placements = list(session.scalars(stmt.order_by(Placement.id)))
    by_placement = follow_ups_of(session=session, placement_ids=(p.id for p in placements))
    out = []
    for p in placements:
        seen = by_placement[p.id]
        last = seen[-1].contact_date if seen else None
        for due in tracking.overdue_follow_ups(p.start_date, p.end_date, contacts(seen), as_of):
            out.append((p, due, last))
    return sorted(out, key=lambda row: (-row[1].days_overdue, row[0].id))
