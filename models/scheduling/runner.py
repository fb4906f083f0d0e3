"""Run a scheduled job once: take the job's lock, record the run in ``job_runs``, never raise.

The lock makes a second scheduler started by mistake harmless: PostgreSQL holds a session
advisory lock (``pg_try_advisory_lock`` on a hash of the job id) on a dedicated connection
for the whole run; SQLite has no advisory locks, so a lease row in ``job_leases`` is taken
with a conditional INSERT/UPDATE, kept short (``JOB_LEASE_SECONDS``, 60 s) and renewed by a
thread every third of it while the job runs (and by ``heartbeat()``). A crashed holder's
lease expires within a minute; a crashed holder's advisory lock dies with its connection.

Whoever next takes the lock knows that no earlier run of the job is still alive, so a run row
left ``running`` by a killed process is marked ``failed (abandoned)`` then; the scheduler's
catch-up treats such a run as not done and runs the job again.
"""
from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.db.base import utcnow
from models.scheduling.tables import JobLease, JobRun

log = logging.getLogger("jingmeng.jobs")
HOLDER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
DEFAULT_LEASE_SECONDS = 60
"""SQLite lease length (``JOB_LEASE_SECONDS``): a crashed job is free to run again after this."""
BATCH_PARTITION_SIZE = 1000
"""Rows (placements) a batch job reads by keyset pagination, evaluates and commits
together (``BATCH_PARTITION_SIZE``): its memory follows this, not the table's size."""
ABANDONED = "failed (abandoned)"


class JobSkipped(Exception):
    """Raised by a job that has nothing it can do (``str(exc)`` becomes ``skipped: …``)."""


@dataclass
class JobContext:
    sessions: sessionmaker[Session]
    engine: Engine
    config: Mapping[str, Any]
    today: date
    vault: Any = None
    heartbeat: Callable[[], None] = field(default=lambda: None)


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[[JobContext], dict[str, Any]]
    default_cron: str
    description: str

    @property
    def cron_setting(self) -> str:
        return f"JOB_CRON_{self.id.upper()}"


JOBS: dict[str, JobSpec] = {}


def job(job_id: str, *, cron: str, description: str) -> Callable[[Callable[[JobContext], dict[str, Any]]], Any]:
    """Register a job under a fixed id with its default crontab."""

    def decorator(func: Callable[[JobContext], dict[str, Any]]) -> Callable[[JobContext], dict[str, Any]]:
        JOBS[job_id] = JobSpec(job_id, func, cron, description)
        return func

    return decorator


def cron_for(spec: JobSpec, config: Mapping[str, Any]) -> str:
    """Crontab of a job: app config, then the environment, then the default."""
    return str(config.get(spec.cron_setting) or os.environ.get(spec.cron_setting) or spec.default_cron)


def advisory_key(job_id: str) -> int:
    return int.from_bytes(hashlib.sha256(f"jingmeng-job:{job_id}".encode()).digest()[:8], "big", signed=True)


@contextmanager
def job_lock(engine: Engine, job_id: str, *, holder: str = HOLDER,
             lease_seconds: int = DEFAULT_LEASE_SECONDS) -> Iterator[Callable[[], None] | None]:
    """Yield a heartbeat callable while holding the job's lock, or None if someone else has it."""
    if engine.dialect.name == "postgresql":
        key = advisory_key(job_id)
        conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                yield None
                return
            try:
                yield lambda: None
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        finally:
            conn.close()
        return
    if not _take_lease(engine, job_id, holder, lease_seconds):
        yield None
        return
    done = threading.Event()
    renewer = threading.Thread(target=_keep_renewing, args=(engine, job_id, holder, lease_seconds, done),
                               name=f"lease:{job_id}", daemon=True)
    renewer.start()
    try:
        yield lambda: _renew_lease(engine, job_id, holder, lease_seconds)
    finally:
        done.set()
        renewer.join(timeout=5)
        with engine.begin() as conn:
            conn.execute(delete(JobLease).where(JobLease.job == job_id, JobLease.holder == holder))


