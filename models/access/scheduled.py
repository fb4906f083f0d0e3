"""Scheduled job of the access domain: idempotency records expire (they may carry personal data)."""
from __future__ import annotations

from typing import Any

from models.access import idempotency
from models.scheduling.runner import JobContext, job


@job("idempotency_purge", cron="20 * * * *",
     description="Hourly purge of expired idempotency records (清理过期的幂等记录)")
def purge_idempotency(ctx: JobContext) -> dict[str, Any]:
    ttl = int(ctx.config.get("IDEMPOTENCY_TTL_HOURS", 48))
    with ctx.sessions() as session:
        purged = idempotency.purge_expired(session, ttl_hours=ttl)
        session.commit()
    return {"purged": purged, "ttl_hours": ttl}
