"""The nightly lists (每日岗位推荐) that seeking workers were shown before the ranker existed.

The service refreshes, every night, a list of ``list_size`` open postings (its
``RECOMMENDATIONS_PER_WORKER``, ten by default) for each seeking worker (Recommendation rows sharing a daily ``batch``). The history replays those lists:
on every ``REFRESH_EVERY``-th day a share of the seeking workers (registered, not in or
about to start a job) looks at theirs (``available_from`` is today's availability, not
the past's, so it does not gate the history). The list was made by the
OLD rule-based recommender — postings in destinations the worker accepts, scored by a
simple hand rule (preferred occupation, main skill held, wage against expectation, home
county) plus noise, which is what keyword filters and caseworker judgement amounted to —
never by the hidden truth. How the worker responds does depend on the truth: a worker
reads down the list (attention falls with rank), applies more often to jobs that suit
them, and the application then goes through the same interview, hire and retention steps
as every other (``History.pursue``), so headcounts and one-job-at-a-time still hold.

At scale the old rule did not see every open posting either: its keyword search returned
at most ``SEARCH_POOL`` acceptable postings — all in the worker's preferred occupations
first, the rest drawn at random — and the rule ranked those. This keeps the cost of a list
independent of how many postings are open (worlds up to a few thousand postings never
reach the cap, so their lists are unchanged).
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np

from seed import taxonomy
from seed.world import geo
from seed.world.employers import workplaces
from seed.world.history import History, at
from seed.world.people import DEST_BITS, occupation_codes, skill_codes
from seed.world.truth import INTERCEPT, stability_factors

REFRESH_EVERY = 7
"""Days between the replayed refreshes (the real refresh is nightly; a worker looks now and then)."""
VISIT_RATE = 0.04
"""Share of seeking workers who look at their list on a replayed refresh day (≈2 lists a year)."""
OLD_RULE_NOISE = 0.6
"""Noise of the old rule on its own scale: caseworkers reordered lists by hand."""
APPLY_RATE = 0.6
"""P(apply | read the posting) = APPLY_RATE · P(lasting)^1.5: workers sense what suits them."""
SEARCH_POOL = 400
"""Most acceptable open postings the old keyword search handed to the rule for one worker."""
ATTENTION_DECAY = 0.15
"""P(read the posting at rank r) = 1 / (1 + ATTENTION_DECAY · (r − 1))."""


@lru_cache(maxsize=1)
def _accepts() -> np.ndarray:
    """DEST_BITS a worker of county c must have to accept workplace w: shape (counties, workplaces)."""
    places, _w = workplaces()
    return np.array([[DEST_BITS[geo.destination_key(c.code, place)] for place in places]
                     for c in geo.COUNTIES], np.uint8)


@lru_cache(maxsize=1)
def _place_county() -> np.ndarray:
    """County index of each workplace, −1 outside the pilot counties."""
    index = {c.code: k for k, c in enumerate(geo.COUNTIES)}
    return np.array([index.get(place, -1) for place in workplaces()[0]], np.int16)


@lru_cache(maxsize=1)
def _main_skill() -> np.ndarray:
    """Index (in ``skill_codes()``) of each occupation's first required skill, −1 if none."""
    skills = {code: k for k, code in enumerate(skill_codes())}
    occupations = taxonomy.occupations()
    return np.array([skills.get(occupations[o].skills[0], -1) if occupations[o].skills else -1
                     for o in occupation_codes()], np.int16)


