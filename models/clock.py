"""Dates as the programme sees them: China Standard Time (UTC+8, no daylight saving)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


def today() -> date:
    return datetime.now(CST).date()
