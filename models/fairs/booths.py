"""Where and when an interview at a fair happens, as the printed lists say it (展位号、时段).

A posting's booth number is its place in the fair's posting list; the planner's queue number
at a booth (``FairInterview.booth_order``) gives the time slot: the day's first interview at
``start`` (``FAIR_INTERVIEWS_START``), one every ``minutes`` (``FAIR_INTERVIEW_MINUTES``).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from models.fairs import service as fair_service


def booth_numbers(session: Session, fair_id: int) -> dict[int, int]:
    """Booth number by posting id: 1, 2, … in the order of the fair's posting list."""
    return {p.id: k for k, (_, p) in enumerate(fair_service.postings_of(session, fair_id), 1)}


def interview_slot(booth_order: int, *, start: str = "09:00", minutes: int = 15) -> str:
    """``3`` → ``09:30–09:45`` (start 09:00, 15 minutes): the ``booth_order``-th interview's slot."""
    first = datetime.strptime(start, "%H:%M")
    if minutes < 1:
        raise ValueError("an interview lasts at least a minute")
    begin = first + timedelta(minutes=minutes * (max(int(booth_order), 1) - 1))
    return f"{begin:%H:%M}–{begin + timedelta(minutes=minutes):%H:%M}"
