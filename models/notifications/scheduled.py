"""Scheduled job of the notifications domain: deliver pending outbox messages."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from models.notifications import outbox as outbox_service
from models.notifications.tables import OutboxMessage
from models.scheduling.runner import JobContext, job
from models.workers import service as worker_service
from models.workers.tables import Worker


@job("outbox", cron="*/5 * * * *", description="Deliver pending notifications (发送通知)")
def deliver_outbox(ctx: JobContext) -> dict[str, Any]:
    adapter = outbox_service.ADAPTERS[ctx.config["OUTBOX_ADAPTER"]]()

    def address_of(session: Session, message: OutboxMessage) -> str | None:
        if message.recipient_kind == "user":
            return f"user:{message.recipient_id}"
        worker = session.get(Worker, message.recipient_id)
        if worker is None or worker.phone_enc is None or ctx.vault is None:
            return None
        return worker_service.reveal(worker, ctx.vault)[1]

    settled = outbox_service.recover_stuck(
        sessions=ctx.sessions, adapter=adapter,
        older_than=timedelta(minutes=int(ctx.config.get("OUTBOX_SENDING_TIMEOUT_MINUTES", 15))))
    counts = outbox_service.deliver(sessions=ctx.sessions, adapter=adapter, address_of=address_of)
    return {**counts, **settled}
