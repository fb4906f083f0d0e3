"""How much more (or less) an employer draws applications and keeps its hires than the pairs'
features predict: the employer's latent quality, estimated from its whole history.

The raw statistics (``matching.batches.shrunk_retention``, ``shrunk_interest``) mix the
employer with whom and what it was shown: an employer whose postings pay well, or that the
old rule put at the top of lists, draws more applications whatever it is like to work for;
one that hired poorly matched workers loses them whatever it is like. Here each is compared
with what its pairs predict:

- ``response``: applications among the pairs that showed (or referred) one of its postings,
  against the sum of P(applied | pair) of those pairs;
- ``lasting``: hires still employed at 90 days, against the sum of P(lasting | hired).

Both expectations come from gradient boosting on the pair features *without* any employer
statistic (``EMPLOYER_COLUMNS``) — for applications also the pair's place in the list it was
first shown in (``PairSet.position``: the top of a list is read more, and an employer the old
rule kept at the top is not better for it) — cross-fitted by worker, so that no pair's prediction saw its
own outcome (the classifiers are fitted on the whole history, later pairs included: with no
employer input they learn how pairs *of a kind* respond, not how this employer's did). The
effect of an employer on a day is ``log((observed + m) / (expected + m))``
over the pairs known by then — first contact before ``RESPONSE_LAG_DAYS`` (an application
follows within about three weeks) or ``LASTING_LAG_DAYS`` (hire, start and 90 days) — shrunk
toward 0 (an average employer) by ``m`` pseudo-events, so an employer with little history
is neither good nor bad. An employer never seen has effect 0.

Training fills the two feature columns as known on the first day of each pair's month (as
the other employer statistics are); the service reads the effects as known on the day the
model was trained (``ModelEmployerEffect`` rows of the version, written at registration):
they move only when the model is retrained.

On the synthetic worlds the response effect correlates far better with the employer's hidden
quality than the raw application rate (about 0.86 against 0.67 on the demo world, measured
with the truth's own expectation), and ranking with both effects instead of the raw
statistics is what brought the counterfactual top-1 / top-5 shares to the README's figures.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

from matching.batches import gather
from matching.features import FEATURE_INDEX, FEATURE_NAMES
from training.dataset import PairSet
from training.loading import INTEREST_LAG_DAYS
from training.probabilities import HIRED, LASTING
from training.ranker import _openmp_limit

EMPLOYER_COLUMNS = ("employer_retention", "employer_interest", "employer_response_effect",
                    "employer_lasting_effect")
"""Feature columns that describe the employer: never inputs of the expectations."""
EFFECT_COLUMNS = ("employer_response_effect", "employer_lasting_effect")
RESPONSE_LAG_DAYS = INTEREST_LAG_DAYS
LASTING_LAG_DAYS = 150
"""A hire follows first contact by up to about a month and starts up to two weeks later; its
90 days are known about 150 days after first contact."""
PSEUDO_EVENTS = 3.0
"""``m``: an employer counts as if it had 3 more expected and observed events (no effect)."""
FOLDS = 3
MAX_FIT_ROWS = 500_000
"""Each fold's classifier is fitted on at most this many rows, drawn at random (seeded) from
the other folds, and predicts in chunks of ``CHUNK_ROWS``: a regional history holds millions
of pairs (12 M at a million workers, the held-out period unsampled), and the classifier's
float64 copy of all of them would outgrow the training's memory target."""
CHUNK_ROWS = 200_000
_INPUTS = np.array([i for i, name in enumerate(FEATURE_NAMES) if name not in EMPLOYER_COLUMNS])


def _classifier(small: bool) -> HistGradientBoostingClassifier:
    if small:
        return HistGradientBoostingClassifier(max_iter=60, learning_rate=0.05, max_leaf_nodes=15,
                                              min_samples_leaf=30, random_state=0)
    return HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=31,
                                          min_samples_leaf=100, random_state=0)


def cross_fitted(X: np.ndarray, y: np.ndarray, groups: np.ndarray, weight: np.ndarray, *,
                 small: bool = False) -> np.ndarray:
    """P(y) of every row of the inputs ``X`` from a classifier that never saw the row's group
    (worker); each fitted on at most ``MAX_FIT_ROWS`` rows."""
    out = np.full(len(y), float(np.average(y, weights=weight)) if len(y) else 0.0)
    if len(np.unique(y)) < 2 or len(np.unique(groups)) < FOLDS:
        return out
    rng = np.random.default_rng(0)
    with _openmp_limit(1 if small else None):  # threads help only on the large population
        for fit, held in GroupKFold(FOLDS).split(np.empty((len(y), 0)), groups=groups):
            if len(fit) > MAX_FIT_ROWS:
                fit = np.sort(rng.choice(fit, MAX_FIT_ROWS, replace=False))
            if len(np.unique(y[fit])) < 2:
                continue
            model = _classifier(small).fit(X[fit], y[fit], sample_weight=weight[fit])
            for start in range(0, len(held), CHUNK_ROWS):
                rows = held[start:start + CHUNK_ROWS]
                out[rows] = model.predict_proba(X[rows])[:, 1]
    return out


