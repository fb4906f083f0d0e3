"""Map ranking scores to P(lasting employment) for the job-fair planner.

Ranking scores only order pairs; the planner needs a probability that a pair ends in a
hire still employed at 90 days (label 4). :class:`LastingCalibrator` fits a monotone
(isotonic) map from score to that probability on held-out pairs, so calibration never
changes the ranking.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.utils.validation import check_is_fitted, column_or_1d


class LastingCalibrator(BaseEstimator):
    """Isotonic calibration of ranker scores to P(label >= ``lasting_label``).

    Parameters
    ----------
    lasting_label : int, default=4
        Smallest graded label that counts as lasting employment.

    Attributes
    ----------
    isotonic_ : IsotonicRegression
        Fitted non-decreasing map from score to probability.
    base_rate_ : float
        Share of lasting outcomes in the calibration data.
    """

    def __init__(self, lasting_label: int = 4) -> None:
        self.lasting_label = lasting_label

    def fit(self, scores, y) -> LastingCalibrator:  # noqa: ANN001 - sklearn array-likes
        """Fit on held-out ``scores`` (from ``Ranker.predict``) and graded labels ``y``.

        Parameters
        ----------
        scores : array-like of shape (n_samples,)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self : LastingCalibrator
        """
        scores = column_or_1d(scores).astype(np.float64)
        lasting = (column_or_1d(y) >= self.lasting_label).astype(np.float64)
        self.isotonic_ = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, lasting)
        self.base_rate_ = float(lasting.mean())
        return self

    def predict_proba(self, scores) -> np.ndarray:  # noqa: ANN001 - sklearn array-likes
        """Return P(lasting employment) for each score, shape (n_samples,)."""
        check_is_fitted(self, "isotonic_")
        return self.isotonic_.predict(column_or_1d(scores).astype(np.float64))
