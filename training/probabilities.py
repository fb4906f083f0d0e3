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
calibration error (``training.calibration``) is measured on held-out pairs, beside its
sampling-noise floor: the ECE a perfectly calibrated model with the same predictions would
show on that many rows.

Whether an interview ends in a hire depends on more than the pair: others compete for the
posting's openings, and their number grows as more workers join the programme (on the demo
world pending applications per posting went from about 1.5 to 6 over the history while the
hiring rate fell from 0.44 to 0.27). The pair features do not carry that, so the hire model
also reads the posting's **competition** on the day (``training.competition``): applications
still pending and applications of the last 14 days, each per opening left. Training reads
them as of each pair's first contact, the fair planner as of the fair's day, from the same
applications table.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils.validation import check_is_fitted, validate_data

from matching.features import FEATURE_INDEX
from training.calibration import calibration_entry
from training.competition import COMPETITION_NAMES, ApplicationTimeline
from training.dataset import PairSet
from training.ranker import _openmp_limit, kept_columns

INTERVIEWED, HIRED, LASTING = 2, 3, 4
"""Graded labels (training.dataset): the furthest stage a pair reached."""
OUTCOME_IGNORED = tuple(FEATURE_INDEX[name] for name in ("employer_response_effect", "employer_lasting_effect"))
"""The probabilities read the employer's raw retention and application rate, not the ranker's
effects (``training.employer_effects``): with the effects in, the lasting probability's
held-out calibration error went from 0.042 to 0.056 on seed 1 (20,000 workers; beyond its
noise band, 95 % ≤ 0.050) and from 0.047 to 0.053 on the demo world, though it fell from
0.046 to 0.033 on seed 3. A likely cause: the effects are 0 over the early history and set
later, a drift that the calibration across all hires does not see."""
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
    ignored_columns : tuple of int, default=()
        Columns of ``X`` the classifier does not read.

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
                 random_state: int | None = None, ignored_columns: tuple[int, ...] = ()) -> None:
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
        self.ignored_columns = ignored_columns

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
            self.used_columns_ = kept_columns(X.shape[1], self.ignored_columns)
            self.model_ = CalibratedClassifierCV(base, method=self.method, cv=cv).fit(X[:, self.used_columns_], y)
        self.base_rate_ = float(np.mean(y == self.classes_[1]))
        return self

    def predict_proba(self, X) -> np.ndarray:  # noqa: ANN001 - sklearn array-likes
        """``(n, 2)``: P(not reached), P(reached)."""
        check_is_fitted(self, "model_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        with _openmp_limit(1):
            return self.model_.predict_proba(X[:, self.used_columns_])

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
    select_rows, reached = POPULATIONS[name]
    mask = select_rows(pairs)
    return pairs.X[mask], (pairs.y[mask] >= reached).astype(np.int64), pairs.day[mask]


def model_inputs(pairs: PairSet, name: str, timeline: ApplicationTimeline | None) -> np.ndarray:
    """What the model of population ``name`` reads for its rows of ``pairs``: the pair features,
    and for the hire model with a ``timeline`` the competition as of each pair's first contact."""
    mask = POPULATIONS[name][0](pairs)
    X = pairs.X[mask]
    if name != "hired_given_interview" or timeline is None:
        return X
    return np.column_stack([X, timeline.competition(pairs.posting_id[mask], pairs.day[mask], X)])


@dataclass
class OutcomeModels:
    """The two probabilities of a ranker version (stored in its signed artifact)."""

    hired_given_interview: StageProbability | None
    lasting_given_hire: StageProbability | None
    hire_inputs: tuple[str, ...] = ()
    """Columns the hire model reads after the pair features: :data:`COMPETITION_NAMES`, or none
    (a model fitted without the applications' timeline, as versions before it were)."""

    def hire(self, X: np.ndarray, competition: np.ndarray | None = None) -> np.ndarray | None:
        """P(hired | interviewed) per row, or None without a model. ``competition`` is
        :meth:`ApplicationTimeline.competition` of the same rows, required when
        :attr:`needs_competition`."""
        m = self.hired_given_interview
        if m is None:
            return None
        if self.needs_competition:
            if competition is None:
                raise ValueError("this hire model reads the postings' competition "
                                 "(ApplicationTimeline.competition of the same rows)")
            X = np.column_stack([X, competition])
        return m.probability(X)

    @property
    def needs_competition(self) -> bool:
        return self.hired_given_interview is not None and bool(self.hire_inputs)

    def lasting(self, X: np.ndarray) -> np.ndarray | None:
        """P(still employed at 90 days | hired) per row, or None without a model."""
        m = self.lasting_given_hire
        return None if m is None else m.probability(X)

    @property
    def complete(self) -> bool:
        return self.hired_given_interview is not None and self.lasting_given_hire is not None


def fit_outcomes(train: PairSet, *, timeline: ApplicationTimeline | None = None,
                 random_state: int = 0) -> OutcomeModels:
    """Both probabilities, each on its own population of ``train``; one too small stays None.

    With ``timeline`` (the applications of the same history) the hire model also reads the
    postings' competition (:data:`COMPETITION_NAMES`)."""
    models: dict[str, StageProbability | None] = {}
    # pairs with the service's feature columns (not a bare matrix of a few): leave out the effects
    ignored = OUTCOME_IGNORED if train.X.shape[1] == len(FEATURE_INDEX) else ()
    for name in POPULATIONS:
        _, y, day = population(train, name)
        if len(y) < MIN_POPULATION or len(np.unique(y)) < 2 or min(np.bincount(y)) < 10:
            models[name] = None
            continue
        X = model_inputs(train, name, timeline)
        method = "isotonic" if len(y) >= 1000 else "sigmoid"
        # Hiring rates drift with how full postings are and how many apply: the hire model is
        # calibrated on the most recent months. Whether a hire lasts is a property of the
        # pair; it is calibrated by cross-validation over all of them.
        recent = day if name == "hired_given_interview" else None
        models[name] = StageProbability(method=method, random_state=random_state,
                                        ignored_columns=ignored).fit(X, y, day=recent)
    uses = COMPETITION_NAMES if timeline is not None and models["hired_given_interview"] is not None else ()
    return OutcomeModels(**models, hire_inputs=uses)


def calibration_report(models: OutcomeModels, held_out: PairSet,
                       timeline: ApplicationTimeline | None = None) -> dict[str, Any]:
    """ECE and reliability of both probabilities on held-out pairs of their own populations
    (``timeline``: the applications, for a hire model that reads the competition)."""
    out: dict[str, Any] = {}
    for name in POPULATIONS:
        model = getattr(models, name)
        _, y, _ = population(held_out, name)
        if model is None or len(y) == 0:
            out[name] = {"rows": int(len(y)), "ece": None}
            continue
        if name == "hired_given_interview" and models.needs_competition and timeline is None:
            raise ValueError("the hire model reads the postings' competition: pass the applications' timeline")
        X = model_inputs(held_out, name, timeline if models.needs_competition else None)
        out[name] = calibration_entry(model.probability(X), y)
    return out


def cross_fitted_report(pairs: PairSet, *, timeline: ApplicationTimeline | None = None, folds: int = 5,
                        random_state: int = 0) -> dict[str, Any]:
    """ECE of both probabilities on every pair of ``pairs``, each predicted by models fitted
    without that pair's worker (``folds`` groups of workers): held out, and with several times
    the rows of the most recent period, so the estimate is less dominated by sampling noise
    (a perfectly calibrated model still shows an ECE of about 0.06 on 300 rows; each entry
    carries its noise floor). ``timeline``: as for :func:`fit_outcomes`."""
    from sklearn.model_selection import GroupKFold

    predicted: dict[str, np.ndarray] = {name: np.full(len(pairs), np.nan) for name in POPULATIONS}
    for train_rows, test_rows in GroupKFold(n_splits=folds).split(pairs.X, pairs.y, pairs.worker_id):
        train_mask = np.zeros(len(pairs), dtype=bool)
        train_mask[train_rows] = True
        models = fit_outcomes(pairs.subset(train_mask), timeline=timeline, random_state=random_state)
        test = pairs.subset(~train_mask)
        X = test.X
        competition = (timeline.competition(test.posting_id, test.day, X) if models.needs_competition else None)
        rows = np.flatnonzero(~train_mask)
        for name, values in (("hired_given_interview", models.hire(X, competition)),
                             ("lasting_given_hire", models.lasting(X))):
            if values is not None:
                predicted[name][rows] = values
    out: dict[str, Any] = {}
    for name, (select_rows, reached) in POPULATIONS.items():
        mask = select_rows(pairs) & np.isfinite(predicted[name])
        out[name] = calibration_entry(predicted[name][mask], (pairs.y[mask] >= reached).astype(np.int64))
    return out


def calibration_lines(report: dict[str, Any], label: str) -> list[str]:
    """Printable lines of a calibration report (``jingmeng evaluate``, the bench): the 10-bin
    equal-width ECE (the headline), the equal-mass one, each beside its noise floor — the mean
    ECE of a perfectly calibrated model with the same predictions on as many rows — and the
    95th percentile of that model's ECE."""
    names = {"hired_given_interview": "P(hired | interviewed)", "lasting_given_hire": "P(lasting 90 days | hired)"}
    out = []
    for name, title in names.items():
        entry = report.get(name) or {}
        if entry.get("ece") is None:
            out.append(f"  {title:<28} {label}: no model or no rows")
            continue
        line = (f"  {title:<28} {label}: ECE {entry['ece']:.3f} on {entry['rows']} pairs "
                f"(mean predicted {entry['mean_predicted']:.3f}, observed {entry['observed_rate']:.3f})")
        if entry.get("ece_noise_floor") is not None:
            line += (f"\n  {'':<28} noise floor {entry['ece_noise_floor']:.3f} (95 % ≤ {entry['ece_noise_p95']:.3f}); "
                     f"equal-mass bins: ECE {entry['ece_mass']:.3f}, noise floor {entry['ece_mass_noise_floor']:.3f} "
                     f"(95 % ≤ {entry['ece_mass_noise_p95']:.3f})")
        out.extend(line.split("\n"))
    return out


def concatenate(*sets: PairSet) -> PairSet:
    """One pair set of several (e.g. the training and the held-out period)."""
    import dataclasses

    return PairSet(**{f.name: np.concatenate([getattr(s, f.name) for s in sets])
                      for f in dataclasses.fields(PairSet)})
