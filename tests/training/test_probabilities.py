"""P(hired | interviewed) and P(lasting | hired): own populations, calibrated, shown in words."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from api.match_view import lasting_view
from training.dataset import PairSet
from training.probabilities import (OutcomeModels, StageProbability, calibration_report,
                                    expected_calibration_error, fit_outcomes, hired, interviewed)


def _pairs(n: int, seed: int) -> PairSet:
    """Synthetic pairs whose hire and lasting chances are known logistic functions of X."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    p_hire = 1 / (1 + np.exp(-(X[:, 0] - 0.3)))
    p_last = 1 / (1 + np.exp(-(0.8 * X[:, 1] + 0.4)))
    stage = np.where(rng.random(n) < 0.5, 2, rng.integers(0, 2, n))  # half interviewed
    y = stage.copy()
    hired_now = (stage == 2) & (rng.random(n) < p_hire)
    y[hired_now] = np.where(rng.random(hired_now.sum()) < p_last[hired_now], 4, 3)
    known = np.ones(n, dtype=bool)
    known[rng.choice(np.flatnonzero(y == 3), size=min(20, int((y == 3).sum()) // 2), replace=False)] = False  # hires not 90 days old
    return PairSet(X=X, y=y, qid=np.arange(n) // 10, worker_id=np.arange(n), posting_id=np.arange(n),
                   day=np.sort(rng.integers(700_000, 700_700, n)), outcome_known=known)


def test_each_probability_has_its_own_population() -> None:
    pairs = _pairs(2000, 0)
    assert set(np.unique(pairs.y[interviewed(pairs)])) == {2, 3, 4}
    assert set(np.unique(pairs.y[hired(pairs)])) == {3, 4}
    assert not hired(pairs)[~pairs.outcome_known].any()  # a hire whose 90 days are not over
    assert interviewed(pairs)[(pairs.y == 3) & ~pairs.outcome_known].all()  # …is still a hire


def test_fitted_probabilities_are_calibrated_on_held_out_pairs() -> None:
    models = fit_outcomes(_pairs(8000, 1))
    report = calibration_report(models, _pairs(8000, 2))
    for name in ("hired_given_interview", "lasting_given_hire"):
        entry = report[name]
        assert entry["rows"] > 1000 and entry["ece"] <= 0.05
        assert abs(entry["mean_predicted"] - entry["observed_rate"]) < 0.04
    # …and informative: the lasting chance follows the feature that drives it
    X = np.zeros((2, 4))
    X[1, 1] = 2.0
    low, high = models.lasting(X)
    assert high - low > 0.15  # truth: 0.60 → 0.88


def test_an_uncalibrated_probability_has_a_large_ece() -> None:
    rng = np.random.default_rng(0)
    p = rng.random(5000)
    y = (rng.random(5000) < p).astype(int)
    assert expected_calibration_error(p, y) < 0.03
    assert expected_calibration_error(np.clip(p + 0.2, 0, 1), y) > 0.15


def test_the_estimator_follows_the_scikit_learn_contract() -> None:
    pairs = _pairs(1500, 3)
    X, y = pairs.X[hired(pairs)], (pairs.y[hired(pairs)] == 4).astype(int)
    model = StageProbability(method="sigmoid", cv=3, random_state=0)
    assert clone(model).get_params() == model.get_params()
    fitted = model.fit(X, y)
    assert fitted is model and fitted.predict_proba(X).shape == (len(X), 2)
    assert np.allclose(fitted.predict_proba(X).sum(axis=1), 1.0)
    with pytest.raises(ValueError):
        StageProbability().fit(X, np.ones(len(X), dtype=int))


def test_a_too_small_population_gets_no_model_and_no_probability() -> None:
    pairs = _pairs(100, 4)
    models = fit_outcomes(pairs)
    assert models.lasting_given_hire is None and models.lasting(pairs.X) is None and not models.complete
    assert OutcomeModels(None, None).hire(pairs.X) is None


@pytest.mark.parametrize(("p", "words"), [(0.12, "较低（12%）"), (0.41, "一般（41%）"), (0.63, "较高（63%）"),
                                          (0.85, "高（85%）")])
def test_lasting_is_shown_in_words_and_percent(p, words) -> None:
    view = lasting_view(p)
    assert view["zh"] == f"稳定就业可能性：{words}" and view["percent"] in view["en"]
    assert lasting_view(None) is None
