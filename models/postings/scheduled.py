"""Scheduled job of the postings domain: hourly expiry."""
from __future__ import annotations

from typing import Any

from models.postings import service as posting_service
from models.scheduling.runner import JobContext, job


@job("posting_expiry", cron="5 * * * *", description="Hourly posting expiry (岗位过期)")
def expire_postings(ctx: JobContext) -> dict[str, Any]:
    with ctx.sessions() as session:
        expired = posting_service.expire_postings(session=session, today=ctx.today)
        session.commit()
    return {"expired": expired}
