"""Calibration: ranking scores mapped to a probability, and how well probabilities are calibrated.

Ranking scores only order pairs; the nightly lists' capacity LP needs a probability that a
shown pair ends in a hire still employed at 90 days (label 4). :class:`LastingCalibrator`
fits a monotone (isotonic) map from score to that probability on held-out pairs, so
calibration never changes the ranking.

The measures of calibration used by ``training.probabilities`` and ``jingmeng evaluate``:
:func:`expected_calibration_error` (10 equal-width bins, the headline; or equal-mass bins),
its sampling-noise floor (:func:`noise_floor`: what a perfectly calibrated model with the
same predictions would show on as many rows), the reliability diagram's points and its PNG.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

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


def _bin_of(p: np.ndarray, bins: int, strategy: str) -> np.ndarray:
    if strategy == "width":
        return np.minimum((p * bins).astype(int), bins - 1)
    if strategy == "mass":  # equal numbers of rows (ties may straddle a border), sorted by p
        which = np.empty(len(p), dtype=int)
        which[np.argsort(p, kind="stable")] = np.arange(len(p)) * bins // max(len(p), 1)
        return which
    raise ValueError(f"unknown bin strategy {strategy!r}")


def expected_calibration_error(p: np.ndarray, y: np.ndarray, *, bins: int = 10, strategy: str = "width") -> float:
    """ECE: Σ over probability bins of (share of rows) × |mean p − observed rate|.

    ``strategy="width"`` (the headline): ``bins`` equal-width bins of [0, 1]; ``"mass"``:
    ``bins`` bins of equally many rows (no bin is nearly empty; no bin spans a wide range of p).
    """
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if len(p) == 0:
        return float("nan")
    which = _bin_of(p, bins, strategy)
    counts = np.bincount(which, minlength=bins)
    gap = np.abs(np.bincount(which, weights=p, minlength=bins) - np.bincount(which, weights=y, minlength=bins))
    return float(gap.sum() / counts.sum())


def noise_floor(p: np.ndarray, *, bins: int = 10, strategy: str = "width", draws: int = 300,
                seed: int = 0) -> dict[str, float]:
    """The ECE a perfectly calibrated model with these predictions would show: outcomes drawn
    y ~ Bernoulli(p) ``draws`` times; their mean ECE and its 95th percentile. An ECE near
    ``mean`` is sampling noise; one above ``p95`` is miscalibration (at about 1 in 20 odds)."""
    p = np.asarray(p, dtype=np.float64)
    if len(p) == 0:
        return {"mean": float("nan"), "p95": float("nan")}
    rng = np.random.default_rng(seed)
    which = _bin_of(p, bins, strategy)
    counts = np.bincount(which, minlength=bins)
    predicted = np.bincount(which, weights=p, minlength=bins)
    ece = np.empty(draws)
    for k in range(draws):  # one draw of outcomes at a time: memory stays one row of p
        observed = np.bincount(which, weights=(rng.random(len(p)) < p).astype(np.float64), minlength=bins)
        ece[k] = np.abs(observed - predicted).sum() / counts.sum()
    return {"mean": float(ece.mean()), "p95": float(np.quantile(ece, 0.95))}


def reliability(p: np.ndarray, y: np.ndarray, *, bins: int = 10) -> list[dict[str, float]]:
    """Per non-empty bin: mean predicted, observed rate, rows (the reliability diagram's points)."""
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.float64)
    which = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            out.append({"predicted": float(p[mask].mean()), "observed": float(y[mask].mean()), "rows": int(mask.sum())})
    return out


def calibration_entry(p: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """ECE (equal-width, the headline, and equal-mass) with their noise floors, the mean
    predicted and observed rates and the reliability bins of predictions ``p`` of outcomes ``y``."""
    if len(y) == 0:
        return {"rows": 0, "ece": None}
    width, mass = noise_floor(p), noise_floor(p, strategy="mass")
    return {"rows": int(len(y)), "ece": expected_calibration_error(p, y),
            "ece_noise_floor": width["mean"], "ece_noise_p95": width["p95"],
            "ece_mass": expected_calibration_error(p, y, strategy="mass"),
            "ece_mass_noise_floor": mass["mean"], "ece_mass_noise_p95": mass["p95"],
            "mean_predicted": float(np.mean(p)), "observed_rate": float(np.mean(y)), "bins": reliability(p, y)}


def plot_reliability(report: dict[str, Any], path: Path) -> Path:
    """A reliability diagram (predicted vs observed per bin, area ∝ rows) for both probabilities (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    titles = {"hired_given_interview": "P(hired | interviewed)", "lasting_given_hire": "P(lasting 90 days | hired)"}
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.4))
    for ax, (name, title) in zip(axes, titles.items()):
        entry = report.get(name, {})
        ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
        points = entry.get("bins") or []
        if points:
            ax.plot([b["predicted"] for b in points], [b["observed"] for b in points], color="tab:blue")
            ax.scatter([b["predicted"] for b in points], [b["observed"] for b in points],
                       s=[max(8, 400 * b["rows"] / max(entry["rows"], 1)) for b in points], color="tab:blue")
        ece = entry.get("ece")
        floor = entry.get("ece_noise_floor")
        ax.set_title(f"{title}\nECE {ece:.3f}" + (f" (noise floor {floor:.3f})" if floor is not None else "")
                     + f" on {entry.get('rows', 0)} held-out pairs" if ece is not None
                     else f"{title}\n(no model)", fontsize=9)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("predicted")
        ax.set_ylabel("observed")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
