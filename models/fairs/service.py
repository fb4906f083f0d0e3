"""Use cases on job fairs (招聘会): create and run a fair, add postings, check attendees in,
store the interview plan, and summarise outcomes once the fair has closed."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.clock import CST
from models.errors import Conflict, RuleViolation
from models.fairs.tables import Fair, FairAttendee, FairInterview, FairPlan, FairPosting
from models.placements.tables import Application, Placement
from models.placements.service import UNKNOWN_POVERTY
from models.postings.tables import Posting
from models.workers.tables import Worker

EDITABLE = ("name", "starts_on", "ends_on", "mode", "venue", "districts")
HIRE_START_DAYS = 90
"""A placement of an attendee into a fair posting counts as a fair hire when the job starts
within this many days after the fair (offers made at a fair often start weeks later)."""
RETENTION_DAYS = 90
CHECK_IN = ("签到", "check attendees in")
"""The action named in the message when a fair that is not open refuses a check-in."""


def default_slots(posting: Posting) -> int:
    """Interview slots of a booth when the caller gives none: two per remaining opening."""
    return 2 * posting.openings_left


def create_fair(*, session: Session, data: dict[str, Any], created_by: int | None) -> Fair:
    fair = Fair(status="planned", created_by=created_by, counties=list(data["counties"]),
                **{k: data[k] for k in EDITABLE if k in data})
    if fair.ends_on is None:
        fair.ends_on = fair.starts_on
    session.add(fair)
    session.flush()
    return fair


def update_fair(*, session: Session, fair: Fair, data: dict[str, Any]) -> None:
    """Apply edits and a status transition (planned → open → closed)."""
    if "status" in data and data["status"] != fair.status:
        if not fair.can_move_to(data["status"]):
            raise Conflict(f"招聘会状态不能从 {fair.status} 改为 {data['status']} / "
                           f"A {fair.status} fair cannot become {data['status']}", field="status")
    starts = data.get("starts_on", fair.starts_on)
    if data.get("ends_on", fair.ends_on) < starts:
        raise RuleViolation("结束日期不能早于开始日期 / ends_on must not be before starts_on", field="ends_on")
    if data.get("mode", fair.mode) == "onsite" and not data.get("venue", fair.venue):
        raise RuleViolation("现场招聘会须填写地点 / An on-site fair needs a venue", field="venue")
    for key in EDITABLE:
        if key in data:
            setattr(fair, key, data[key])
    if fair.mode == "online" and "venue" not in data:
        fair.venue = None
    if "status" in data:
        fair.status = data["status"]
    session.flush()


def require_status(fair: Fair, *allowed: str, action: tuple[str, str]) -> None:
    """``Conflict`` unless the fair is in one of the ``allowed`` states; ``action`` is (中文, English)."""
    if fair.status not in allowed:
        raise Conflict(f"招聘会状态为 {fair.status}，不能{action[0]} / "
                       f"Cannot {action[1]} while the fair is {fair.status}", field="status")


def add_posting(*, session: Session, fair: Fair, posting: Posting, slots: int | None,
                added_by: int | None) -> tuple[FairPosting, bool]:
    """Add a posting to the fair (or set its slots again); returns (row, created)."""
    require_status(fair, "planned", "open", action=("添加岗位", "add postings"))
    if posting.status != "open":
        raise RuleViolation(f"岗位状态为 {posting.status}，不能参加招聘会 / "
                            f"A {posting.status} posting cannot join a fair", field="posting_id")
    slots = default_slots(posting) if slots is None else slots
    row = session.scalar(select(FairPosting).where(FairPosting.fair_id == fair.id,
                                                   FairPosting.posting_id == posting.id))
    if row is not None:
        row.slots = slots
        return row, False
    row = FairPosting(fair_id=fair.id, posting_id=posting.id, slots=slots, added_by=added_by)
    session.add(row)
    session.flush()
    return row, True


def admits(fair: Fair, worker: Worker) -> bool:
    """A fair checks in workers of its organising counties (walk-ins are registered there):
    a fair operator must not reach, or learn about, the workers of other counties."""
    return worker.erased_at is None and worker.county_code in (fair.counties or ())


def check_in(*, session: Session, fair: Fair, worker: Worker, walk_in: bool,
             by: int | None) -> tuple[FairAttendee, bool]:
    """Check a worker in (签到); a second check-in returns the first. Returns (row, created)."""
    require_status(fair, "open", action=CHECK_IN)
    if not admits(fair, worker):
        raise RuleViolation("该劳动力不属于本招聘会主办旗县 / Not a worker of the fair's organising counties",
                            field="worker_id")
    row = session.scalar(select(FairAttendee).where(FairAttendee.fair_id == fair.id,
                                                    FairAttendee.worker_id == worker.id))
    if row is not None:
        return row, False
    row = FairAttendee(fair_id=fair.id, worker_id=worker.id, walk_in=walk_in, checked_in_by=by)
    session.add(row)
    session.flush()
    return row, True


def postings_of(session: Session, fair_id: int, *, employer_id: int | None = None
                ) -> list[tuple[FairPosting, Posting]]:
    stmt = (select(FairPosting, Posting).join(Posting, Posting.id == FairPosting.posting_id)
            .where(FairPosting.fair_id == fair_id).order_by(FairPosting.posting_id))
    if employer_id is not None:
        stmt = stmt.where(Posting.employer_id == employer_id)
    return [(fp, p) for fp, p in session.execute(stmt)]


def attendees_of(session: Session, fair_id: int) -> list[tuple[FairAttendee, Worker]]:
    stmt = (select(FairAttendee, Worker).join(Worker, Worker.id == FairAttendee.worker_id)
            .where(FairAttendee.fair_id == fair_id).order_by(FairAttendee.worker_id))
    return [(a, w) for a, w in session.execute(stmt)]


@dataclass(frozen=True)
class PlannedInterview:
    worker_id: int
    posting_id: int
    p: float
    """P(the interview ends in a hire that lasts 90 days): what the plan maximises."""
    is_primary: bool
    reasons: list[dict[str, Any]]
    p_hired: float | None = None
    p_lasting: float | None = None


def store_plan(*, session: Session, fair: Fair, interviews: Sequence[PlannedInterview], ranker: str,
               limit: int, status: str, expected: float, detail: dict[str, Any],
               computed_by: int | None) -> FairPlan:
    """Replace the fair's plan; each booth's queue puts planned hires first, then by p."""
    session.execute(delete(FairInterview).where(FairInterview.fair_id == fair.id))
    session.execute(delete(FairPlan).where(FairPlan.fair_id == fair.id))
    order = sorted(interviews, key=lambda i: (i.posting_id, not i.is_primary, -i.p, i.worker_id))
    position: dict[int, int] = {}
    for item in order:
        position[item.posting_id] = position.get(item.posting_id, 0) + 1
        session.add(FairInterview(fair_id=fair.id, worker_id=item.worker_id, posting_id=item.posting_id,
                                  is_primary=item.is_primary, p=item.p, reasons=item.reasons,
                                  p_hired=item.p_hired, p_lasting=item.p_lasting,
                                  booth_order=position[item.posting_id]))
    plan = FairPlan(fair_id=fair.id, ranker=ranker, attendee_limit=limit, status=status,
                    expected_lasting_placements=expected, detail=detail, computed_by=computed_by)
    session.add(plan)
    session.flush()
    return plan


def plan_of(session: Session, fair_id: int) -> tuple[FairPlan | None, list[FairInterview]]:
    plan = session.scalar(select(FairPlan).where(FairPlan.fair_id == fair_id))
    rows = list(session.scalars(select(FairInterview).where(FairInterview.fair_id == fair_id)
                                .order_by(FairInterview.posting_id, FairInterview.booth_order)))
    return plan, rows


def fair_window(fair: Fair) -> tuple[datetime, datetime]:
    """The fair's days in China Standard Time, as an aware [start, end) interval."""
    return (datetime.combine(fair.starts_on, time(), CST),
            datetime.combine(fair.ends_on + timedelta(days=1), time(), CST))


