"""Write notifications to the outbox and deliver them through a pluggable adapter.

At most once: a deliverer claims a batch with a conditional UPDATE pending→sending under
its own claim token and commits before sending anything, so two deliverers never hold the
same message. A message left in ``sending`` by a crash is never resent blindly: after
``OUTBOX_SENDING_TIMEOUT_MINUTES`` the adapter is asked whether it went out
(``delivery_status``): sent → ``sent``, certainly not → ``pending`` again, unknown →
``unknown``, which every run reports until someone checks it by hand.

That is why ``claim_batch`` and ``deliver`` commit themselves: they are the delivery job's
multi-transaction batch, not request-side use cases. ``enqueue`` only adds to the caller's
transaction, so a notification is written together with what it announces.
"""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.db.base import utcnow
from models.notifications.tables import OutboxMessage
from models.db.upsert import insert_ignore, insert_ignore_many

log = logging.getLogger("jingmeng.outbox")
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Delivery:
    message_id: int
    kind: str
    channel: str
    address: str
    subject: str
    body: str


class DeliveryRejected(Exception):
    """Raised by an adapter when the message was certainly not sent (safe to retry)."""


class Adapter(Protocol):
    def send(self, delivery: Delivery) -> None:
        """Deliver or raise; ``DeliveryRejected`` means nothing went out."""

    def delivery_status(self, message_id: int) -> str | None:
        """``"sent"``, ``"not_sent"`` or None (cannot tell) for a message whose send was
        interrupted; gateways that keep a client reference can answer (optional method)."""


class LoggingAdapter:
    """Development adapter: logs that a message would go out (never the phone number or body)."""

    name = "log"

    def send(self, delivery: Delivery) -> None:
        log.info("notification", extra={"message_id": delivery.message_id, "kind": delivery.kind,
                                        "channel": delivery.channel, "subject": delivery.subject,
                                        "chars": len(delivery.body)})


ADAPTERS: dict[str, Callable[[], Adapter]] = {"log": LoggingAdapter}


def register_adapter(name: str, factory: Callable[[], Adapter]) -> None:
    """Plug in a real SMS gateway: ``register_adapter("sms-gw", MyGateway)``, OUTBOX_ADAPTER=sms-gw."""
    ADAPTERS[name] = factory


def enqueue(session: Session, *, dedupe_key: str, kind: str, channel: str, recipient_kind: str,
            recipient_id: int, subject: str, body: str) -> bool:
    """Add a message unless one with this dedupe key exists; True when added."""
    return insert_ignore(session, OutboxMessage, dict(
        dedupe_key=dedupe_key, kind=kind, channel=channel, recipient_kind=recipient_kind,
        recipient_id=recipient_id, subject=subject[:160], body=body, status="pending", attempts=0,
        created_at=utcnow()), ("dedupe_key",))


@dataclass(frozen=True)
class Message:
    """One notification to queue with ``enqueue_many``."""

    dedupe_key: str
    kind: str
    channel: str
    recipient_kind: str
    recipient_id: int
    subject: str
    body: str


def enqueue_many(session: Session, messages: list[Message]) -> list[str]:
    """``enqueue`` for many messages in a few statements; returns the dedupe keys added."""
    now = utcnow()
    return insert_ignore_many(session, OutboxMessage, [dict(
        dedupe_key=m.dedupe_key, kind=m.kind, channel=m.channel, recipient_kind=m.recipient_kind,
        recipient_id=m.recipient_id, subject=m.subject[:160], body=m.body, status="pending", attempts=0,
        created_at=now) for m in messages], ("dedupe_key",), returning="dedupe_key")


def claim_batch(session: Session, *, limit: int) -> str | None:
    """Move up to ``limit`` pending messages to ``sending`` under a new token (committed)."""
    ids = list(session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "pending")
                               .order_by(OutboxMessage.id).limit(limit)))
    if not ids:
        return None
    token = uuid.uuid4().hex
    session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status == "pending")
                    .values(status="sending", claim_token=token, claimed_at=utcnow(),
                            attempts=OutboxMessage.attempts + 1)
                    .execution_options(synchronize_session=False))
    session.commit()
    return token


def recover_stuck(*, sessions: sessionmaker[Session], adapter: Adapter, older_than: timedelta) -> dict[str, int]:
    """Settle messages left in ``sending`` by a crashed deliverer (claimed before ``older_than``)."""
    counts = {"stuck_sent": 0, "stuck_requeued": 0, "stuck_unknown": 0}
    ask = getattr(adapter, "delivery_status", None)
    with sessions() as session:
        stuck = list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.status == "sending", OutboxMessage.claimed_at < utcnow() - older_than)))
        for message in stuck:
            verdict = ask(message.id) if ask else None
            if verdict == "sent":
                values = dict(status="sent", sent_at=utcnow(), error="confirmed by the gateway after an interrupted run")
                counts["stuck_sent"] += 1
            elif verdict == "not_sent":
                values = dict(status="pending" if message.attempts < MAX_ATTEMPTS else "failed",
                              error="interrupted before sending (confirmed by the gateway)")
                counts["stuck_requeued"] += 1
            else:
                values = dict(status="unknown", error="interrupted while sending; the gateway cannot tell "
                                                      "whether it went out: check by hand")
                counts["stuck_unknown"] += 1
            session.execute(update(OutboxMessage).where(
                OutboxMessage.id == message.id, OutboxMessage.status == "sending",
                OutboxMessage.claim_token == message.claim_token).values(**values)
                .execution_options(synchronize_session=False))
        session.commit()
        unknown = session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "unknown")) or 0
    if stuck:
        log.warning("interrupted notifications settled", extra=counts)
    return {**counts, "unknown_total": unknown}


def deliver(*, sessions: sessionmaker[Session], adapter: Adapter,
            address_of: Callable[[Session, OutboxMessage], str | None], batch_size: int = 100,
            max_batches: int = 50) -> dict[str, int]:
    """Send pending messages; every message is marked sent/failed in its own commit."""
    counts = {"sent": 0, "failed": 0, "retry": 0}
    for _ in range(max_batches):
        with sessions() as session:
            token = claim_batch(session, limit=batch_size)
            if token is None:
                break
            batch = list(session.scalars(select(OutboxMessage).where(
                OutboxMessage.claim_token == token, OutboxMessage.status == "sending").order_by(OutboxMessage.id)))
            for message in batch:
                outcome, error = _send_one(session, adapter, address_of, message)
                session.execute(update(OutboxMessage).where(
                    OutboxMessage.id == message.id, OutboxMessage.claim_token == token,
                    OutboxMessage.status == "sending").values(
                        status=outcome, error=error, sent_at=utcnow() if outcome == "sent" else None)
                    .execution_options(synchronize_session=False))
                session.commit()
                counts["retry" if outcome == "pending" else outcome] += 1
    return counts


def _send_one(session: Session, adapter: Adapter, address_of: Callable[[Session, OutboxMessage], str | None],
              message: OutboxMessage) -> tuple[str, str | None]:
    address = address_of(session, message)
    if not address:
        return "failed", "no address (erased worker or no phone)"
    try:
        adapter.send(Delivery(message.id, message.kind, message.channel, address, message.subject, message.body))
    except DeliveryRejected as exc:
        return ("pending" if message.attempts < MAX_ATTEMPTS else "failed"), str(exc)[:500]
    except Exception as exc:  # the gateway may have sent it: never retry (at most once)
        log.warning("notification delivery failed", extra={"message_id": message.id, "error": str(exc)[:300]})
        return "failed", str(exc)[:500]
    return "sent", None
