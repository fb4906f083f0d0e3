"""Ranker estimator contract, learning a known ordering, calibration and ranking metrics."""
from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from training.calibration import LastingCalibrator
from training.metrics import mean_reciprocal_rank, ndcg_at_k, recall_at_k
from training.ranker import Ranker, query_centered


def _problem(n_queries: int = 300, per_query: int = 20, seed: int = 0):  # noqa: ANN202
    """Label rises with feature 0 and falls with feature 1; feature 2 is noise."""
    rng = np.random.default_rng(seed)
    n = n_queries * per_query
    X = rng.normal(size=(n, 3))
    utility = 1.5 * X[:, 0] - 1.0 * X[:, 1] + rng.normal(0, 0.3, n)
    y = np.digitize(utility, [-1.0, 0.0, 1.0, 2.0])
    qid = np.repeat(np.arange(n_queries), per_query)
    return X, y, qid


def test_init_only_stores_params_and_clone_keeps_them() -> None:
    ranker = Ranker(max_iter=7, learning_rate=0.3, query_normalize=False)
    assert ranker.get_params()["max_iter"] == 7
    copy = clone(ranker)
    assert copy is not ranker and copy.get_params() == ranker.get_params()
    assert not any(name.endswith("_") for name in vars(copy))
    assert ranker.set_params(max_iter=9) is ranker and ranker.max_iter == 9


def test_predict_before_fit_raises_not_fitted() -> None:
    with pytest.raises(NotFittedError):
        Ranker().predict(np.zeros((2, 3)))


def test_learns_a_known_ordering_with_unsorted_qid() -> None:
    X, y, qid = _problem()
    order = np.random.default_rng(1).permutation(len(y))
    ranker = Ranker(max_iter=40, min_samples_leaf=20, random_state=0)
    assert ranker.fit(X[order], y[order], qid=qid[order]) is ranker
    assert ranker.n_features_in_ == 3 and ranker.reference_.shape == (3,)
    Xt, yt, qt = _problem(100, seed=2)
    learned = ndcg_at_k(yt, ranker.predict(Xt), qt)
    random = ndcg_at_k(yt, np.random.default_rng(3).normal(size=len(yt)), qt)
    assert learned > 0.9 > random + 0.2
    assert ranker.score(Xt, yt, qid=qt) == pytest.approx(learned)


def test_sparse_csr_input_gives_the_same_model_as_dense() -> None:
    X, y, qid = _problem(100)
    X[np.abs(X) < 0.5] = 0.0
    dense = Ranker(max_iter=10, random_state=0).fit(X, y, qid=qid)
    sparse = Ranker(max_iter=10, random_state=0).fit(sp.csr_matrix(X), y, qid=qid)
    assert np.allclose(dense.predict(X), sparse.predict(sp.csr_matrix(X)))


def test_rejects_bad_labels_and_mismatched_qid() -> None:
    X, y, qid = _problem(10)
    with pytest.raises(ValueError, match="labels"):
        Ranker(max_iter=2).fit(X, y + 5, qid=qid)
    with pytest.raises(ValueError, match="qid"):
        Ranker(max_iter=2).fit(X, y, qid=qid[:-1])
    with pytest.raises(ValueError):
        Ranker(max_iter=2).fit(X, y, qid=qid).predict(X[:, :2])


def test_query_centering_removes_each_query_mean() -> None:
    centred = query_centered(np.array([1.0, 3.0, 10.0, 0.0, 20.0]), np.array([5, 5, 2, 9, 2]))
    assert centred.tolist() == [-1.0, 1.0, -5.0, 0.0, 5.0]


def test_calibrator_maps_scores_to_monotone_lasting_probability() -> None:
    rng = np.random.default_rng(0)
    scores = rng.normal(size=4000)
    labels = np.where(rng.random(4000) < 1 / (1 + np.exp(-2 * scores)), 4, rng.integers(0, 4, 4000))
    calibrator = LastingCalibrator().fit(scores, labels)
    p = calibrator.predict_proba(np.array([-3.0, 0.0, 3.0]))
    assert np.all(np.diff(p) >= 0) and p[0] < 0.1 and p[2] > 0.9
    assert calibrator.base_rate_ == pytest.approx(np.mean(labels == 4))
    with pytest.raises(NotFittedError):
        LastingCalibrator().predict_proba([0.0])


