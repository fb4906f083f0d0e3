"""Jobs recover from a crash: a killed run is marked abandoned, its job runs again (within a
minute on SQLite), nothing is done twice, and the scheduler's catch-up re-runs it.

The fault test kills a real ``jingmeng jobs run eligibility`` process with SIGKILL in the
middle of its writes (each partition's bulk write is slowed down in that process, one placement a partition,
so the kill lands midway).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select

from api.commands.scheduler import missed_jobs
from models import clock
from models.db.base import utcnow
from models.placements.tracking import add_months
from models.scheduling.runner import ABANDONED, DEFAULT_LEASE_SECONDS, JOBS, run_job
from models.scheduling.tables import JobRun
from models.subsidies.tables import SubsidyClaim
from tests.conftest import ENC_KEY, INDEX_KEY
from tests.subsidies.conftest import add_placement, add_worker, county_policy

TODAY = clock.today()


def run(app, job_id: str, **config):
    return run_job(job_id, sessions=app.extensions["jm.sessions"], engine=app.extensions["jm.engine"],
                   config={**app.config, **config}, today=TODAY, vault=app.extensions["jm.vault"])


def rerun_after_the_kill(app, job_id: str, **config) -> None:
    """Run a killed job again as the next trigger or catch-up would, until it is no longer
    skipped for the dead holder's lease: it must finish ``ok`` within two minutes."""
    killed_at, attempts = time.monotonic(), []
    while True:
        result = run(app, job_id, **config)
        attempts.append(result.status)
        if result.status != "skipped: locked" or time.monotonic() - killed_at > 120:
            break
        time.sleep(0.5)
    assert result.status == "ok", attempts
    assert time.monotonic() - killed_at < 120


def test_the_next_run_marks_a_dead_processs_running_row_abandoned(app, db_session):
    db_session.add(JobRun(job="posting_expiry", holder="dead-host:1", trigger="schedule", status="running",
                          counts={}, started_at=utcnow() - timedelta(minutes=5)))
    db_session.commit()
    result = run(app, "posting_expiry")
    assert result.status == "ok"
    db_session.expire_all()
    statuses = db_session.execute(select(JobRun.holder, JobRun.status, JobRun.finished_at)
                                  .where(JobRun.job == "posting_expiry").order_by(JobRun.id)).all()
    assert [(h, s) for h, s, _ in statuses] == [("dead-host:1", ABANDONED), (result.holder, "ok")]
    assert all(finished is not None for _, _, finished in statuses)


def test_catch_up_reruns_a_job_whose_latest_run_did_not_finish_ok(app, db_session):
    now = datetime.now(clock.CST).replace(microsecond=0)
    for spec in JOBS.values():  # every job finished a run just now: nothing is missed
        db_session.add(JobRun(job=spec.id, holder="h", trigger="schedule", status="ok", counts={},
                              started_at=utcnow(), finished_at=utcnow()))
    db_session.commit()
    assert missed_jobs(app, now) == []
    for job_id, status in (("eligibility", ABANDONED), ("followups", "error"), ("outbox", "skipped: locked")):
        db_session.execute(JobRun.__table__.delete().where(JobRun.job == job_id))
        db_session.add(JobRun(job=job_id, holder="h", trigger="schedule", status=status, counts={},
                              started_at=utcnow(), finished_at=utcnow()))
    db_session.commit()
    assert set(missed_jobs(app, now)) == {"eligibility", "followups", "outbox"}


def test_the_sqlite_lease_is_short_so_a_killed_job_is_retried_within_two_minutes():
    assert DEFAULT_LEASE_SECONDS <= 60  # free at most a minute after the holder died


SLOW_ELIGIBILITY = textwrap.dedent("""
    import sys, time
    from models.subsidies import claims
    original = claims.record_claims
    def slow(**kw):
        time.sleep(0.25)  # stretch the run so the SIGKILL lands in the middle of its writes
        return original(**kw)
    claims.record_claims = slow
    from api.cli import main
    sys.argv = ["jingmeng", "jobs", "run", "eligibility"]
    main()
""")


