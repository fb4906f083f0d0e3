"""Scheduled jobs of ranking: the nightly recommendation refresh and weekly retraining.

The scheduler is its own process (``jingmeng scheduler``), so each job builds what it ranks
with — the active scorer from the model registry, verified with ``MODEL_SIGNING_KEY``, and
today's open postings — instead of sharing the web app's caches.

Every job is idempotent: unique recommendations and outbox dedupe keys, inserted in bulk
with ON CONFLICT DO NOTHING and committed a batch of workers at a time, so a run killed
midway and run again adds nothing twice.
"""
from __future__ import annotations

import time
from collections import Counter
from typing import Any

from sqlalchemy.orm import Session

from models.db.base import utcnow
from models.db.upsert import insert_ignore_many
from models.notifications import outbox as outbox_service
from models.placements.tables import Recommendation
from models.scheduling.runner import JobContext, job
from training.cluster import DatabaseSettings, dask_client, rank_partitions_on
from training.pipeline import fit_retraining, load_retraining, promote_if_better
from training.recommend import (CandidateStore, NightPartition, allocate_night, load_posting_index, partition_bounds,
                                rank_partitions)
from training.scoring import ScorerCache
from training.stream import BuildSettings

WORKER_BATCH = 500
"""Workers whose lists (and messages) are written in one transaction."""


@job("recommendations", cron="30 1 * * *", description="Nightly recommendation refresh (每晚刷新岗位推荐)")
def refresh_recommendations(ctx: JobContext) -> dict[str, Any]:
    """Rank the seeking workers partition by partition (in this process or on Dask), meet the
    posting caps over the whole night, then store the lists in bulk, batch by batch."""
    config = ctx.config
    started = time.perf_counter()
    with ctx.sessions() as session:
        scorer = ScorerCache(config["MODEL_SIGNING_KEY"]).current(session)
        index = load_posting_index(session, today=ctx.today, scorer=scorer)
        bounds = partition_bounds(session, size=int(config["NIGHTLY_PARTITION_SIZE"]))
    with CandidateStore() as store:  # the candidate lists spilled to the job's temp dir
        with dask_client(str(config.get("DASK_SCHEDULER_ADDRESS") or "")) as client:
            if client is None:
                rank_partitions(ctx.sessions, index, bounds, on_partition=ctx.heartbeat, store=store)
            else:
                rank_partitions_on(client, DatabaseSettings.from_config(config), index, bounds,
                                   on_partition=ctx.heartbeat, store=store)
        ranked_at = time.perf_counter()
        night = allocate_night(index, store, k=int(config["RECOMMENDATIONS_PER_WORKER"]),
                               exact_pairs=int(config["NIGHTLY_EXACT_PAIRS"]))
        allocated_at = time.perf_counter()
        counts: dict[str, Any] = {"workers": 0, "recommendations": 0, "messages": 0}
        if night.congestion is not None:
            counts.update(night.congestion, ranker=night.ranker, partitions=len(bounds))
        batch = ctx.today.isoformat()
        for part in night.partitions:  # built one at a time from the spilled lists
            for start in range(0, len(part.worker_ids), WORKER_BATCH):
                with ctx.sessions() as session:
                    added, messages = store_lists(session, part, slice(start, start + WORKER_BATCH),
                                                  ranker=night.ranker, batch=batch)
                    session.commit()  # lists and their messages together: a crash loses at most this batch
                counts["workers"] += len(part.worker_ids[start:start + WORKER_BATCH])
                counts["recommendations"] += added
                counts["messages"] += messages
            ctx.heartbeat()
    if night.congestion is not None:  # how long each stage took, for capacity planning
        counts.update(seconds_load_rank=round(ranked_at - started, 2), seconds_allocate=round(allocated_at - ranked_at, 2),
                      seconds_store=round(time.perf_counter() - allocated_at, 2))
    return counts


def store_lists(session: Session, part: NightPartition, workers: slice, *, ranker: str,
                batch: str) -> tuple[int, int]:
    """Insert the lists of ``part``'s workers in ``workers`` and a message to each worker
    who got a new one; rows already stored (a re-run) are skipped. Returns (added, messages)."""
    now, rows = utcnow(), []
    ids = part.worker_ids[workers].tolist()
    first = workers.start or 0
    for i, worker_id in enumerate(ids, start=first):
        a, b = int(part.indptr[i]), int(part.indptr[i + 1])
        rows.extend(dict(worker_id=worker_id, posting_id=posting_id, rank=rank, score=score,
                         ranker=ranker[:32], batch=batch, created_at=now)
                    for rank, (posting_id, score) in enumerate(
                        zip(part.posting_ids[a:b].tolist(), part.scores[a:b].tolist()), start=1))
    added = Counter(insert_ignore_many(session, Recommendation, rows, ("worker_id", "posting_id", "batch"),
                                       returning="worker_id"))
    messages = outbox_service.enqueue_many(session, [outbox_service.Message(
        dedupe_key=f"rec:{batch}:worker:{worker_id}", kind="new_recommendations", channel="sms",
        recipient_kind="worker", recipient_id=worker_id, subject="新岗位推荐 / New job recommendations",
        body=f"【京蒙劳务协作】为您推荐了{n}个新岗位，请联系县就业局了解详情。")
        for worker_id, n in sorted(added.items())])
    return sum(added.values()), len(messages)


@job("retraining", cron="0 3 * * 0", description="Weekly ranker retraining (每周重新训练排序模型)")
def retrain(ctx: JobContext) -> dict[str, Any]:
    """Read the history, close the session, fit (minutes), then store and maybe promote."""
    key = ctx.config["MODEL_SIGNING_KEY"]
    with ctx.sessions() as session:
        inputs = load_retraining(session, as_of=ctx.today, key=key, settings=BuildSettings.from_config(ctx.config))
    if isinstance(inputs, dict):  # the active model is recent: kept
        return inputs
    fitted = fit_retraining(inputs)
    with ctx.sessions() as session:
        result = promote_if_better(session, fitted, key=key)
        session.commit()
    return result
