"""The competition for a posting's openings on a given day, from the applications table.

Whether an interview ends in a hire depends on who else wants the job: in the programme's
history the hiring rate of interviews falls as more workers join and each posting draws more
applications, and the pair features do not say so. :class:`ApplicationTimeline` indexes every
application by (posting, day made) and (posting, day decided), so the applications pending
on a posting — and those of the last :data:`RECENT_DAYS` days — can be counted as of any day
for many pairs at once (two binary searches per pair). Training reads them as of each pair's
first contact, the fair planner as of the fair's day (``training.fairs``), both through
:meth:`ApplicationTimeline.competition`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import func, select

from matching.features import FEATURE_INDEX
from models.placements.tables import Application, ApplicationEvent

RECENT_DAYS = 14
"""Window of the "recent applications" competition column."""
COMPETITION_NAMES = ("pending_applications_per_opening", "recent_applications_per_opening")
"""Columns the hire model takes after the pair features (:meth:`ApplicationTimeline.competition`)."""
DECIDED = ("hired", "rejected", "withdrawn")
_NEVER = date.max.toordinal()
_SPAN = 1 << 22
"""Key of (posting, day): posting * _SPAN + ordinal (every date ordinal is below it)."""


@dataclass(frozen=True)
class ApplicationTimeline:
    """When each application to a posting was made and decided, as sorted (posting, day) keys:
    how many applications compete for a posting's openings on any day, without a query per day.

    An application counts from the day after it was made (the pair's own, made on its first
    contact, is not its own competition) until the day it was decided (hired, rejected or
    withdrawn; never for one still pending).
    """

    made: np.ndarray
    decided: np.ndarray

    @classmethod
    def from_rows(cls, posting_id: Iterable[int], made: Iterable[int], decided: Iterable[int]) -> ApplicationTimeline:
        """From one row per application: its posting, the ordinal of the day it was made and of
        the day it was decided (``date.max.toordinal()`` while pending)."""
        posting = np.asarray(list(posting_id), dtype=np.int64)
        return cls(np.sort(posting * _SPAN + np.asarray(list(made), dtype=np.int64)),
                   np.sort(posting * _SPAN + np.asarray(list(decided), dtype=np.int64)))

    @classmethod
    def load(cls, session, posting_ids: Iterable[int] | None = None) -> ApplicationTimeline:  # noqa: ANN001 - Session
        """Every application (or those of ``posting_ids``) with its first deciding event."""
        decided_at = (select(ApplicationEvent.application_id, func.min(ApplicationEvent.at).label("at"))
                      .where(ApplicationEvent.to_state.in_(DECIDED))
                      .group_by(ApplicationEvent.application_id).subquery())
        query = (select(Application.posting_id, Application.created_at, Application.state,
                        Application.updated_at, decided_at.c.at)
                 .outerjoin(decided_at, decided_at.c.application_id == Application.id))
        chunks = [None] if posting_ids is None else _chunks(sorted(set(posting_ids)), 2000)
        rows: list[tuple[int, int, int]] = []
        for chunk in chunks:
            q = query if chunk is None else query.where(Application.posting_id.in_(chunk))
            for posting, created, state, updated, at in session.execute(q):
                # a decided application without its event (older data): its last update decided it
                end = at if at is not None else updated if state in DECIDED else None
                rows.append((posting, created.date().toordinal(), _NEVER if end is None else end.date().toordinal()))
        if not rows:
            return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        posting, made, decided = zip(*rows)
        return cls.from_rows(posting, made, decided)

    def _before(self, keys: np.ndarray, posting: np.ndarray, day: np.ndarray) -> np.ndarray:
        return np.searchsorted(keys, posting * _SPAN + day) - np.searchsorted(keys, posting * _SPAN)

    def counts(self, posting_ids, days) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001 - array-likes
        """Applications pending at the start of each ``days[k]`` for ``posting_ids[k]``, and
        applications made in the :data:`RECENT_DAYS` days before it."""
        posting = np.asarray(posting_ids, dtype=np.int64)
        day = np.asarray(days, dtype=np.int64)
        made = self._before(self.made, posting, day)
        pending = made - self._before(self.decided, posting, day)
        recent = made - self._before(self.made, posting, day - RECENT_DAYS)
        return pending.astype(np.float64), recent.astype(np.float64)

    def competition(self, posting_ids, days, X: np.ndarray) -> np.ndarray:  # noqa: ANN001 - array-likes
        """``(n, 2)`` columns :data:`COMPETITION_NAMES` of pairs whose features are ``X``: pending
        and recent applications per opening left (the pair features' ``openings_left_log``)."""
        pending, recent = self.counts(posting_ids, days)
        left = np.rint(np.expm1(np.asarray(X, dtype=np.float64)[:, FEATURE_INDEX["openings_left_log"]]))
        per = np.maximum(left, 0.5)  # a full posting: the competition counts double
        return np.column_stack([pending / per, recent / per])


def _chunks(items: list[int], size: int):  # noqa: ANN202 - a generator
    for i in range(0, len(items), size):
        yield items[i:i + size]
