"""Scheduled jobs of ranking: the nightly recommendation refresh and weekly retraining.

Every job is idempotent: unique recommendations and outbox dedupe keys, one commit per
worker, so a run killed midway and run again adds nothing twice.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.db.base import utcnow
from models.db.upsert import insert_ignore
from models.notifications import outbox as outbox_service
from models.placements.tables import Recommendation
from models.scheduling.runner import JobContext, JobSkipped, job
from models.workers.tables import Worker

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


@job("retraining", cron="0 3 * * 0", description="Weekly ranker retraining (每周重新训练排序模型)")
def retrain(ctx: JobContext) -> dict[str, Any]:
    trainer = TRAINERS.get(str(ctx.config.get("TRAINER") or "default"))
    if trainer is None:
        raise JobSkipped("no trainer")
    return dict(trainer(ctx.sessions, ctx.today) or {})
