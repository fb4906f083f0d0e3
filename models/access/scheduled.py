"""Scheduled jobs of the access domain: kept records that may carry personal data expire."""
from __future__ import annotations

from typing import Any

from models.access import downloads, idempotency
from models.scheduling.runner import JobContext, job


@job("idempotency_purge", cron="20 * * * *",
     description="Hourly purge of expired idempotency records (清理过期的幂等记录)")
def purge_idempotency(ctx: JobContext) -> dict[str, Any]:
    ttl = int(ctx.config.get("IDEMPOTENCY_TTL_HOURS", 48))
    with ctx.sessions() as session:
        purged = idempotency.purge_expired(session, ttl_hours=ttl)
        session.commit()
    return {"purged": purged, "ttl_hours": ttl}


@job("download_purge", cron="*/10 * * * *",
     description="Purge of expired kept downloads, e.g. a roster's rows to fix (清理过期的待修改工作簿)")
def purge_downloads(ctx: JobContext) -> dict[str, Any]:
    with ctx.sessions() as session:
        purged = downloads.purge_expired(session)
        session.commit()
    return {"purged": purged}
