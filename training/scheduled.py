"""Scheduled jobs of ranking: the nightly recommendation refresh and weekly retraining.

The scheduler is its own process (``jingmeng scheduler``), so each job builds what it ranks
with — the active scorer from the model registry, verified with ``MODEL_SIGNING_KEY``, and
today's open postings — instead of sharing the web app's caches.

Every job is idempotent: unique recommendations and outbox dedupe keys, one commit per
worker, so a run killed midway and run again adds nothing twice.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from models.db.base import utcnow
from models.db.upsert import insert_ignore
from models.notifications import outbox as outbox_service
from models.placements.tables import Recommendation
from models.scheduling.runner import JobContext, job
from training.pipeline import fit_retraining, load_retraining, promote_if_better
from training.recommend import load_inputs, recommend
from training.scoring import ScorerCache

WORKER_BATCH = 200


@job("recommendations", cron="30 1 * * *", description="Nightly recommendation refresh (每晚刷新岗位推荐)")
def refresh_recommendations(ctx: JobContext) -> dict[str, Any]:
    """Load the night's inputs, close the session, rank everyone at once, then store worker by worker."""
    with ctx.sessions() as session:
        scorer = ScorerCache(ctx.config["MODEL_SIGNING_KEY"]).current(session)
        inputs = load_inputs(session, today=ctx.today, scorer=scorer)
    # One call ranks every seeking worker, so capacity awareness sees the whole night's
    # demand on each posting.
    ranked = recommend(inputs, k=int(ctx.config["RECOMMENDATIONS_PER_WORKER"]))
    counts: dict[str, Any] = {"workers": 0, "recommendations": 0, "messages": 0}
    if ranked.congestion is not None:
        counts.update(ranked.congestion, ranker=ranked.ranker)
    batch, ids = ctx.today.isoformat(), inputs.worker_ids
    for start in range(0, len(ids), WORKER_BATCH):
        with ctx.sessions() as session:
            for worker_id in ids[start:start + WORKER_BATCH]:
                added = _store_recommendations(session, worker_id, ranked.lists.get(worker_id, []),
                                               ranked.ranker, batch)
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
    """Read the history, close the session, fit (minutes), then store and maybe promote."""
    key = ctx.config["MODEL_SIGNING_KEY"]
    with ctx.sessions() as session:
        inputs = load_retraining(session, as_of=ctx.today, key=key)
    if isinstance(inputs, dict):  # the active model is recent: kept
        return inputs
    fitted = fit_retraining(inputs)
    with ctx.sessions() as session:
        result = promote_if_better(session, fitted, key=key)
        session.commit()
    return result