def fair_hires(*, session: Session, fair: Fair, attendee_ids: Iterable[int]) -> list[Placement]:
    """Placements that count as hires at the fair.

    Either the placement came from an application made at the fair (source ``fair``, for a
    fair posting, created during the fair), or an attendee was placed into a fair posting
    with a start date from the fair's first day to ``HIRE_START_DAYS`` after its last.
    """
    posting_ids = select(FairPosting.posting_id).where(FairPosting.fair_id == fair.id)
    start, end = fair_window(fair)
    from_applications = (select(Placement).join(Application, Application.id == Placement.application_id)
                         .where(Application.source == "fair", Application.posting_id.in_(posting_ids),
                                Application.created_at >= start, Application.created_at < end))
    found = {p.id: p for p in session.scalars(from_applications)}
    ids = list(attendee_ids)
    if ids:
        placed = select(Placement).where(
            Placement.worker_id.in_(ids), Placement.posting_id.in_(posting_ids),
            Placement.start_date >= fair.starts_on,
            Placement.start_date <= fair.ends_on + timedelta(days=HIRE_START_DAYS))
        found.update({p.id: p for p in session.scalars(placed)})
    return sorted(found.values(), key=lambda p: p.id)


def _group() -> dict[str, int]:
    return {"attendees": 0, "walk_ins": 0, "interviews": 0, "hires": 0,
            "retention_judged": 0, "retained_90d": 0}


