"""Stable-employment arithmetic (稳定就业 · 跟踪回访): pure functions over dates, no database.

Months are calendar months counted by anniversaries: ``n`` months have passed on the day
``add_months(start, n)``, where a day that does not exist in the target month is clamped to
that month's last day. So 31 Jan → 28 Feb (29 Feb in a leap year) is one month, 31 Jan →
27 Feb is none, 29 Feb 2024 → 28 Feb 2025 is twelve. ``n`` months are always counted from
the start date itself, never step by step, so 31 Jan + 2 months is 31 Mar, not 28 Mar.
"""
from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

FOLLOW_UP_MONTHS = (1, 3, 6, 12)
"""Follow-up visits are due 1, 3, 6 and 12 months after the start date."""
RETENTION_MONTHS = (3, 6, 12)
EARLY_DAYS = 14
"""A call up to two weeks before a due date counts for it."""
GRACE_DAYS = 14
"""A due follow-up becomes overdue two weeks after its due date."""
TRACKING_STATUSES = ("active", "at_risk", "ended")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def months_employed(start: date, until: date) -> int:
    """Whole calendar months from ``start`` to ``until`` (0 if ``until`` is not later).

    The one count of months employed: tracking shows it and the subsidy engine
    (``models.subsidies.rules``) compares it with a policy's required months.
    """
    if until <= start:
        return 0
    months = (until.year - start.year) * 12 + until.month - start.month
    if add_months(start, months) > until:
        months -= 1
    return max(months, 0)


@dataclass(frozen=True)
class Contact:
    """What a follow-up visit found (the fields the rules look at)."""

    contact_date: date
    still_employed: bool
    wage_received: bool | None = None
    issues: str | None = None
    next_contact: date | None = None

    @property
    def reports_problem(self) -> bool:
        return (not self.still_employed or self.wage_received is False
                or bool(self.issues and self.issues.strip()))


@dataclass(frozen=True)
class DueFollowUp:
    """A follow-up that should have happened: a milestone (months) or a scheduled call (None)."""

    months: int | None
    due: date
    days_overdue: int


def _latest(contacts: Sequence[Contact]) -> Contact | None:
    return max(contacts, key=lambda c: c.contact_date, default=None)


def milestone_met(start: date, months: int, contacts: Sequence[Contact]) -> bool:
    """Was the ``months`` follow-up made (a call from two weeks before it on counts)?"""
    # A later call also covers a missed earlier milestone: it confirms the same employment.
    earliest = add_months(start, months) - timedelta(days=EARLY_DAYS)
    return any(c.contact_date >= earliest for c in contacts)


def overdue_follow_ups(start: date, end: date | None, contacts: Sequence[Contact],
                       as_of: date) -> list[DueFollowUp]:
    """Follow-ups more than ``GRACE_DAYS`` past due with no call; none once the job has ended."""
    if end is not None and end <= as_of:
        return []
    out: list[DueFollowUp] = []
    for months in FOLLOW_UP_MONTHS:
        due = add_months(start, months)
        if as_of > due + timedelta(days=GRACE_DAYS) and not milestone_met(start, months, contacts):
            out.append(DueFollowUp(months, due, (as_of - due).days))
    latest = _latest(contacts)
    if (latest is not None and latest.next_contact is not None
            and latest.next_contact > latest.contact_date
            and as_of > latest.next_contact + timedelta(days=GRACE_DAYS)
            and all(d.due != latest.next_contact for d in out)):
        out.append(DueFollowUp(None, latest.next_contact, (as_of - latest.next_contact).days))
    return sorted(out, key=lambda d: d.due)


def next_follow_up(start: date, end: date | None, contacts: Sequence[Contact],
                   as_of: date) -> date | None:
    """The earliest follow-up still to do (a missed one first), or None when none is left."""
    if end is not None and end <= as_of:
        return None
    candidates = [add_months(start, m) for m in FOLLOW_UP_MONTHS if not milestone_met(start, m, contacts)]
    latest = _latest(contacts)
    if latest is not None and latest.next_contact is not None and latest.next_contact > latest.contact_date:
        candidates.append(latest.next_contact)
    return min(candidates, default=None)


def tracking_status(start: date, end: date | None, contacts: Sequence[Contact], as_of: date) -> str:
    """'ended' once the end date has come; 'at_risk' if a follow-up is overdue or the latest
    one reports a problem (not employed, wage not received, issues); 'active' otherwise."""
    if end is not None and end <= as_of:
        return "ended"
    latest = _latest(contacts)
    if overdue_follow_ups(start, end, contacts, as_of) or (latest is not None and latest.reports_problem):
        return "at_risk"
    return "active"


def retained_at(start: date, end: date | None, months: int, as_of: date) -> bool | None:
    """Still employed ``months`` after start? None while the placement is too recent to tell."""
    milestone = add_months(start, months)
    if milestone > as_of:
        return None
    return end is None or end >= milestone