def employers_of(posting_ids: np.ndarray, employer_of: Mapping[int, int]) -> np.ndarray:
    """The employer of each posting id (−1 when unknown), without a Python loop over the rows."""
    keys = np.fromiter(employer_of.keys(), dtype=np.int64, count=len(employer_of))
    values = np.fromiter(employer_of.values(), dtype=np.int64, count=len(employer_of))
    order = np.argsort(keys)
    return gather(keys[order], values[order], posting_ids, -1).astype(np.int64)


@dataclass(frozen=True)
class EmployerEffects:
    """Observed and expected events per pair, to know every employer's effects as of any day."""

    employer: np.ndarray
    day: np.ndarray
    applied: np.ndarray
    expected_applied: np.ndarray
    hired: np.ndarray
    """Whether the pair is a hire whose 90 days are known (the lasting population)."""
    lasted: np.ndarray
    expected_lasted: np.ndarray

    def on(self, day: int) -> dict[int, tuple[float, float]]:
        """Employer → (response effect, lasting effect) as known on ``day`` (an ordinal)."""
        response = self._effect(self.day < day - RESPONSE_LAG_DAYS, self.applied, self.expected_applied)
        hires = (self.day < day - LASTING_LAG_DAYS) & self.hired
        lasting = self._effect(hires, self.lasted, self.expected_lasted)
        return {e: (response.get(e, 0.0), lasting.get(e, 0.0)) for e in response.keys() | lasting.keys()}

    def _effect(self, rows: np.ndarray, observed: np.ndarray, expected: np.ndarray) -> dict[int, float]:
        if not rows.any():
            return {}
        found, inverse = np.unique(self.employer[rows], return_inverse=True)
        o = np.bincount(inverse, weights=observed[rows])
        e = np.bincount(inverse, weights=expected[rows])
        return dict(zip(found.tolist(), np.log((o + PSEUDO_EVENTS) / (e + PSEUDO_EVENTS)).tolist()))

    def fill(self, pairs: PairSet, employer_of: Mapping[int, int]) -> None:
        """Set the effect columns of ``pairs`` as known on the first day of each pair's month."""
        employers = employers_of(pairs.posting_id, employer_of)
        months = pairs.day // 30
        for m in np.unique(months).tolist():
            rows = np.flatnonzero(months == m)
            effects = self.on(m * 30)
            known = np.array(sorted(effects), dtype=np.int64)
            table = np.array([effects[e] for e in known.tolist()], dtype=np.float64).reshape(-1, 2)
            for k, name in enumerate(EFFECT_COLUMNS):
                pairs.X[rows, FEATURE_INDEX[name]] = gather(known, table[:, k], employers[rows], 0.0)


def estimate(sets: tuple[PairSet, ...], employer_of: Mapping[int, int]) -> EmployerEffects:
    """Cross-fitted expectations over every pair of ``sets`` (training and evaluation alike:
    each pair's features only ever read the pairs known before its month)."""
    # float32, as the sets hold it; the last column is the place in the list
    X = np.column_stack([np.concatenate([s.X[:, _INPUTS] for s in sets]),
                         np.concatenate([s.position for s in sets]).astype(np.float32)])
    y = np.concatenate([s.y for s in sets])
    workers = np.concatenate([s.worker_id for s in sets])
    weight = np.concatenate([s.weight for s in sets])
    known = np.concatenate([s.outcome_known for s in sets])
    posting = np.concatenate([s.posting_id for s in sets])
    employer = employers_of(posting, employer_of)
    applied = (y >= 1).astype(np.float64)
    # the place in the list explains part of a response (the top of a list is read more):
    # an employer the old rule kept at the top is not better for it
    expected_applied = cross_fitted(X, applied, workers, weight)
    hired = known & (y >= HIRED)
    lasted = (y == LASTING).astype(np.float64)
    expected_lasted = np.zeros(len(y))
    idx = np.flatnonzero(hired)
    expected_lasted[idx] = cross_fitted(X[idx, :-1], lasted[idx], workers[idx], np.ones(len(idx)), small=True)
    keep = employer >= 0
    return EmployerEffects(employer[keep], np.concatenate([s.day for s in sets])[keep],
                           (applied * weight)[keep], (expected_applied * weight)[keep], hired[keep],
                           lasted[keep], expected_lasted[keep])