def test_kill_minus_nine_in_the_middle_of_the_eligibility_job_then_run_it_again(app, api, db_session, database):
    county_policy(db_session, "template-transport")
    placements = 24
    for seq in range(1, placements + 1):
        add_placement(db_session, add_worker(api, 800 + seq), start=add_months(TODAY, -4))
    lease = 3
    env = {**os.environ, "DATABASE_URL": database.url, "PII_ENC_KEY": ENC_KEY, "PII_INDEX_KEY": INDEX_KEY,
           "MODEL_SIGNING_KEY": INDEX_KEY, "JOB_LEASE_SECONDS": str(lease), "LOG_LEVEL": "WARNING",
           "BATCH_PARTITION_SIZE": "1",
           "PYTHONPATH": os.getcwd()}
    victim = subprocess.Popen([sys.executable, "-c", SLOW_ELIGIBILITY], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    claims = 0
    while time.monotonic() < deadline and victim.poll() is None:
        db_session.expire_all()
        claims = db_session.scalar(select(func.count(SubsidyClaim.id))) or 0
        db_session.rollback()
        if claims >= 3:
            break
        time.sleep(0.05)
    assert victim.poll() is None, f"the job ended before the kill: {victim.stderr.read().decode()[-2000:]}"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    db_session.expire_all()
    assert 3 <= db_session.scalar(select(func.count(SubsidyClaim.id))) < placements
    assert db_session.scalar(select(JobRun.status).where(JobRun.job == "eligibility")) == "running"
    db_session.rollback()

    rerun_after_the_kill(app, "eligibility", JOB_LEASE_SECONDS=lease)
    db_session.expire_all()
    assert db_session.scalar(select(func.count(SubsidyClaim.id))) == placements  # none twice, none lost
    pairs = db_session.execute(select(SubsidyClaim.worker_id, func.count()).group_by(SubsidyClaim.worker_id)).all()
    assert all(n == 1 for _, n in pairs)
    statuses = db_session.scalars(select(JobRun.status).where(JobRun.job == "eligibility")
                                  .order_by(JobRun.id)).all()
    assert statuses[0] == ABANDONED and statuses[-1] == "ok" and "running" not in statuses


SLOW_OUTBOX = textwrap.dedent("""
    import os, sys, time
    from models.notifications import outbox
    class SlowGateway:
        def send(self, delivery):
            with open(os.environ["GATEWAY_LOG"], "a") as fh:  # the gateway's own record of what it sent
                fh.write(f"{delivery.message_id}\\n")
                fh.flush()
                os.fsync(fh.fileno())
            time.sleep(0.25)  # stretch the batch so the SIGKILL lands in the middle of it
    outbox.register_adapter("slow-gateway", SlowGateway)
    from api.cli import main
    sys.argv = ["jingmeng", "jobs", "run", "outbox"]
    main()
""")


def test_kill_minus_nine_in_the_middle_of_the_outbox_then_run_it_again(app, db_session, database, tmp_path):
    """A deliverer killed mid-batch leaves messages in ``sending``; the next run asks the gateway
    about them (its record says which went out), sends the rest once, and nothing stays stuck."""
    from models.notifications import outbox as outbox_service
    from models.notifications.tables import OutboxMessage

    messages = 20
    for i in range(messages):
        outbox_service.enqueue(db_session, dedupe_key=f"kill:{i}", kind="followup_reminder", channel="inbox",
                               recipient_kind="user", recipient_id=1, subject=f"提醒 {i}", body="回访到期")
    db_session.commit()
    record = tmp_path / "gateway.log"
    record.touch()
    lease = 3
    env = {**os.environ, "DATABASE_URL": database.url, "PII_ENC_KEY": ENC_KEY, "PII_INDEX_KEY": INDEX_KEY,
           "MODEL_SIGNING_KEY": INDEX_KEY, "JOB_LEASE_SECONDS": str(lease), "LOG_LEVEL": "WARNING",
           "OUTBOX_ADAPTER": "slow-gateway", "GATEWAY_LOG": str(record), "PYTHONPATH": os.getcwd()}
    victim = subprocess.Popen([sys.executable, "-c", SLOW_OUTBOX], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and victim.poll() is None and len(record.read_text().split()) < 3:
        time.sleep(0.05)
    assert victim.poll() is None, f"the job ended before the kill: {victim.stderr.read().decode()[-2000:]}"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    sent_before = [int(n) for n in record.read_text().split()]
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).where(OutboxMessage.status == "sending")) > 0
    db_session.rollback()

    class GatewayWithRecord:
        """The same gateway after the crash: it can tell from its record what went out."""

        sent: list[int] = []

        def send(self, delivery):
            GatewayWithRecord.sent.append(delivery.message_id)

        def delivery_status(self, message_id: int) -> str:
            return "sent" if message_id in sent_before else "not_sent"

    outbox_service.register_adapter("gateway-with-record", GatewayWithRecord)
    rerun_after_the_kill(app, "outbox", JOB_LEASE_SECONDS=lease, OUTBOX_ADAPTER="gateway-with-record",
                         OUTBOX_SENDING_TIMEOUT_MINUTES=0)
    db_session.expire_all()
    statuses = Counter(db_session.scalars(select(OutboxMessage.status)))
    assert statuses == {"sent": messages}  # none stuck in sending, none unknown
    everything = sent_before + GatewayWithRecord.sent
    assert sorted(everything) == sorted(set(everything)) and len(everything) == messages  # each once
    runs = db_session.scalars(select(JobRun.status).where(JobRun.job == "outbox").order_by(JobRun.id)).all()
    assert runs[0] == ABANDONED and runs[-1] == "ok" and "running" not in runs
