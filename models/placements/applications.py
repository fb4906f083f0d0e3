"""Use cases on applications (推荐/邀约): refer or invite, move through the state machine.

referred → interviewing → hired | rejected | withdrawn (``models.placements.tables.TRANSITIONS``);
every move is an ``ApplicationEvent`` (who, when, why) — the ranker's training labels.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.clock import CST
from models.errors import Conflict, RuleViolation
from models.placements import service as placement_service
from matching.destinations import worker_accepts
from models.placements.tables import (ACTIVE_APPLICATION_STATES, DECLINE_REASONS, Application, ApplicationEvent,
                              Placement)
from models.postings.tables import Posting
from models.workers.tables import Worker

SOURCES = ("bureau", "employer")
NEEDS_REASON = ("rejected", "withdrawn")
CONTACT_STATES = ("referred", "interviewing", "hired")


def employer_may_contact(application: Application, *, placement_ended: bool = False) -> bool:
    """After referral the employer may call the worker (DOMAIN.md). The employer's own
    invitation counts as a referral only once the bureau confirmed the worker accepted it.
    Once the placement that the hire made has ended, the phone is masked again: the
    application stays ``hired`` for the record, but the employment relation is over."""
    if application.state == "hired" and placement_ended:
        return False
    return application.state in CONTACT_STATES and (
        application.source == "bureau" or application.state != "referred")


def contactable(*, session: Session, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (worker id, posting id) pairs whose employer may call the worker now: an application
    between them for which ``employer_may_contact`` holds (e.g. a printed fair list's contact)."""
    if not pairs:
        return set()
    rows = session.scalars(select(Application).where(
        Application.worker_id.in_({w for w, _ in pairs}), Application.posting_id.in_({p for _, p in pairs}))).all()
    rows = [a for a in rows if (a.worker_id, a.posting_id) in pairs]
    ended = ended_placements_of(session=session, application_ids=[a.id for a in rows])
    return {(a.worker_id, a.posting_id) for a in rows if employer_may_contact(a, placement_ended=a.id in ended)}


def referred_on(application: Application) -> date:
    """The programme's date (China Standard Time) on which the application was made."""
    return application.created_at.astimezone(CST).date()


def refer(*, session: Session, worker: Worker, posting: Posting, source: str,
          actor_user_id: int | None) -> Application:
    """Refer a worker (bureau) or invite one (employer) to an open posting."""
    if worker.erased_at is not None:
        raise Conflict("该劳动力已删除个人信息 / This worker's personal data was erased")
    if posting.status != "open":
        raise Conflict(f"岗位状态为 {posting.status}，不能推荐 / A {posting.status} posting takes no referrals")
    if source == "bureau" and not worker.profile_complete:
        raise RuleViolation("该劳动力信息待完善，完善后才能推荐（缺：" + "、".join(worker.missing_fields or ()) + "）/ "
                            "Complete this worker's profile before referring them (missing: "
                            + ", ".join(worker.missing_fields or ()) + ")", field="worker_id")
    if source == "employer" and not (
            worker.profile_complete
            and worker.status == "seeking"
            and worker_accepts(worker.destinations or (), posting.district_code, worker.county_code)):
        # One message for both causes: an employer learns no more than "cannot invite".
        raise RuleViolation("该劳动力目前不可邀请（未求职或不接受该工作地）/ This worker cannot "
                            "be invited (not seeking work or not accepting this workplace)", field="worker_id")
    live = session.scalar(select(Application.id).where(
        Application.worker_id == worker.id, Application.posting_id == posting.id,
        Application.state.in_(ACTIVE_APPLICATION_STATES)))
    if live is not None:
        raise Conflict(f"该劳动力已推荐至此岗位（申请 {live}）/ Already referred to this posting "
                       f"(application {live})")
    application = Application(worker_id=worker.id, posting_id=posting.id, state="referred",
                              source=source, created_by=actor_user_id)
    session.add(application)
    session.flush()
    session.add(ApplicationEvent(application_id=application.id, from_state=None, to_state="referred",
                                 actor_user_id=actor_user_id))
    session.flush()
    return application


def check_reason(reason: dict[str, Any] | None) -> tuple[str, str | None]:
    """A structured decline reason: a code from DECLINE_REASONS; 'other' needs a text."""
    if not reason or reason.get("code") not in DECLINE_REASONS:
        raise RuleViolation("须给出原因代码 / A reason code is required", field="reason")
    text = (reason.get("text") or "").strip() or None
    if reason["code"] == "other" and text is None:
        raise RuleViolation("原因为“其他”时须填写说明 / Reason 'other' needs a text", field="reason")
    return reason["code"], text


def transition(*, session: Session, application: Application, to: str, actor_user_id: int | None,
               actor_role: str, reason: dict[str, Any] | None = None,
               terms: dict[str, Any] | None = None, today: date, minimum_wage: int) -> Placement | None:
    """Move an application; hiring creates the placement (and may raise ``Conflict``).

    An employer's own invitation moves to interviewing only when the bureau records that the
    worker accepted it — until then the employer has no contact details (DOMAIN: no full phone
    before referral). Placement terms, whenever sent, must respect the Beijing minimum wage.
    """
    posting = session.get(Posting, application.posting_id)
    assert posting is not None
    if terms:
        placement_service.check_wage(posting.district_code, terms, minimum_wage=minimum_wage,
                                     field="placement.monthly_wage")
    if not application.can_move_to(to):
        raise Conflict(f"不能从 {application.state} 变为 {to} / Cannot move from {application.state} to {to}")
    if (actor_role == "employer" and application.source == "employer"
            and application.state == "referred" and to == "interviewing"):
        raise Conflict("邀约须由劳动力所在县确认接受 / The worker's county bureau must confirm "
                       "the worker accepted this invitation")
    code, text = check_reason(reason) if to in NEEDS_REASON else (None, None)
    placement = None
    if to == "hired":
        if not terms:
            raise RuleViolation("录用须填写就业信息 / Hiring needs the placement fields", field="placement")
        worker = session.get(Worker, application.worker_id)
        assert worker is not None
        placement_service.check_hire_start(terms["start_date"], referred_on(application))
        placement = placement_service.hire(session=session, worker=worker, posting=posting, terms=terms,
                                           application_id=application.id, today=today)
    event = ApplicationEvent(application_id=application.id, from_state=application.state, to_state=to,
                             reason_code=code, reason_text=text, actor_user_id=actor_user_id)
    application.state, application.reason_code, application.reason_text = to, code, text
    session.add(event)
    session.flush()
    return placement


def events_of(*, session: Session, application_ids: list[int]) -> dict[int, list[ApplicationEvent]]:
    out: dict[int, list[ApplicationEvent]] = {i: [] for i in application_ids}
    if application_ids:
        for e in session.scalars(select(ApplicationEvent).where(
                ApplicationEvent.application_id.in_(application_ids)).order_by(ApplicationEvent.id)):
            out[e.application_id].append(e)
    return out


def placements_of(*, session: Session, application_ids: list[int]) -> dict[int, int]:
    """Placement id by application id (hired ones)."""
    if not application_ids:
        return {}
    rows = session.execute(select(Placement.application_id, Placement.id).where(
        Placement.application_id.in_(application_ids)))
    return {a: p for a, p in rows}


def ended_placements_of(*, session: Session, application_ids: list[int]) -> set[int]:
    """Application ids whose placement has ended (a departure was recorded)."""
    if not application_ids:
        return set()
    return set(session.scalars(select(Placement.application_id).where(
        Placement.application_id.in_(application_ids), Placement.end_date.is_not(None))))
