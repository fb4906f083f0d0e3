"""Scheduled job of the placements domain: follow-up reminders and at-risk alerts
(跟踪回访提醒), queued once each for the county's bureau users through the outbox."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access.tables import User
from models.notifications import outbox as outbox_service
from models.placements import tracking
from models.placements.tables import FollowUp, Placement
from models.placements.tracking import FOLLOW_UP_MONTHS, add_months
from models.scheduling.runner import JobContext, job
from models.workers.tables import Worker


def bureau_users(session: Session) -> dict[str, list[int]]:
    """County code → active bureau user ids."""
    out: dict[str, list[int]] = {}
    for user in session.scalars(select(User).where(User.role == "bureau", User.active).order_by(User.id)):
        for county in user.counties or ():
            out.setdefault(county, []).append(user.id)
    return out


@job("followups", cron="0 8 * * *",
     description="Daily follow-up reminders (1/3/6/12 months) and at-risk detection (跟踪回访提醒)")
def follow_up_reminders(ctx: JobContext) -> dict[str, Any]:
    """Queue due reminders and at-risk alerts for the county's bureau users (once each).

    Running placements are read by keyset pagination on the id, ``BATCH_PARTITION_SIZE``
    at a time with their workers and follow-ups; a partition's messages are queued in bulk
    (deduplicated by key) and committed together. ``unrouted`` counts the alerts of
    counties where no bureau user exists yet — shown in every run until an account is
    created, so the gap is visible at ``/api/v1/jobs``.
    """
    counts = {"placements": 0, "reminders": 0, "at_risk": 0, "unrouted": 0}
    size = int(ctx.config["BATCH_PARTITION_SIZE"])
    oldest = add_months(ctx.today, -(max(FOLLOW_UP_MONTHS) + 2))
    running = (Placement.start_date >= oldest, Placement.start_date <= ctx.today, Placement.end_date.is_(None))
    with ctx.sessions() as session:
        users = bureau_users(session)
    after = 0
    while True:
        with ctx.sessions() as session:
            placements = session.scalars(select(Placement).where(*running, Placement.id > after)
                                         .order_by(Placement.id).limit(size)).all()
            if not placements:
                break
            after = placements[-1].id
            workers = {w.id: w for w in session.scalars(
                select(Worker).where(Worker.id.in_({p.worker_id for p in placements})))}
            contacts: dict[int, list[FollowUp]] = {p.id: [] for p in placements}
            for contact in session.scalars(select(FollowUp).where(FollowUp.placement_id.in_(list(contacts)))
                                           .order_by(FollowUp.contact_date, FollowUp.id)):
                contacts[contact.placement_id].append(contact)
            messages, kinds = [], {}
            for placement in placements:
                alerts = _alerts(placement, workers[placement.worker_id], contacts[placement.id], ctx.today)
                recipients = users.get(placement.county_code, [])
                if alerts and not recipients:
                    # Nobody at the county's bureau has an account: the alert would vanish silently.
                    counts["unrouted"] += len(alerts)
                for kind, key, subject in alerts:
                    for user_id in recipients:
                        kinds[f"{key}:user:{user_id}"] = kind
                        messages.append(outbox_service.Message(
                            dedupe_key=f"{key}:user:{user_id}", kind=kind, channel="inbox", recipient_kind="user",
                            recipient_id=user_id, subject=subject, body=subject))
            for key in outbox_service.enqueue_many(session, messages):
                counts["reminders" if kinds[key] == "followup_reminder" else "at_risk"] += 1
            session.commit()
            counts["placements"] += len(placements)
        ctx.heartbeat()
    return counts


def _alerts(placement: Placement, worker: Worker, contacts: list[FollowUp],
            today: date) -> list[tuple[str, str, str]]:
    """(kind, dedupe key, subject) for due follow-ups and signs that a job may not last.

    The rules are those of ``models.tracking`` (the same the API's tracking status uses): a
    due milestone is a reminder until it is ``GRACE_DAYS`` overdue, then an at-risk alert; a
    latest visit reporting a problem is an at-risk alert too.
    """
    who = f"{worker.name}（安置#{placement.id}）"
    seen = [tracking.Contact(c.contact_date, c.still_employed, c.wage_received, c.issues, c.next_contact)
            for c in contacts]
    overdue = {d.months for d in tracking.overdue_follow_ups(placement.start_date, placement.end_date, seen, today)}
    out: list[tuple[str, str, str]] = []
    for months in FOLLOW_UP_MONTHS:
        due = add_months(placement.start_date, months)
        if due > today or tracking.milestone_met(placement.start_date, months, seen):
            continue
        if months in overdue:
            out.append(("at_risk", f"at_risk:{placement.id}:overdue:{months}",
                        f"{who}{months}个月回访逾期未做 / {months}-month follow-up overdue since {due}"))
        else:
            out.append(("followup_reminder", f"followup:{placement.id}:{months}",
                        f"{who}入职{months}个月回访已到期（{due}）/ {months}-month follow-up due {due}"))
    if contacts and seen[-1].reports_problem:
        last = contacts[-1]
        problem = ("已离岗" if last.still_employed is False else
                   "未按时领到工资" if last.wage_received is False else "反映问题")
        out.append(("at_risk", f"at_risk:{placement.id}:followup:{last.id}",
                    f"{who}回访显示{problem}（{last.contact_date}）/ follow-up reports a problem"))
    return out
