"""Notifications outbox: one message per dedupe key, each delivered at most once."""
from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select

from models import clock
from models.notifications import outbox as outbox_service
from models.scheduling.runner import run_job
from models.notifications.tables import OutboxMessage
from tests.concurrency import at_once
from tests.factories import worker_payload
from tests.subsidies.conftest import add_worker


class Recorder:
    """Stands in for an SMS gateway (an external system): remembers what it was asked to send."""

    def __init__(self, fail_with: Exception | None = None) -> None:
        self.sent: list[outbox_service.Delivery] = []
        self.fail_with = fail_with
        self.lock = threading.Lock()

    def send(self, delivery: outbox_service.Delivery) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        with self.lock:
            self.sent.append(delivery)


def add_messages(session, n: int, kind: str = "followup_reminder") -> None:
    for i in range(n):
        outbox_service.enqueue(session, dedupe_key=f"t:{i}", kind=kind, channel="inbox", recipient_kind="user",
                               recipient_id=1, subject=f"提醒 {i}", body="回访到期")
    session.commit()


def user_address(_session, message):
    return f"user:{message.recipient_id}"


def test_the_same_dedupe_key_is_written_once(db_session):
    assert outbox_service.enqueue(db_session, dedupe_key="k", kind="x", channel="inbox", recipient_kind="user",
                                  recipient_id=1, subject="s", body="b")
    assert not outbox_service.enqueue(db_session, dedupe_key="k", kind="x", channel="inbox", recipient_kind="user",
                                      recipient_id=1, subject="s2", body="b2")
    db_session.commit()
    assert [m.subject for m in db_session.scalars(select(OutboxMessage))] == ["s"]


def test_concurrent_deliverers_send_each_message_once(db_session, sessions):
    add_messages(db_session, 40)
    gateway = Recorder()
    at_once(lambda _: outbox_service.deliver(sessions=sessions, adapter=gateway, address_of=user_address,
                                            batch_size=5), range(4))
    counts = Counter(d.message_id for d in gateway.sent)
    assert len(counts) == 40 and set(counts.values()) == {1}
    db_session.expire_all()
    assert {m.status for m in db_session.scalars(select(OutboxMessage))} == {"sent"}
    assert outbox_service.deliver(sessions=sessions, adapter=gateway, address_of=user_address)["sent"] == 0


def test_a_batch_claimed_by_a_crashed_deliverer_is_not_resent(db_session, sessions):
    add_messages(db_session, 3)
    with sessions() as session:
        assert outbox_service.claim_batch(session, limit=2) is not None  # then the process dies
    gateway = Recorder()
    counts = outbox_service.deliver(sessions=sessions, adapter=gateway, address_of=user_address)
    assert counts["sent"] == 1 and len(gateway.sent) == 1
    db_session.expire_all()
    assert Counter(m.status for m in db_session.scalars(select(OutboxMessage))) == {"sending": 2, "sent": 1}


def test_an_uncertain_failure_is_not_retried_but_a_rejection_is(db_session, sessions):
    add_messages(db_session, 1)
    failed = outbox_service.deliver(sessions=sessions, adapter=Recorder(RuntimeError("timeout")),
                                    address_of=user_address)
    assert failed == {"sent": 0, "failed": 1, "retry": 0}
    add_messages(db_session, 2)  # t:0 exists already, t:1 is new
    rejected = outbox_service.deliver(sessions=sessions, adapter=Recorder(outbox_service.DeliveryRejected("busy")),
                                      address_of=user_address, max_batches=1)
    assert rejected["retry"] == 1
    assert outbox_service.deliver(sessions=sessions, adapter=Recorder(), address_of=user_address)["sent"] == 1


def test_worker_sms_goes_to_the_decrypted_phone_through_the_plugged_adapter(app, api, db_session, sessions):
    worker = add_worker(api, 7)
    outbox_service.enqueue(db_session, dedupe_key="rec:w", kind="new_recommendations", channel="sms",
                           recipient_kind="worker", recipient_id=worker, subject="新岗位推荐", body="推荐了3个岗位")
    db_session.commit()
    gateway = Recorder()
    outbox_service.register_adapter("test-gateway", lambda: gateway)
    try:
        result = run_job("outbox", sessions=sessions, engine=app.extensions["jm.engine"],
                         config={**app.config, "OUTBOX_ADAPTER": "test-gateway"}, today=clock.today(),
                         vault=app.extensions["jm.vault"])
    finally:
        outbox_service.ADAPTERS.pop("test-gateway")
    assert result.status == "ok" and result.counts["sent"] == 1
    assert [d.address for d in gateway.sent] == [worker_payload(seq=7)["phone"]]


class _GatewayThatKnows:
    """A gateway keeping client references: it can tell whether message 1 went out."""

    def __init__(self, sent_ids: set[int]) -> None:
        self.sent_ids, self.sent = sent_ids, []

    def send(self, delivery):
        self.sent.append(delivery.message_id)

    def delivery_status(self, message_id: int) -> str | None:
        return "sent" if message_id in self.sent_ids else "not_sent"


def test_messages_stuck_in_sending_after_a_crash_are_settled_never_left_silent(db_session, sessions):
    from datetime import timedelta

    from sqlalchemy import update

    from models.db.base import utcnow

    add_messages(db_session, 3)
    token = outbox_service.claim_batch(db_session, limit=3)  # the deliverer dies here
    assert token is not None
    fresh = outbox_service.recover_stuck(sessions=sessions, adapter=outbox_service.LoggingAdapter(),
                                         older_than=timedelta(minutes=15))
    assert fresh == {"stuck_sent": 0, "stuck_requeued": 0, "stuck_unknown": 0, "unknown_total": 0}
    db_session.execute(update(OutboxMessage).values(claimed_at=utcnow() - timedelta(minutes=20)))
    db_session.commit()
    ids = sorted(db_session.scalars(select(OutboxMessage.id)))
    gateway = _GatewayThatKnows({ids[0]})
    # A gateway that can tell: the sent one is recorded sent, the others go out once now.
    settled = outbox_service.recover_stuck(sessions=sessions, adapter=gateway, older_than=timedelta(minutes=15))
    assert settled == {"stuck_sent": 1, "stuck_requeued": 2, "stuck_unknown": 0, "unknown_total": 0}
    counts = outbox_service.deliver(sessions=sessions, adapter=gateway, address_of=user_address)
    assert counts["sent"] == 2 and sorted(gateway.sent) == ids[1:]
    # The log adapter cannot tell: the message is marked unknown and reported on every run.
    outbox_service.enqueue(db_session, dedupe_key="alert:1", kind="at_risk_alert", channel="inbox",
                           recipient_kind="user", recipient_id=1, subject="预警", body="回访逾期")
    db_session.commit()
    outbox_service.claim_batch(db_session, limit=1)
    db_session.execute(update(OutboxMessage).where(OutboxMessage.status == "sending")
                       .values(claimed_at=utcnow() - timedelta(minutes=20)))
    db_session.commit()
    first = outbox_service.recover_stuck(sessions=sessions, adapter=outbox_service.LoggingAdapter(),
                                         older_than=timedelta(minutes=15))
    again = outbox_service.recover_stuck(sessions=sessions, adapter=outbox_service.LoggingAdapter(),
                                         older_than=timedelta(minutes=15))
    assert first["stuck_unknown"] == 1 and first["unknown_total"] == 1 and again["unknown_total"] == 1
    db_session.expire_all()
    assert db_session.scalar(select(OutboxMessage.status).where(OutboxMessage.kind == "at_risk_alert")) == "unknown"
