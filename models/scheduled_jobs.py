"""The scheduled jobs, registered under fixed ids (run by ``jingmeng scheduler`` or ``jobs run``).

Every job is idempotent: unique constraints (claims, recommendations, outbox dedupe keys)
plus one commit per item, so a run killed midway and run again adds nothing twice.
The recommendation refresh and the retraining call injectable callables registered by name
(``register_recommender`` / ``register_trainer``; config RECOMMENDER / TRAINER, default
"default"); with none registered the run is recorded as skipped.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import claim_service, outbox_service, posting_service, worker_service
from models.auth import User
from models.job_runner import JobContext, JobSkipped, job
from models.base import utcnow
from models.outbox import OutboxMessage
from models.placement import FollowUp, Placement, Recommendation
from models import tracking
from models.tracking import FOLLOW_UP_MONTHS, add_months
from models.upsert import insert_ignore
from models.worker import Worker

Recommender = Callable[[Session, list[int], date], dict[int, list[tuple[int, float]]]]
"""(session, worker ids, today) → {worker id: [(posting id, score), … best first]}."""
Trainer = Callable[[sessionmaker[Session], date], dict[str, Any]]
RECOMMENDERS: dict[str, Recommender] = {}
TRAINERS: dict[str, Trainer] = {}
WORKER_BATCH = 200


def register_recommender(name: str, fn: Recommender) -> None:
    RECOMMENDERS[name] = fn


def register_trainer(name: str, fn: Trainer) -> None:
    TRAINERS[name] = fn


def bureau_users(session: Session) -> dict[str, list[int]]:
    """County code → active bureau user ids."""
    out: dict[str, list[int]] = {}
    for user in session.scalars(select(User).where(User.role == "bureau", User.active).order_by(User.id)):
        for county in user.counties or ():
            out.setdefault(county, []).append(user.id)
    return out


@job("recommendations", cron="30 1 * * *", description="Nightly recommendation refresh (每晚刷新岗位推荐)")
def refresh_recommendations(ctx: JobContext) -> dict[str, Any]:
    name = str(ctx.config.get("RECOMMENDER") or "default")
    recommend = RECOMMENDERS.get(name)
    if recommend is None:
        raise JobSkipped("no ranker available")
    batch, top = ctx.today.isoformat(), int(ctx.config.get("RECOMMENDATIONS_PER_WORKER") or 10)
    counts = {"workers": 0, "recommendations": 0, "messages": 0}
    with ctx.sessions() as session:
        ids = list(session.scalars(select(Worker.id).where(Worker.status == "seeking", Worker.erased_at.is_(None))
                                   .order_by(Worker.id)))
    # One call ranks every seeking worker, so a capacity-aware recommender sees the whole
    # night's demand on each posting; storing is then committed worker by worker.
    with ctx.sessions() as session:
        ranked = recommend(session, ids, ctx.today)
    counts.update(getattr(ranked, "congestion", None) or {})
    ranker = str(counts.get("ranker") or name)  # the model version that ranked, when known
    for start in range(0, len(ids), WORKER_BATCH):
        chunk = ids[start:start + WORKER_BATCH]
        with ctx.sessions() as session:
            for worker_id in chunk:
                added = _store_recommendations(session, worker_id, ranked.get(worker_id, [])[:top], ranker, batch)
                if added and outbox_service.enqueue(
                        session, dedupe_key=f"rec:{batch}:worker:{worker_id}", kind="new_recommendations",
                        channel="sms", recipient_kind="worker", recipient_id=worker_id,
                        subject="新岗位推荐 / New job recommendations",
                        body=f"【京蒙劳务协作】为您推荐了{added}个新岗位，请联系县就业局了解详情。"):
                    counts["messages"] += 1
                session.commit()  # per worker: a crash loses at most this worker's batch
                counts["workers"] += 1
                counts["recommendations"] += added
        ctx.heartbeat()
    return counts


def _store_recommendations(session: Session, worker_id: int, ranked: list[tuple[int, float]],
                           ranker: str, batch: str) -> int:
    return sum(insert_ignore(session, Recommendation, dict(
        worker_id=worker_id, posting_id=posting_id, rank=rank, score=float(score), ranker=ranker[:32],
        batch=batch, created_at=utcnow()), ("worker_id", "posting_id", "batch"))
        for rank, (posting_id, score) in enumerate(ranked, start=1))


@job("eligibility", cron="15 2 * * *", description="Daily subsidy eligibility check (每日补贴资格核查)")
def check_eligibility(ctx: JobContext) -> dict[str, Any]:
    return claim_service.run_eligibility(sessions=ctx.sessions, as_of=ctx.today, heartbeat=ctx.heartbeat)


@job("followups", cron="0 8 * * *",
     description="Daily follow-up reminders (1/3/6/12 months) and at-risk detection (跟踪回访提醒)")
def follow_up_reminders(ctx: JobContext) -> dict[str, Any]:
    """Queue due reminders and at-risk alerts for the county's bureau users (once each).

    ``unrouted`` counts the alerts of counties where no bureau user exists yet — shown in
    every run until an account is created, so the gap is visible at ``/api/v1/jobs``.
    """
    counts = {"placements": 0, "reminders": 0, "at_risk": 0, "unrouted": 0}
    oldest = add_months(ctx.today, -(max(FOLLOW_UP_MONTHS) + 2))
    with ctx.sessions() as session:
        ids = list(session.scalars(select(Placement.id).where(
            Placement.start_date >= oldest, Placement.start_date <= ctx.today, Placement.end_date.is_(None))
            .order_by(Placement.id)))
        users = bureau_users(session)
    for placement_id in ids:
        with ctx.sessions() as session:
            placement = session.get(Placement, placement_id)
            worker = session.get(Worker, placement.worker_id)
            contacts = list(session.scalars(select(FollowUp).where(FollowUp.placement_id == placement_id)
                                            .order_by(FollowUp.contact_date, FollowUp.id)))
            alerts = _alerts(placement, worker, contacts, ctx.today)
            recipients = users.get(placement.county_code, [])
            if alerts and not recipients:
                # Nobody at the county's bureau has an account: the alert would vanish silently.
                counts["unrouted"] += len(alerts)
            for kind, key, subject in alerts:
                for user_id in recipients:
                    if outbox_service.enqueue(session, dedupe_key=f"{key}:user:{user_id}", kind=kind,
                                              channel="inbox", recipient_kind="user", recipient_id=user_id,
                                              subject=subject, body=subject):
                        counts["reminders" if kind == "followup_reminder" else "at_risk"] += 1
            session.commit()
            counts["placements"] += 1
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


@job("posting_expiry", cron="5 * * * *", description="Hourly posting expiry (岗位过期)")
def expire_postings(ctx: JobContext) -> dict[str, Any]:
    with ctx.sessions() as session:
        expired = posting_service.expire_postings(session=session, today=ctx.today)
        session.commit()
    return {"expired": expired}


@job("retraining", cron="0 3 * * 0", description="Weekly ranker retraining (每周重新训练排序模型)")
def retrain(ctx: JobContext) -> dict[str, Any]:
    trainer = TRAINERS.get(str(ctx.config.get("TRAINER") or "default"))
    if trainer is None:
        raise JobSkipped("no trainer")
    return dict(trainer(ctx.sessions, ctx.today) or {})


@job("outbox", cron="*/5 * * * *", description="Deliver pending notifications (发送通知)")
def deliver_outbox(ctx: JobContext) -> dict[str, Any]:
    name = str(ctx.config.get("OUTBOX_ADAPTER") or "log")
    adapter = outbox_service.ADAPTERS[name]()

    def address_of(session: Session, message: OutboxMessage) -> str | None:
        if message.recipient_kind == "user":
            return f"user:{message.recipient_id}"
        worker = session.get(Worker, message.recipient_id)
        if worker is None or worker.phone_enc is None or ctx.vault is None:
            return None
        return worker_service.reveal(worker, ctx.vault)[1]

    return outbox_service.deliver(sessions=ctx.sessions, adapter=adapter, address_of=address_of)
