"""Employer effects: applications and lasting hires against what the pairs' fit predicts,
known only from pairs old enough, stored with the model version and served from it."""
from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np

from matching.features import FEATURE_INDEX, FEATURE_NAMES
from models.employers.tables import Employer
from models.rankers.tables import ModelEmployerEffect
from tests.training.test_pipeline import AS_OF, KEY, run, session, world  # noqa: F401 - fixtures
from training import registry
from training.dataset import PairSet
from training.employer_effects import LASTING_LAG_DAYS, RESPONSE_LAG_DAYS, estimate
from training.loading import employer_retention
from training.ranker import Ranker

DAY0 = date(2025, 1, 1).toordinal()


def pairs(n_workers: int = 600, *, seed: int = 0) -> tuple[PairSet, dict[int, int]]:
    """Two employers with the same kind of pairs: workers apply to employer 1's postings
    twice as often, and its hires stay 90 days far more often than employer 2's."""
    rng = np.random.default_rng(seed)
    rows = []
    for w in range(n_workers):
        for posting in (10 + w % 5, 20 + w % 5):  # 10..14 belong to employer 1, 20..24 to employer 2
            good = posting < 20
            fit = rng.random()
            applied = rng.random() < (0.4 if good else 0.2) * (0.5 + fit)
            hired = applied and rng.random() < 0.5
            lasted = hired and rng.random() < (0.8 if good else 0.3)
            y = 4 if lasted else 3 if hired else 1 if applied else 0
            rows.append((w, posting, y, fit, DAY0 + int(rng.integers(0, 300))))
    X = np.zeros((len(rows), len(FEATURE_NAMES)), dtype=np.float32)
    X[:, FEATURE_INDEX["required_skill_coverage"]] = [r[3] for r in rows]
    X[:, FEATURE_INDEX["employer_interest"]] = [0.3 if r[1] < 20 else 0.1 for r in rows]  # never an input
    arr = np.array([(r[0], r[1], r[2], r[4]) for r in rows], dtype=np.int64)
    employer_of = {p: 1 if p < 20 else 2 for p in range(10, 25)}
    return PairSet(X=X, y=arr[:, 2], qid=arr[:, 0], worker_id=arr[:, 0], posting_id=arr[:, 1], day=arr[:, 3]), employer_of


def test_an_employer_workers_apply_to_and_stay_with_gets_positive_effects() -> None:
    data, employer_of = pairs()
    effects = estimate((data,), employer_of).on(DAY0 + 1000)
    (good_response, good_lasting), (bad_response, bad_lasting) = effects[1], effects[2]
    assert good_response > 0.2 > -0.2 > bad_response
    assert good_lasting > 0.2 > -0.2 > bad_lasting
    assert 3 not in effects  # an employer never seen: no entry (the service reads 0)


def test_effects_on_a_day_count_only_pairs_old_enough_to_be_known() -> None:
    data, employer_of = pairs()
    effects = estimate((data,), employer_of)
    assert effects.on(DAY0 + RESPONSE_LAG_DAYS) == {}  # no pair first contacted before day − lag
    early = effects.on(DAY0 + RESPONSE_LAG_DAYS + 40)
    assert early and all(lasting == 0.0 for _, lasting in early.values())  # no 90 days known yet
    later = effects.on(DAY0 + LASTING_LAG_DAYS + 100)
    assert later[1][1] > 0 > later[2][1]
    # what happened to pairs first contacted within the lag never moves that day's effects
    day = DAY0 + 200
    late = effects.day >= day - RESPONSE_LAG_DAYS
    changed = dataclasses.replace(effects, applied=np.where(late, 1.0 - effects.applied, effects.applied),
                                  lasted=np.where(effects.day >= day - LASTING_LAG_DAYS, 0.0, effects.lasted))
    assert changed.on(day) == effects.on(day) and changed.on(day + 60) != effects.on(day + 60)