def _keep_renewing(engine: Engine, job_id: str, holder: str, seconds: int, done: threading.Event) -> None:
    """Renew the lease every third of its length until the job ends (dies with the process)."""
    while not done.wait(max(seconds / 3, 0.5)):
        try:
            _renew_lease(engine, job_id, holder, seconds)
        except Exception:  # a busy database: the next renewal (or the job's heartbeat) tries again
            log.warning("lease renewal failed", extra={"job": job_id}, exc_info=True)


def _take_lease(engine: Engine, job_id: str, holder: str, seconds: int) -> bool:
    now = utcnow()
    expires = now + timedelta(seconds=seconds)
    with engine.begin() as conn:
        inserted = conn.execute(sqlite.insert(JobLease).values(
            job=job_id, holder=holder, expires_at=expires, acquired_at=now, renewals=0)
            .on_conflict_do_nothing(index_elements=["job"])).rowcount
        if inserted == 1:
            return True
        # Only an expired lease (its holder died) may be taken over.
        taken = conn.execute(update(JobLease).where(JobLease.job == job_id, JobLease.expires_at < now)
                             .values(holder=holder, expires_at=expires, acquired_at=now, renewals=0)).rowcount
        return taken == 1


def _renew_lease(engine: Engine, job_id: str, holder: str, seconds: int) -> None:
    with engine.begin() as conn:
        conn.execute(update(JobLease).where(JobLease.job == job_id, JobLease.holder == holder)
                     .values(expires_at=utcnow() + timedelta(seconds=seconds), renewals=JobLease.renewals + 1))


def run_job(job_id: str, *, sessions: sessionmaker[Session], engine: Engine, config: Mapping[str, Any],
            today: date, vault: Any = None, holder: str = HOLDER, trigger: str = "manual") -> JobRun:
    """Run one job now (if its lock is free) and return its recorded ``JobRun``."""
    spec = JOBS[job_id]
    with job_lock(engine, job_id, holder=holder, lease_seconds=int(config["JOB_LEASE_SECONDS"])) as heartbeat:
        if heartbeat is None:
            log.info("job skipped: locked", extra={"job": job_id, "holder": holder})
            return _record(sessions, JobRun(job=job_id, holder=holder, trigger=trigger, status="skipped: locked",
                                            finished_at=utcnow(), counts={}))
        abandoned = _mark_abandoned(sessions, job_id)
        if abandoned:
            log.warning("abandoned runs marked failed", extra={"job": job_id, "runs": abandoned})
        run = _record(sessions, JobRun(job=job_id, holder=holder, trigger=trigger, status="running", counts={}))
        log.info("job started", extra={"job": job_id, "run_id": run.id, "trigger": trigger})
        status, counts, error = "ok", {}, None
        try:
            counts = spec.func(JobContext(sessions, engine, config, today, vault, heartbeat)) or {}
        except JobSkipped as skip:
            status = f"skipped: {skip}"
        except Exception:  # a failed job is recorded, never crashes the scheduler
            status, error = "error", traceback.format_exc()[-4000:]
            log.exception("job failed", extra={"job": job_id, "run_id": run.id})
        with sessions() as session:
            session.execute(update(JobRun).where(JobRun.id == run.id).values(
                status=status, counts=counts, error=error, finished_at=utcnow()))
            session.commit()
            run = session.get(JobRun, run.id)
        log.info("job finished", extra={"job": job_id, "run_id": run.id, "status": status, "counts": counts})
        return run


def _mark_abandoned(sessions: sessionmaker[Session], job_id: str) -> list[int]:
    """With the job's lock held, every run still ``running`` belongs to a dead process."""
    with sessions() as session:
        ids = list(session.scalars(select(JobRun.id).where(JobRun.job == job_id, JobRun.status == "running")))
        if ids:
            session.execute(update(JobRun).where(JobRun.id.in_(ids)).values(
                status=ABANDONED, finished_at=utcnow(),
                error="The process running this job ended without finishing it (killed or crashed)."))
            session.commit()
        return ids


def is_done(status: str) -> bool:
    """Did a run with this status do the job's work? ``ok``, or skipped because there was
    nothing to do; not an error, an abandoned run or one skipped for the lock."""
    return status == "ok" or (status.startswith("skipped") and status != "skipped: locked")


def _record(sessions: sessionmaker[Session], run: JobRun) -> JobRun:
    with sessions() as session:
        session.add(run)
        session.commit()
        return run