def _finish(counts: dict[str, int]) -> dict[str, Any]:
    judged = counts["retention_judged"]
    return {**counts, "retention_rate": round(counts["retained_90d"] / judged, 4) if judged else None}


def require_plannable(fair: Fair) -> None:
    """Interviews can be (re)planned until the fair closes."""
    if fair.status == "closed":
        raise Conflict("招聘会已结束，不能再安排面试 / The fair is closed")


def summary(*, session: Session, fair: Fair, today: date) -> dict[str, Any]:
    """Attendees, interviews, hires and 90-day retention, by county and poverty status —
    only once the fair has closed (``Conflict`` before).

    A hire is *judged* once it started at least 90 days before ``today``; it is *retained*
    when it had not ended before its 90th day (the same rule as employer retention).
    """
    if fair.status != "closed":
        raise Conflict("招聘会结束后才能汇总 / The summary is available once the fair has closed")
    attendees = attendees_of(session, fair.id)
    # A roster may leave the household status unknown; it is grouped as placements record it.
    worker_group = {w.id: (w.county_code, w.poverty_status or UNKNOWN_POVERTY) for _, w in attendees}
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for attendee, _worker in attendees:
        g = groups.setdefault(worker_group[attendee.worker_id], _group())
        g["attendees"] += 1
        g["walk_ins"] += attendee.walk_in
    _, interviews = plan_of(session, fair.id)
    for row in interviews:
        groups.setdefault(worker_group[row.worker_id], _group())["interviews"] += 1
    for placement in fair_hires(session=session, fair=fair, attendee_ids=worker_group):
        g = groups.setdefault((placement.county_code, placement.poverty_status), _group())
        g["hires"] += 1
        if (today - placement.start_date).days >= RETENTION_DAYS:
            g["retention_judged"] += 1
            end = placement.end_date
            g["retained_90d"] += end is None or (end - placement.start_date).days >= RETENTION_DAYS
    totals = _group()
    for g in groups.values():
        for key in totals:
            totals[key] += g[key]
    return {
        "totals": _finish(totals),
        "groups": [{"county_code": c, "poverty_status": s, **_finish(g)}
                   for (c, s), g in sorted(groups.items())],
    }