class Exposure:
    """Replays the nightly lists in time order, interleaved with ``History.simulate``."""

    def __init__(self, history: History, *, list_size: int) -> None:
        self.history = history
        self.list_size = list_size
        created = history.postings.created
        first = int(created.min()) if len(created) else history.as_of.toordinal()
        self._days = iter(range(first, history.as_of.toordinal(), REFRESH_EVERY))
        self._next = next(self._days, None)

    def run_until(self, day: int) -> None:
        """Replay every refresh day before ``day`` (postings created up to then are simulated)."""
        while self._next is not None and self._next < day:
            self.refresh(self._next)
            self._next = next(self._days, None)

    def refresh(self, day: int) -> None:
        h, wt, pt = self.history, self.history.workers, self.history.postings
        rng = np.random.default_rng([h.seed, 6, day])
        seeking = np.flatnonzero((wt.registered <= day) & (h.busy_until <= day))
        looking = seeking[rng.random(len(seeking)) < VISIT_RATE]
        h.retire(day)
        candidates = [j for j in h.hiring() if pt.created[j] <= day < h.end_of_hiring(j)]
        open_now = np.array(sorted(j for j in candidates if h.openings_left(j, day) > 0), np.int64)
        if not len(open_now) or not len(looking):
            return
        acceptable: dict[tuple[int, int], np.ndarray] = {}  # by (county, destination bits)
        for w in looking.tolist():
            if h.busy_until[w] <= day:  # an earlier list today may have found them a job
                group = (int(wt.county[w]), int(wt.dest[w]))
                if group not in acceptable:
                    acceptable[group] = open_now[(_accepts()[group[0], pt.place[open_now]] & group[1]) > 0]
                self._show(w, acceptable[group], day, rng)
                h.maybe_spill()

    def _old_rule(self, w: int, js: np.ndarray) -> np.ndarray:
        """The pre-ranker score: hand weights on a few obvious fields."""
        wt, pt = self.history.workers, self.history.postings
        occ = pt.occupation[js]
        preferred = (occ == wt.pref[w, 0]) | (occ == wt.pref[w, 1])
        skill = np.isin(_main_skill()[occ], wt.skill[w][wt.skill[w] >= 0])
        ratio = np.clip((pt.wage_min[js] + pt.wage_max[js]) / 2 / max(int(wt.wage[w]), 1), 0.5, 1.5)
        home = _place_county()[pt.place[js]] == wt.county[w]
        return 1.2 * preferred + 1.0 * skill + 1.5 * ratio + 0.5 * home

    def _search(self, w: int, ok: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """The old keyword search: at most ``SEARCH_POOL`` postings, preferred occupations first."""
        if len(ok) <= SEARCH_POOL:
            return ok
        pref = self.history.workers.pref[w]
        occ = self.history.postings.occupation[ok]
        mask = (occ == pref[0]) | (occ == pref[1])
        first, rest = ok[mask], ok[~mask]
        if len(first) >= SEARCH_POOL:
            return np.sort(rng.choice(first, SEARCH_POOL, replace=False))
        return np.sort(np.concatenate([first, rng.choice(rest, SEARCH_POOL - len(first), replace=False)]))

    def _show(self, w: int, acceptable: np.ndarray, day: int, rng: np.random.Generator) -> None:
        h, wt, pt = self.history, self.history.workers, self.history.postings
        ok = self._search(w, acceptable, rng)
        ok = np.array([j for j in ok.tolist() if not h.has_applied(w, j)], np.int64)  # already applied
        if not len(ok):
            return
        rule = self._old_rule(w, ok)
        shown = np.argsort(-(rule + rng.normal(0, OLD_RULE_NOISE, len(ok))), kind="stable")[:self.list_size]
        worker = wt.profile(w)
        batch = f"daily-{date.fromordinal(day).isoformat()}"
        read = rng.random(len(shown)) < 1.0 / (1.0 + ATTENTION_DECAY * np.arange(len(shown)))
        applies = []
        for rank, k in enumerate(shown.tolist(), start=1):
            j = int(ok[k])
            h.add_row("recommendations", {
                "worker_id": worker.worker_id, "posting_id": pt.posting_id(j), "rank": rank,
                "score": round(float(rule[k]), 4), "ranker": "history", "batch": batch,
                "created_at": at(day, 10)})
            if not read[rank - 1]:
                continue
            u = rng.random()
            if u >= APPLY_RATE:  # P(apply) ≤ APPLY_RATE: the truth is only needed below it
                continue
            factors = stability_factors(worker, h.posting(j), world_seed=h.seed)
            p = 1.0 / (1.0 + np.exp(-(INTERCEPT + sum(factors.values()))))
            if u < APPLY_RATE * p ** 1.5:
                applies.append((j, factors, p, day + int(rng.integers(0, 8))))
        for j, factors, p, t0 in sorted(applies, key=lambda a: a[3]):
            h.pursue(j, w, worker, t0, factors, p, rng)