def test_the_place_in_the_list_is_not_credited_to_the_employer() -> None:
    """Employer 1 always at the top of the lists, employer 2 always at the bottom, the same
    inside; the others anywhere: the top is read more, so employer 1 draws twice the
    applications — and its effect is still about employer 2's."""
    rng = np.random.default_rng(3)
    rows = []
    for w in range(3000):
        for position in range(1, 9):
            employer = 1 if position == 1 and w % 2 else 2 if position == 8 and w % 2 else 3 + int(rng.integers(4))
            read = 1.0 / (1.0 + 0.3 * (position - 1))
            rows.append((w, 10 * employer + w % 3, int(rng.random() < 0.4 * read), position))
    arr = np.array(rows, dtype=np.int64)
    data = PairSet(X=np.zeros((len(arr), len(FEATURE_NAMES)), dtype=np.float32), y=arr[:, 2], qid=arr[:, 0],
                   worker_id=arr[:, 0], posting_id=arr[:, 1], day=np.full(len(arr), DAY0), position=arr[:, 3])
    employer_of = {p: p // 10 for p in np.unique(arr[:, 1]).tolist()}
    raw = [data.y[np.isin(data.posting_id, [10 * e, 10 * e + 1, 10 * e + 2])].mean() for e in (1, 2)]
    assert raw[0] > 2 * raw[1]
    effects = estimate((data,), employer_of).on(DAY0 + 100)
    assert abs(effects[1][0] - effects[2][0]) < 0.15
    unplaced = estimate((dataclasses.replace(data, position=np.zeros(len(arr), dtype=np.int64)),), employer_of)
    assert unplaced.on(DAY0 + 100)[1][0] - unplaced.on(DAY0 + 100)[2][0] > 0.5  # without it: credited


def test_fill_sets_each_pair_as_known_on_its_month() -> None:
    data, employer_of = pairs()
    effects = estimate((data,), employer_of)
    effects.fill(data, employer_of)
    column = data.X[:, FEATURE_INDEX["employer_response_effect"]]
    for k in np.flatnonzero(data.posting_id < 20)[:50].tolist():
        want = effects.on(int(data.day[k]) // 30 * 30).get(1, (0.0, 0.0))[0]
        assert column[k] == np.float32(want)


def test_the_ranker_ignores_the_columns_it_is_told_to() -> None:
    rng = np.random.default_rng(1)
    X = rng.random((2000, 4))
    y = (X[:, 0] * 4).astype(int)
    ranker = Ranker(max_iter=10, min_samples_leaf=20, random_state=0, ignored_columns=(1, 3)).fit(X, y)
    shuffled = X.copy()
    shuffled[:, [1, 3]] = rng.random((2000, 2))
    assert np.array_equal(ranker.predict(X), ranker.predict(shuffled))
    assert not np.array_equal(ranker.predict(X), ranker.predict(X[:, [1, 0, 2, 3]]))


def test_a_trained_version_stores_its_effects_and_the_service_ranks_with_the_active_ones(session, run) -> None:  # noqa: F811
    stored = dict(session.query(ModelEmployerEffect.employer_id, ModelEmployerEffect.response_effect)
                  .filter(ModelEmployerEffect.model_version_id == run.model.id).all())
    assert len(stored) > 10 and any(abs(v) > 0.05 for v in stored.values())
    assert set(stored) <= {e.id for e in session.query(Employer)}
    employer = max(stored, key=lambda e: abs(stored[e]))
    assert employer_retention(session, as_of=AS_OF)[employer].response_effect == 0.0  # a candidate: not served
    served = employer_retention(session, as_of=AS_OF, model_version_id=run.model.id)[employer]
    assert served.response_effect == stored[employer]
    registry.activate(session, run.model.version)
    assert employer_retention(session, as_of=AS_OF)[employer].response_effect == stored[employer]
    assert registry.load(run.model, key=KEY).estimator.ignored_columns == (
        FEATURE_INDEX["employer_retention"], FEATURE_INDEX["employer_interest"])


def test_training_pairs_carry_their_place_in_the_first_list_they_were_shown_in(session, run) -> None:  # noqa: F811
    from sqlalchemy import select

    from models.placements.tables import Recommendation

    pairs = run.train
    shown = pairs.position > 0
    assert shown.mean() > 0.5 and pairs.position.max() >= 5
    for k in np.flatnonzero(shown)[:40].tolist():
        first = session.execute(select(Recommendation.rank).where(
            Recommendation.worker_id == int(pairs.worker_id[k]), Recommendation.posting_id == int(pairs.posting_id[k]))
            .order_by(Recommendation.created_at, Recommendation.id).limit(1)).scalar_one()
        assert pairs.position[k] == first


def test_the_probabilities_read_the_raw_employer_history_not_the_effects(session, run) -> None:  # noqa: F811
    outcomes = registry.load(run.model, key=KEY).outcomes
    X = run.evaluation.X[:300].astype(np.float64)
    moved = X.copy()
    for name in ("employer_response_effect", "employer_lasting_effect"):
        moved[:, FEATURE_INDEX[name]] = np.random.default_rng(0).normal(0, 1, len(X))
    assert np.array_equal(outcomes.lasting(X), outcomes.lasting(moved))
    assert np.any(run.evaluation.X[:, FEATURE_INDEX["employer_response_effect"]] != 0)


def test_a_large_history_fits_each_fold_on_a_sample_and_still_tells_employers_apart(monkeypatch) -> None:
    from training import employer_effects

    monkeypatch.setattr(employer_effects, "MAX_FIT_ROWS", 300)
    monkeypatch.setattr(employer_effects, "CHUNK_ROWS", 97)
    data, employer_of = pairs()
    effects = estimate((data,), employer_of).on(DAY0 + 1000)
    assert effects[1][0] > 0.2 > -0.2 > effects[2][0]
