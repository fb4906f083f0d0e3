"""Two to three years of history drawn from the hidden ground truth (seed.world.truth).

Postings are walked in creation order. Each is pushed to a few plausible workers
(Recommendation, ranker='history', batch 'history-<day>'); between postings the nightly
lists of seeking workers are replayed (seed.world.exposure, batch 'daily-<day>'). Some
recommended workers apply (Application + ApplicationEvent); hires never exceed a posting's
headcount and never overlap a worker's other job; each placement lasts ≥90 days with the
probability ``true_stability`` gives, ends for the reason its worst factor suggests, and
gets follow-up visits (跟踪回访) at 30, 90 and 180 days. A posting row is written when the
posting is created; its final headcount and status once it can no longer hire (``retire``).

Memory stays bounded at any scale: bookkeeping is kept only for postings that can still
hire (retired ones leave ``placed``, ``applied`` and the caches), and the row buffers are
handed to ``spill`` (the builder's insert) whenever they grow past ``SPILL_ROWS``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any

import numpy as np

from matching.destinations import TIER_DESTINATION, destination_group
from matching.profiles import PostingProfile, WorkerProfile
from seed.world import geo
from seed.world.employers import PostingTable, posting_row, workplaces
from seed.world.people import DEST_BITS, WorkerTable
from seed.world.truth import INTERCEPT, place_of, stability_factors

NEVER = date.max.toordinal()
END_BY_FACTOR = {"wage": "quit_wage", "place": "quit_homesick", "dormitory": "quit_conditions",
                 "employer": "quit_conditions", "conditions": "quit_conditions", "skills": "dismissed",
                 "language": "quit_other", "occupation": "quit_other", "age": "quit_other", "noise": "quit_family"}
SPILL_ROWS = 200_000
"""Buffered rows (all tables) above which ``maybe_spill`` hands them to ``spill``."""
TABLES = ("postings", "recommendations", "applications", "application_events", "placements", "follow_ups")


def at(day: int, minute: int = 0) -> datetime:
    """A UTC timestamp on a date ordinal (office hours in Beijing time)."""
    return datetime.combine(date.fromordinal(day), time(1 + minute // 60 % 8, minute % 60), tzinfo=timezone.utc)


@dataclass
class History:
    """Id counters, per-worker job calendar and row buffers for one world."""

    workers: WorkerTable
    postings: PostingTable
    seed: int
    as_of: date
    next_id: dict[str, int]
    busy_until: np.ndarray = field(init=False)
    rows: dict[str, list[dict[str, Any]]] = field(init=False)
    placed: dict[int, list[tuple[int, int]]] = field(init=False)
    """Posting position → its placements as (start, end or NEVER), for postings still hiring."""
    applied: dict[int, set[int]] = field(init=False)
    """Posting position → worker positions who applied (one application per pair), while hiring."""
    finished: list[dict[str, Any]] = field(init=False)
    """Final headcount and status of retired postings not yet written (see ``take_finished``)."""
    spill: Callable[[], None] | None = None
    """Called by ``maybe_spill`` to write and clear the buffered rows."""

    def __post_init__(self) -> None:
        self.busy_until = np.zeros(self.workers.n, np.int32)
        self.rows = {t: [] for t in TABLES}
        self.placed = {}
        self.applied = {}
        self.finished = []
        self._pending = 0
        self._profiles: dict[int, PostingProfile] = {}
        self._created_at: dict[int, datetime] = {}
        occ = np.concatenate([self.workers.pref[:, 0], self.workers.pref[:, 1]]).astype(np.int32)
        who = np.concatenate([np.arange(self.workers.n)] * 2).astype(np.int32)
        keep = occ >= 0
        order = np.argsort(occ[keep], kind="stable")
        self._pool, occ_sorted = who[keep][order], occ[keep][order]
        self._starts = np.searchsorted(occ_sorted, np.arange(int(occ.max(initial=0)) + 2))

    def add_row(self, table: str, row: dict[str, Any]) -> int:
        row["id"] = self.next_id[table]
        self.next_id[table] += 1
        self.rows[table].append(row)
        self._pending += 1
        return row["id"]

    def take_rows(self) -> dict[str, list[dict[str, Any]]]:
        """The buffered rows by table (parents before children); the buffers start empty again."""
        rows, self.rows, self._pending = self.rows, {t: [] for t in TABLES}, 0
        return rows

    def take_finished(self) -> list[dict[str, Any]]:
        finished, self.finished = self.finished, []
        return finished

    def maybe_spill(self) -> None:
        """Hand the buffers to ``spill`` when they are large; call only between whole steps."""
        if self.spill is not None and self._pending >= SPILL_ROWS:
            self.spill()

    def has_applied(self, w: int, j: int) -> bool:
        return w in self.applied.get(j, ())

    def hiring(self) -> list[int]:
        """Positions of the postings simulated so far that have not been retired."""
        return list(self.placed)

    def retire(self, day: int) -> None:
        """Settle every posting that can no longer hire on or after ``day``.

        The walk only moves forward in time and hires happen only up to ``end_of_hiring``,
        so such a posting's placements are complete: its final state is computed now and
        its bookkeeping dropped.
        """
        for j in [j for j in self.placed if self.end_of_hiring(j) <= day]:
            self.finished.append(dict(pid=self.postings.posting_id(j), updated_at=self._created_at.pop(j),
                                      **self._final(j)))
            del self.placed[j]
            self.applied.pop(j, None)
            self._profiles.pop(j, None)

    def _candidates(self, j: int, rng: np.random.Generator) -> np.ndarray:
        o = int(self.postings.occupation[j])
        pool = self._pool[self._starts[o]:self._starts[o + 1]] if o + 1 < len(self._starts) else self._pool[:0]
        k = int(min(25, 5 + 2 * self.postings.openings[j]))
        extra = rng.integers(0, self.workers.n, k)
        draw = np.concatenate([pool[rng.integers(0, len(pool), 4 * k)] if len(pool) else pool, extra])
        draw = np.unique(draw[self.workers.registered[draw] <= self.postings.created[j]])
        if not len(draw):
            return draw
        place = workplaces()[0][self.postings.place[j]]
        bits = np.array([DEST_BITS[geo.destination_key(geo.COUNTIES[c].code, place)]
                         for c in self.workers.county[draw]], np.uint8)
        accepts = (self.workers.dest[draw] & bits) > 0
        key = accepts * 2.0 + rng.random(len(draw))
        return draw[np.argsort(-key, kind="stable")[:k]]

    def posting(self, j: int) -> PostingProfile:
        """The engine's view of posting ``j`` (cached: the nightly lists show it many times)."""
        if j not in self._profiles:
            self._profiles[j] = self.postings.profile(j)
        return self._profiles[j]

    def end_of_hiring(self, j: int) -> int:
        """Last day posting ``j`` could hire: closed, expired or today, whichever is first."""
        pt = self.postings
        return min(int(pt.closed[j]) or NEVER, int(pt.expires[j]), self.as_of.toordinal())

    def openings_left(self, j: int, day: int) -> int:
        return int(self.postings.openings[j]) - sum(1 for s, e in self.placed.get(j, ()) if s <= day < e)

    def simulate(self, j: int) -> None:
        """Posting ``j``'s row, then its pushed recommendations and what followed them."""
        pt, wt = self.postings, self.workers
        rng = np.random.default_rng([self.seed, 5, j])
        posting = self.posting(j)
        self.placed[j] = []
        row = posting_row(pt, j, openings_left=posting.openings, status="open")
        self._created_at[j] = row["created_at"]
        self.rows["postings"].append(row)
        self._pending += 1
        created = int(pt.created[j])
        batch = f"history-{date.fromordinal(created).isoformat()}"
        for rank, w in enumerate(self._candidates(j, rng), start=1):
            worker = wt.profile(int(w))
            factors = stability_factors(worker, posting, world_seed=self.seed)
            p = 1.0 / (1.0 + np.exp(-(INTERCEPT + sum(factors.values()))))
            self.add_row("recommendations", {
                "worker_id": worker.worker_id, "posting_id": posting.posting_id, "rank": rank,
                "score": round(float(p + rng.normal(0, 0.15)), 4), "ranker": "history", "batch": batch,
                "created_at": at(created, 30)})
            accepts = TIER_DESTINATION[place_of(worker, posting.district_code)] in worker.destinations
            if rng.random() > (0.55 if accepts else 0.08) * (0.5 + p):
                continue
            self.pursue(j, int(w), worker, created + int(rng.integers(1, 21)), factors, p, rng)

    def pursue(self, j: int, w: int, worker: WorkerProfile, t0: int, factors: dict[str, float], p: float,
               rng: np.random.Generator) -> None:
        """Worker ``w`` applies to posting ``j`` on day ``t0``: interview, hire and placement."""
        if t0 > self.as_of.toordinal() or self.has_applied(w, j):
            return
        self.applied.setdefault(j, set()).add(w)
        hire = self._apply(j, worker.worker_id, t0, factors, p, len(self.placed[j]), self.end_of_hiring(j), rng)
        if hire is None:
            return
        start = min(hire[0] + int(rng.integers(3, 15)), self.as_of.toordinal())
        end = self._place(w, worker, self.posting(j), hire, start, factors, p, rng)
        self.placed[j].append((start, end))

    def _event(self, app: dict[str, Any], to: str, day: int, reason: str | None) -> None:
        self.add_row("application_events", {
            "application_id": app["id"], "from_state": app["state"] if to != "referred" else None,
            "to_state": to, "reason_code": reason, "reason_text": None, "actor_user_id": None,
            "at": at(day, 90 + self.next_id["application_events"] % 300)})
        app.update(state=to, reason_code=reason if to in ("rejected", "withdrawn") else app["reason_code"],
                   updated_at=at(day, 400))

    def _apply(self, j: int, worker_id: int, t0: int, factors: dict[str, float], p: float, hired: int,
               end_of_hiring: int, rng: np.random.Generator) -> tuple[int, int] | None:
        """Walk one application through its states; returns (hire date, application id) or None."""
        as_of, w = self.as_of.toordinal(), worker_id - self.workers.offset - 1
        app = {"worker_id": worker_id, "posting_id": self.postings.posting_id(j), "state": "referred",
               "source": "bureau" if rng.random() < 0.8 else "fair", "reason_code": None,
               "reason_text": None, "created_by": None, "created_at": at(t0, 60), "updated_at": at(t0, 60),
               "version": 1}
        self.add_row("applications", app)
        self._event(app, "referred", t0, None)
        t1 = t0 + int(rng.integers(2, 8))
        if t1 > as_of:
            return None
        quit_reason = None
        if self.busy_until[w] > t0:
            quit_reason = "hired_elsewhere"
        elif factors["place"] < -0.8 and rng.random() < 0.7:
            quit_reason = "too_far"
        elif factors["wage"] < -0.3 and rng.random() < 0.6:
            quit_reason = "wage_too_low"
        elif factors["dormitory"] < 0 and rng.random() < 0.6:
            quit_reason = "dormitory_unavailable"
        elif rng.random() < 0.08:
            quit_reason = "did_not_attend"
        if quit_reason or t1 > end_of_hiring:
            self._event(app, "withdrawn", t1, quit_reason or "other")
            return None
        if factors["skills"] < -0.6 and rng.random() < 0.6:
            self._event(app, "rejected", t1, "lacking_skills")
            return None
        self._event(app, "interviewing", t1, None)
        t2 = t1 + int(rng.integers(1, 10))
        if t2 > as_of:
            return None
        if hired >= self.postings.openings[j] or t2 > end_of_hiring:
            self._event(app, "rejected", t2, "other")
            return None
        if rng.random() > 0.45 + 0.5 * p:
            reason = ("family", "health", "other")[int(rng.integers(3))]
            self._event(app, "withdrawn" if rng.random() < 0.5 else "rejected", t2, reason)
            return None
        self._event(app, "hired", t2, None)
        return t2, app["id"]

    def _place(self, w: int, worker: WorkerProfile, posting: PostingProfile, hire: tuple[int, int],
               start: int, factors: dict[str, float], p: float, rng: np.random.Generator) -> int:
        """Insert a placement and its follow-ups; returns the end ordinal (NEVER if active)."""
        as_of = self.as_of.toordinal()
        if rng.random() < p:
            length = 90 + int(rng.exponential(posting.contract_months * 30 * 0.8))
            reason = "contract_ended" if length >= posting.contract_months * 30 else \
                ("quit_family", "quit_other", "quit_wage")[int(rng.integers(3))]
        else:
            length = int(rng.integers(5, 90))
            worst = min((k for k in factors if k != "noise"), key=factors.__getitem__)
            reason = END_BY_FACTOR[worst] if factors[worst] < -0.2 and rng.random() < 0.75 else \
                ("quit_family", "quit_other", "other")[int(rng.integers(3))]
        end = start + length
        active = end > as_of
        self.busy_until[w] = NEVER if active else end
        pid = self.add_row("placements", {
            "application_id": hire[1], "worker_id": worker.worker_id, "posting_id": posting.posting_id,
            "employer_id": posting.employer_id, "county_code": worker.county_code,
            "poverty_status": worker.poverty_status, "destination": destination_group(posting.district_code),
            "workplace_code": posting.district_code, "start_date": date.fromordinal(start),
            "monthly_wage": int(round(rng.uniform(posting.wage_min, posting.wage_max), -2)),
            "contract_type": "fixed_term", "contract_months": posting.contract_months,
            "social_insurance": posting.social_insurance,
            "dormitory": posting.provides_dormitory and worker.needs_dormitory,
            "end_date": None if active else date.fromordinal(end), "end_reason": None if active else reason,
            "end_note": None, "created_at": at(hire[0], 200), "version": 1})
        visits = [start + d for d in (30, 90, 180) if start + d <= as_of]
        for k, day in enumerate(visits):
            employed = day < end
            self.add_row("follow_ups", {
                "placement_id": pid, "contact_date": date.fromordinal(day), "still_employed": employed,
                "wage_received": bool(rng.random() < 0.95) if employed else None,
                "issues": None if employed else f"已离职：{reason}",
                "next_contact": date.fromordinal(visits[k + 1]) if employed and k + 1 < len(visits) else None,
                "recorded_by": None, "created_at": at(day, 240)})
            if not employed:
                break
        return NEVER if active else end

    def _final(self, j: int) -> dict[str, Any]:
        """Final headcount and status, as the posting service would have left them.

        ``updated_at`` stays the creation time, so the world does not depend on the clock.
        """
        pt, as_of, placements = self.postings, self.as_of.toordinal(), self.placed[j]
        openings = int(pt.openings[j])

        def active(day: int) -> int:
            return sum(1 for s, e in placements if s <= day < e)

        if pt.closed[j]:
            status, left = "closed", openings - active(int(pt.closed[j]))
        elif pt.expires[j] > as_of:
            left = openings - active(as_of)
            status = "open" if left else "filled"
        elif active(as_of) == openings:
            status, left = "filled", 0
        else:
            # Expired while open, or filled until a worker left (release → open → expire job).
            released = [e for _s, e in placements if pt.expires[j] <= e <= as_of]
            day = min(released) if active(int(pt.expires[j])) == openings and released else int(pt.expires[j])
            status, left = "expired", openings - active(day)
        return {"openings_left": left, "status": status}
