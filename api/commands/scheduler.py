"""``jingmeng scheduler`` (APScheduler 3 in its own process) and ``jingmeng jobs run|list``.

Never start the scheduler inside gunicorn workers: every worker would run every job. It is
a separate process; a second one started by mistake is harmless because each run takes the
job's lock (models.scheduling.runner) and records ``skipped: locked``.
"""
from __future__ import annotations

import json
import logging
import signal
import time
from datetime import datetime, timedelta
from typing import Any

import click
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from api import schedule  # noqa: F401  (registers the jobs)
from models import clock
from models.scheduling.runner import JOBS, JobSpec, cron_for, is_done, run_job
from models.scheduling.tables import JobRun

log = logging.getLogger("jingmeng.scheduler")
TIMEZONE = "Asia/Shanghai"


def run_now(app: Flask, job_id: str, trigger: str = "schedule") -> JobRun:
    """Run one job in an app context with the app's engine, sessions, config and vault."""
    with app.app_context():
        return run_job(job_id, sessions=app.extensions["jm.sessions"], engine=app.extensions["jm.engine"],
                       config=app.config, today=clock.today(), vault=app.extensions["jm.vault"],
                       trigger=trigger)


def catch_up(app: Flask, job_id: str, attempts: int = 3) -> JobRun:
    """Run a missed job; if its lock is still held — the lease of a process killed moments
    ago, or a run in progress elsewhere — try again after the lease could have expired."""
    for attempt in range(attempts):
        run = run_now(app, job_id, "catch_up")
        if run.status != "skipped: locked" or attempt == attempts - 1:
            return run
        time.sleep(int(app.config["JOB_LEASE_SECONDS"]) + 1)
    return run


def trigger_for(spec: JobSpec, config: Any) -> CronTrigger:
    try:
        return CronTrigger.from_crontab(cron_for(spec, config), timezone=TIMEZONE)
    except ValueError as exc:
        raise click.UsageError(f"{spec.cron_setting}={cron_for(spec, config)!r} is not a crontab: {exc}") from None


def last_fire_before(trigger: CronTrigger, now: datetime, lookback: timedelta) -> datetime | None:
    """The most recent scheduled time at or before ``now`` within ``lookback``."""
    last, cursor = None, now - lookback
    while (fire := trigger.get_next_fire_time(None, cursor)) is not None and fire <= now:
        last, cursor = fire, fire + timedelta(seconds=1)
    return last


def missed_jobs(app: Flask, now: datetime) -> list[str]:
    """Jobs whose latest scheduled time passed with no finished run since (downtime, or a run
    that failed, was killed — ``failed (abandoned)`` — or was skipped for the lock)."""
    lookback = timedelta(days=int(app.config["JOB_CATCH_UP_LOOKBACK_DAYS"]))
    missed = []
    with app.extensions["jm.sessions"]() as session:
        for spec in JOBS.values():
            due = last_fire_before(trigger_for(spec, app.config), now, lookback)
            if due is None:
                continue
            statuses = session.scalars(select(JobRun.status).where(JobRun.job == spec.id, JobRun.started_at >= due))
            if not any(is_done(status) for status in statuses):
                missed.append(spec.id)
    return missed


def build_scheduler(app: Flask, scheduler: BaseScheduler | None = None,
                    now: datetime | None = None) -> BaseScheduler:
    """Add every job with its fixed id and cron; missed runs are caught up once at start."""
    scheduler = scheduler or BlockingScheduler(timezone=TIMEZONE)
    grace = int(app.config["JOB_MISFIRE_GRACE_SECONDS"])
    scheduler.configure(executors={"default": ThreadPoolExecutor(4)}, timezone=TIMEZONE)
    options = {"coalesce": True, "max_instances": 1, "misfire_grace_time": grace, "replace_existing": True}
    now = now or datetime.now(scheduler.timezone)
    for spec in JOBS.values():
        scheduler.add_job(run_now, trigger_for(spec, app.config), args=(app, spec.id), id=spec.id,
                          name=spec.description, **options)
    for job_id in missed_jobs(app, now):
        scheduler.add_job(catch_up, "date", run_date=now, args=(app, job_id),
                          id=f"{job_id}:catch_up", name=f"{job_id} catch-up (补跑)", **options)
    return scheduler


def register(app: Flask) -> None:
    @app.cli.command("scheduler")
    def scheduler_command() -> None:
        """Run the job scheduler in this process (blocking; one per deployment)."""
        flask_app = current_app._get_current_object()
        scheduler = build_scheduler(flask_app)
        jobs = {j.id: str(j.trigger) for j in scheduler.get_jobs()}
        log.info("scheduler starting", extra={"jobs": jobs, "timezone": TIMEZONE})

        def stop(signum: int, _frame: Any) -> None:
            if scheduler.running:  # a second signal while stopping is ignored
                log.info("scheduler stopping", extra={"signal": signum})
                scheduler.shutdown(wait=False)

        signal.signal(signal.SIGTERM, stop)
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
        log.info("scheduler stopped")

    jobs_group = AppGroup("jobs", help="Scheduled jobs: run one now, list them.")

    @jobs_group.command("run")
    @click.argument("name", type=click.Choice(sorted(JOBS)))
    def jobs_run(name: str) -> None:
        """Run one job now (takes the job's lock; recorded in job_runs)."""
        run = run_now(current_app._get_current_object(), name, trigger="manual")
        click.echo(json.dumps({"job": run.job, "run_id": run.id, "status": run.status, "counts": run.counts},
                              ensure_ascii=False, default=str))
        if run.status == "error":
            raise SystemExit(1)

    @jobs_group.command("list")
    def jobs_list() -> None:
        """Show each job's id, crontab (and the variable that sets it) and description."""
        for spec in JOBS.values():
            click.echo(f"{spec.id:<16} {cron_for(spec, current_app.config):<14} {spec.cron_setting:<26} "
                       f"{spec.description}")

    app.cli.add_command(jobs_group)
