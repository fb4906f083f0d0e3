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