def test_ndcg_matches_a_hand_computed_value() -> None:
    # query 1: scores put labels in order [1, 3, 0]; ideal [3, 1, 0]
    y, s, q = np.array([3, 1, 0]), np.array([0.5, 0.9, 0.1]), np.array([1, 1, 1])
    dcg = (2**1 - 1) / 1 + (2**3 - 1) / math.log2(3)
    ideal = (2**3 - 1) / 1 + (2**1 - 1) / math.log2(3)
    assert ndcg_at_k(y, s, q, k=10) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(y, s, q, k=1) == pytest.approx(1 / 7)


def test_metrics_average_only_over_queries_with_a_relevant_item() -> None:
    y = np.array([0, 4, 0, 0, 3, 1, 0, 0])
    s = np.array([0.9, 0.1, 0.5, 0.4, 0.8, 0.7, 0.6, 0.0])
    q = np.array([1, 1, 1, 2, 2, 2, 3, 3])  # query 3 has no positive label at all
    # query 1: relevant item at rank 3; query 2: at rank 1
    assert mean_reciprocal_rank(y, s, q, min_label=3) == pytest.approx((1 / 3 + 1) / 2)
    assert recall_at_k(y, s, q, k=1, min_label=3) == pytest.approx((0 + 1) / 2)
    assert recall_at_k(y, s, q, k=3, min_label=3) == pytest.approx(1.0)
    assert ndcg_at_k(y, s, q, k=10) == pytest.approx(
        np.mean([(15 / 2) / 15, (7 + 1 / math.log2(3)) / (7 + 1 / math.log2(3))]))
    assert math.isnan(recall_at_k(np.zeros(3), np.ones(3), np.ones(3)))


def test_metrics_do_not_depend_on_row_order() -> None:
    X, y, qid = _problem(50, seed=4)
    s = X[:, 0]
    order = np.random.default_rng(5).permutation(len(y))
    assert ndcg_at_k(y, s, qid) == pytest.approx(ndcg_at_k(y[order], s[order], qid[order]))
    assert mean_reciprocal_rank(y, s, qid) == pytest.approx(mean_reciprocal_rank(y[order], s[order], qid[order]))


def test_sample_weights_count_like_repeated_rows() -> None:
    """Weight 3 on the best-labelled rows fits about the model of those rows listed three
    times (bin edges and leaf sizes count rows, not weights, so not exactly) and far from the
    unweighted one: sampled negatives weighted 1/r stand in for the ones left out."""
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(1200, 3)), rng.integers(0, 5, 1200)  # the labels' level is all to learn
    qid = np.repeat(np.arange(60), 20)
    weight = np.where(y >= 3, 3.0, 1.0)
    repeat = np.repeat(np.arange(len(y)), weight.astype(int))
    params = dict(max_iter=30, min_samples_leaf=10, random_state=0, query_normalize=False)
    weighted = Ranker(**params).fit(X, y, qid=qid, sample_weight=weight).predict(X).mean()
    repeated = Ranker(**params).fit(X[repeat], y[repeat], qid=qid[repeat]).predict(X).mean()
    unweighted = Ranker(**params).fit(X, y, qid=qid).predict(X).mean()
    assert abs(weighted - repeated) < 0.2 * abs(unweighted - repeated)
    with pytest.raises(ValueError, match="sample_weight"):
        Ranker(max_iter=2).fit(X, y, qid=qid, sample_weight=-weight)


def test_weighted_query_centering_uses_the_weighted_mean() -> None:
    centred = query_centered(np.array([0.0, 3.0, 7.0]), np.array([1, 1, 2]), np.array([2.0, 1.0, 5.0]))
    assert centred.tolist() == [-1.0, 2.0, 0.0]
