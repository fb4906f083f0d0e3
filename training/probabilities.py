"""Probabilities that mean what they say: P(hired | interviewed) and P(lasting | hired).

A ranking score only orders pairs. The job-fair planner needs, for an interview, the chance
that it ends in a hire that lasts; a clerk reading a printout wants the chance that a hire
stays 90 days (稳定就业可能性). Each of the two is its own classifier on the pair features,
fitted and calibrated on *its own population* — interviewed pairs for the hire, hired pairs
whose 90 days are known for lasting — never on every shown pair (most of which nobody looked
at, so P(lasting) of a shown pair is near zero and means neither).

:class:`StageProbability` is gradient boosting wrapped in scikit-learn's
``CalibratedClassifierCV`` (isotonic, or Platt's sigmoid for small populations), so the
probabilities are calibrated by cross-validation on the training population; the expected
calibration error (:func:`expected_calibration_error`) is measured on held-out pairs.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils.validation import check_is_fitted, validate_data

from training.dataset import PairSet
from training.ranker import _openmp_limit

INTERVIEWED, HIRED, LASTING = 2, 3, 4
"""Graded labels (training.dataset): the furthest stage a pair reached."""
MIN_POPULATION = 60
"""Fewer rows of a population than this (or one class only): no model, no probability."""


class StageProbability(ClassifierMixin, BaseEstimator):
    """Calibrated P(next stage | this stage) from pair features.

    Parameters
    ----------
    method : {"isotonic", "sigmoid"}, default="isotonic"
        Calibration map of ``CalibratedClassifierCV``; ``sigmoid`` (Platt) suits small data.
    cv : int, default=5
        Folds of the calibration's cross-validation when ``fit`` gets no days (or too few
        recent rows for a time split).
    recent_days : int, default=180
        With ``day`` given to ``fit``: the classifier is fitted on the older rows and
        calibrated on the most recent ``recent_days`` — rates drift (postings fill up, the
        number of applicants changes), and the newest rates are the best guess for tomorrow.
    min_recent : int, default=150
        Fewest recent rows (and 15 of each outcome) for that time split.
    max_iter : int, default=80
        Boosting iterations of each fold's classifier.
    learning_rate : float, default=0.05
    max_leaf_nodes : int, default=15
    min_samples_leaf : int, default=30
    l2_regularization : float, default=1.0
    random_state : int or None, default=None

    Attributes
    ----------
    model_ : CalibratedClassifierCV
    classes_ : ndarray of shape (2,)
    n_features_in_ : int
    base_rate_ : float
        Share of positives in the training population.
    """

    def __init__(self, method: str = "isotonic", cv: int = 5, recent_days: int = 180, min_recent: int = 150,
                 max_iter: int = 80, learning_rate: float = 0.05, max_leaf_nodes: int = 15,
                 min_samples_leaf: int = 30, l2_regularization: float = 1.0,
                 random_state: int | None = None) -> None:
        self.method = method
        self.cv = cv
        self.recent_days = recent_days
        self.min_recent = min_recent
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.random_state = random_state

    def fit(self, X, y, day=None) -> StageProbability:  # noqa: ANN001 - sklearn array-likes
        """Fit on one population: ``y`` is 1 where the pair reached the next stage.

        ``day`` (ordinal of each row's first contact, optional) selects the time split of the
        calibration (see ``recent_days``); ``split_`` says which was used.
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError("both outcomes are needed to fit a probability")
        cv: Any = self.cv
        self.split_ = f"{self.cv}-fold"
        if day is not None:
            day = np.asarray(day).ravel()
            recent = day > day.max() - self.recent_days
            positives = int(np.sum(y[recent] == self.classes_[1]))
            if (recent.sum() >= self.min_recent and min(positives, int(recent.sum()) - positives) >= 15
                    and len(np.unique(y[~recent])) == 2):
                cv = [(np.flatnonzero(~recent), np.flatnonzero(recent))]
                self.split_ = f"recent {self.recent_days} days"
        base = HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf, l2_regularization=self.l2_regularization,
            early_stopping=False, random_state=self.random_state)
        with _openmp_limit(1):  # small data: threads only wait on each other (see training.ranker)
            self.model_ = CalibratedClassifierCV(base, method=self.method, cv=cv).fit(X, y)
        self.base_rate_ = float(np.mean(y == self.classes_[1]))
        return self

    def predict_proba(self, X) -> np.ndarray:  # noqa: ANN001 - sklearn array-likes
        """``(n, 2)``: P(not reached), P(reached)."""
        check_is_fitted(self, "model_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        with _openmp_limit(1):
            return self.model_.predict_proba(X)

    def predict(self, X) -> np.ndarray:  # noqa: ANN001 - sklearn array-likes
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    def probability(self, X) -> np.ndarray:  # noqa: ANN001 - sklearn array-likes
        """P(reached) of each row, shape (n,)."""
        return self.predict_proba(X)[:, 1]


def interviewed(pairs: PairSet) -> np.ndarray:
    """The population of P(hired | interviewed): pairs that got an interview and were hired or
    turned down (an interview still pending is left out), as a row mask."""
    return (pairs.y >= HIRED) | ((pairs.y == INTERVIEWED) & pairs.outcome_known)


def hired(pairs: PairSet) -> np.ndarray:
    """The population of P(lasting | hired): hires whose 90 days are over (a row mask)."""
    return (pairs.y >= HIRED) & pairs.outcome_known


POPULATIONS = {"hired_given_interview": (interviewed, HIRED), "lasting_given_hire": (hired, LASTING)}


def population(pairs: PairSet, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, outcome (1: reached the next stage) and first-contact day of a population's rows."""
    select, reached = POPULATIONS[name]
    mask = select(pairs)
    return pairs.X[mask], (pairs.y[mask] >= reached).astype(np.int64), pairs.day[mask]


@dataclass
class OutcomeModels:
    """The two probabilities of a ranker version (stored in its signed artifact)."""

    hired_given_interview: StageProbability | None
    lasting_given_hire: StageProbability | None

    def hire(self, X: np.ndarray) -> np.ndarray | None:
        """P(hired | interviewed) per row, or None without a model."""
        m = self.hired_given_interview
        return None if m is None else m.probability(X)

    def lasting(self, X: np.ndarray) -> np.ndarray | None:
        """P(still employed at 90 days | hired) per row, or None without a model."""
        m = self.lasting_given_hire
        return None if m is None else m.probability(X)

    @property
    def complete(self) -> bool:
        return self.hired_given_interview is not None and self.lasting_given_hire is not None


def fit_outcomes(train: PairSet, *, random_state: int = 0) -> OutcomeModels:
    """Both probabilities, each on its own population of ``train``; one too small stays None."""
    models: dict[str, StageProbability | None] = {}
    for name in POPULATIONS:
        X, y, day = population(train, name)
        if len(y) < MIN_POPULATION or len(np.unique(y)) < 2 or min(np.bincount(y)) < 10:
            models[name] = None
            continue
        method = "isotonic" if len(y) >= 1000 else "sigmoid"
        # Hiring rates drift with how full postings are and how many apply: the hire model is
        # calibrated on the most recent months. Whether a hire lasts is a property of the
        # pair; it is calibrated by cross-validation over all of them.
        recent = day if name == "hired_given_interview" else None
        models[name] = StageProbability(method=method, random_state=random_state).fit(X, y, day=recent)
    return OutcomeModels(**models)


def expected_calibration_error(p: np.ndarray, y: np.ndarray, *, bins: int = 10) -> float:
    """ECE: Σ over equal-width probability bins of (share of rows) × |mean p − observed rate|."""
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if len(p) == 0:
        return float("nan")
    which = np.minimum((p * bins).astype(int), bins - 1)
    counts = np.bincount(which, minlength=bins)
    gap = np.abs(np.bincount(which, weights=p, minlength=bins) - np.bincount(which, weights=y, minlength=bins))
    return float(gap.sum() / counts.sum())


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


def calibration_report(models: OutcomeModels, held_out: PairSet) -> dict[str, Any]:
    """ECE and reliability of both probabilities on held-out pairs of their own populations."""
    out: dict[str, Any] = {}
    for name in POPULATIONS:
        model = getattr(models, name)
        X, y, _ = population(held_out, name)
        if model is None or len(y) == 0:
            out[name] = {"rows": int(len(y)), "ece": None}
            continue
        p = model.probability(X)
        out[name] = {"rows": int(len(y)), "ece": expected_calibration_error(p, y), "mean_predicted": float(p.mean()),
                     "observed_rate": float(y.mean()), "bins": reliability(p, y)}
    return out


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
        ax.set_title(f"{title}\nECE {ece:.3f} on {entry.get('rows', 0)} held-out pairs" if ece is not None
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


def cross_fitted_report(pairs: PairSet, *, folds: int = 5, random_state: int = 0) -> dict[str, Any]:
    """ECE of both probabilities on every pair of ``pairs``, each predicted by models fitted
    without that pair's worker (``folds`` groups of workers): held out, and with several times
    the rows of the most recent period, so the estimate is not dominated by sampling noise
    (a perfectly calibrated model still shows an ECE of about 0.06 on 300 rows)."""
    from sklearn.model_selection import GroupKFold

    predicted: dict[str, np.ndarray] = {name: np.full(len(pairs), np.nan) for name in POPULATIONS}
    for train_rows, test_rows in GroupKFold(n_splits=folds).split(pairs.X, pairs.y, pairs.worker_id):
        train_mask = np.zeros(len(pairs), dtype=bool)
        train_mask[train_rows] = True
        models = fit_outcomes(pairs.subset(train_mask), random_state=random_state)
        for name in POPULATIONS:
            model = getattr(models, name)
            if model is not None:
                predicted[name][test_rows] = model.probability(pairs.X[test_rows])
    out: dict[str, Any] = {}
    for name, (select, reached) in POPULATIONS.items():
        mask = select(pairs) & np.isfinite(predicted[name])
        p, y = predicted[name][mask], (pairs.y[mask] >= reached).astype(np.int64)
        out[name] = ({"rows": int(len(y)), "ece": expected_calibration_error(p, y), "mean_predicted": float(p.mean()),
                      "observed_rate": float(y.mean()), "bins": reliability(p, y)} if len(y) else
                     {"rows": 0, "ece": None})
    return out


def calibration_lines(report: dict[str, Any], label: str) -> list[str]:
    """Printable lines of a calibration report (``jingmeng evaluate``, the bench)."""
    names = {"hired_given_interview": "P(hired | interviewed)", "lasting_given_hire": "P(lasting 90 days | hired)"}
    out = []
    for name, title in names.items():
        entry = report.get(name) or {}
        if entry.get("ece") is None:
            out.append(f"  {title:<28} {label}: no model or no rows")
            continue
        out.append(f"  {title:<28} {label}: ECE {entry['ece']:.3f} on {entry['rows']} pairs "
                   f"(mean predicted {entry['mean_predicted']:.3f}, observed {entry['observed_rate']:.3f})")
    return out


def concatenate(*sets: PairSet) -> PairSet:
    """One pair set of several (e.g. the training and the held-out period)."""
    import dataclasses

    return PairSet(**{f.name: np.concatenate([getattr(s, f.name) for s in sets])
                      for f in dataclasses.fields(PairSet)})
