"""Scheduled jobs: locks between two schedulers, recorded runs, ranking jobs that need no wiring,
idempotent re-runs after a crash, follow-up reminders, the scheduler's jobs and catch-up."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select, update

from api.commands.scheduler import build_scheduler, missed_jobs
from models import clock
from models.scheduling.runner import JOBS, job_lock, run_job
from models.access.tables import User
from models.scheduling.tables import JobRun
from models.notifications.tables import OutboxMessage
from models.placements.tables import FollowUp, Recommendation
from models.postings.tables import Posting
from models.placements.tracking import add_months
from tests.factories import posting_payload
from tests.subsidies.conftest import add_placement, add_worker, county_policy
from training import scheduled as scheduled_jobs

TODAY = clock.today()


def run(app, job_id: str, holder: str = "test-a", **config):
    return run_job(job_id, sessions=app.extensions["jm.sessions"], engine=app.extensions["jm.engine"],
                   config={**app.config, **config}, today=TODAY, vault=app.extensions["jm.vault"], holder=holder)


def test_a_second_scheduler_does_not_run_a_locked_job(app, api, db_session):
    county_policy(db_session, "template-transport")
    add_placement(db_session, add_worker(api, 1), start=add_months(TODAY, -4))
    with job_lock(app.extensions["jm.engine"], "eligibility", holder="scheduler-1") as held:
        assert held is not None
        second = run(app, "eligibility", holder="scheduler-2")
        assert second.status == "skipped: locked" and second.finished_at is not None
    first = run(app, "eligibility", holder="scheduler-1")
    assert first.status == "ok" and first.counts["claims_created"] == 1
    statuses = [r.status for r in db_session.scalars(select(JobRun).order_by(JobRun.id))]
    assert statuses == ["skipped: locked", "ok"]


def test_an_expired_sqlite_lease_can_be_taken_over(app):
    if app.extensions["jm.engine"].dialect.name != "sqlite":
        pytest.skip("leases are the SQLite mechanism; PostgreSQL locks die with their connection")
    engine = app.extensions["jm.engine"]
    with job_lock(engine, "outbox", holder="crashed", lease_seconds=-1) as held:
        assert held is not None
        with job_lock(engine, "outbox", holder="successor") as taken:
            assert taken is not None


def test_the_ranking_jobs_build_their_own_ranker_and_run_on_an_empty_database(app):
    nightly = run(app, "recommendations")
    assert nightly.status == "ok" and nightly.counts == {"workers": 0, "recommendations": 0, "messages": 0}
    weekly = run(app, "retraining")
    assert weekly.status == "ok" and weekly.counts["trained"] is None and weekly.counts["promoted"] is False


def test_recommendation_refresh_killed_midway_and_rerun_adds_nothing_twice(app, api, db_session, monkeypatch):
    workers = [add_worker(api, seq) for seq in range(1, 5)]
    for _ in range(3):
        api.post("employer", "/api/v1/postings", json=posting_payload())
    stored = {"n": 0}
    real_store = scheduled_jobs.store_lists

    def dies_on_the_third_batch(session, *args, **kwargs):
        stored["n"] += 1
        if stored["n"] == 3:
            raise RuntimeError("process killed")  # before this batch's transaction commits
        return real_store(session, *args, **kwargs)

    monkeypatch.setattr(scheduled_jobs, "WORKER_BATCH", 1)
    monkeypatch.setattr(scheduled_jobs, "store_lists", dies_on_the_third_batch)
    crashed = run(app, "recommendations")
    assert crashed.status == "error" and "process killed" in crashed.error
    first = db_session.scalars(select(Recommendation)).all()
    assert {r.worker_id for r in first} == set(workers[:2])
    db_session.rollback()
    again = run(app, "recommendations")
    assert again.status == "ok" and again.counts["workers"] == 4
    assert again.counts["recommendations"] == again.counts["after_n_pairs"] - len(first)
    rows = db_session.scalars(select(Recommendation)).all()
    assert len(rows) == again.counts["after_n_pairs"] and {r.worker_id for r in rows} == set(workers)
    for worker in workers:
        assert sorted(r.rank for r in rows if r.worker_id == worker) == list(range(1, 4))
    sms = db_session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "new_recommendations")).all()
    assert sorted(m.recipient_id for m in sms) == sorted(workers) and all(m.channel == "sms" for m in sms)
    assert again.counts["messages"] == 2
    assert run(app, "recommendations").counts["recommendations"] == 0


def test_follow_up_reminders_and_at_risk_alerts_are_written_once(app, api, db_session):
    worker = add_worker(api, 1)
    placement = add_placement(db_session, worker, start=add_months(TODAY, -3) - timedelta(days=5))
    first = run(app, "followups")
    assert first.status == "ok" and (first.counts["reminders"], first.counts["at_risk"]) == (1, 1)
    keys = set(db_session.scalars(select(OutboxMessage.dedupe_key)))
    assert any(k.startswith(f"followup:{placement.id}:3:user:") for k in keys)
    assert any(k.startswith(f"at_risk:{placement.id}:overdue:1:") for k in keys)
    assert run(app, "followups").counts == {"placements": 1, "reminders": 0, "at_risk": 0, "unrouted": 0}
    db_session.add(FollowUp(placement_id=placement.id, contact_date=TODAY, still_employed=True, wage_received=False))
    db_session.commit()
    third = run(app, "followups")
    assert third.counts["at_risk"] == 1 and third.counts["reminders"] == 0
    messages = db_session.scalars(select(OutboxMessage)).all()
    assert len(messages) == 3 and all(m.recipient_kind == "user" and m.channel == "inbox" for m in messages)


def test_alerts_of_a_county_without_bureau_users_are_counted_as_unrouted(app, api, db_session):
    worker = add_worker(api, 1)
    placement = add_placement(db_session, worker, start=add_months(TODAY, -3) - timedelta(days=5))
    db_session.execute(update(User).where(User.role == "bureau").values(active=False))
    db_session.commit()
    for _ in range(2):  # not queued, so reported again on every run
        counts = run(app, "followups").counts
        assert counts["unrouted"] == 2 and counts["reminders"] == counts["at_risk"] == 0
    assert not db_session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.contains(
        f":{placement.id}:"))).all()


def test_posting_expiry_job_expires_old_postings(app, api, db_session):
    posting = api.post("employer", "/api/v1/postings", json=posting_payload()).get_json()["id"]
    db_session.execute(update(Posting).where(Posting.id == posting).values(expires_on=TODAY - timedelta(days=1)))
    db_session.commit()
    assert run(app, "posting_expiry").counts == {"expired": 1}
    assert run(app, "posting_expiry").counts == {"expired": 0}


def test_jobs_run_command_and_the_jobs_endpoint(runner, api):
    result = runner.invoke(args=["jobs", "run", "posting_expiry"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["status"] == "ok"
    body = api.get("admin", "/api/v1/jobs").get_json()
    assert {j["id"] for j in body["jobs"]} == set(JOBS) and body["items"][0]["job"] == "posting_expiry"
    assert next(j for j in body["jobs"] if j["id"] == "eligibility")["cron_setting"] == "JOB_CRON_ELIGIBILITY"
    assert api.get("bureau", "/api/v1/jobs?job=posting_expiry").get_json()["total"] == 1
    assert api.get("employer", "/api/v1/jobs").status_code == 403
    assert api.get("admin", "/api/v1/jobs?job=nope").status_code == 422


def test_scheduler_has_fixed_ids_configurable_crons_and_catches_up_once(app, db_session):
    app.config["JOB_CRON_ELIGIBILITY"] = "45 3 * * *"
    now = datetime.now(BackgroundScheduler(timezone="Asia/Shanghai").timezone)
    assert set(missed_jobs(app, now)) == set(JOBS)  # a fresh database: every job is due once
    for job_id in JOBS:
        db_session.add(JobRun(job=job_id, holder="t", status="ok", counts={}))
    db_session.commit()
    later = now + timedelta(hours=1, minutes=1)
    assert {"posting_expiry", "outbox"} <= set(missed_jobs(app, later))  # hourly and 5-minutely jobs fell due
    scheduler = build_scheduler(app, BackgroundScheduler(), now=now)
    jobs = {j.id: j for j in scheduler.get_jobs()}
    assert set(JOBS) <= set(jobs)
    assert not any(k.endswith(":catch_up") for k in jobs)  # everything ran since its last due time
    trigger = str(jobs["eligibility"].trigger)
    assert "hour='3'" in trigger and "minute='45'" in trigger
    assert all(j.coalesce and j.max_instances == 1 and j.misfire_grace_time >= 60 for j in jobs.values())


def test_a_missed_run_is_caught_up_once(app, db_session):
    now = datetime.now(BackgroundScheduler(timezone="Asia/Shanghai").timezone)
    for job_id in JOBS:
        if job_id != "eligibility":
            db_session.add(JobRun(job=job_id, holder="t", status="ok", counts={}))
    db_session.commit()
    scheduler = build_scheduler(app, BackgroundScheduler(), now=now)
    catch_ups = [j for j in scheduler.get_jobs() if j.id.endswith(":catch_up")]
    assert [j.id for j in catch_ups] == ["eligibility:catch_up"] and catch_ups[0].args[1] == "eligibility"
