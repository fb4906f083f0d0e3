"""Scheduled job of the subsidies domain: the daily eligibility check (idempotent: UNIQUE claims)."""
from __future__ import annotations

from typing import Any

from models.scheduling.runner import JobContext, job
from models.subsidies import claims as claim_service


@job("eligibility", cron="15 2 * * *", description="Daily subsidy eligibility check (每日补贴资格核查)")
def check_eligibility(ctx: JobContext) -> dict[str, Any]:
    return claim_service.run_eligibility(sessions=ctx.sessions, as_of=ctx.today, heartbeat=ctx.heartbeat,
                                        partition_size=int(ctx.config["BATCH_PARTITION_SIZE"]))
