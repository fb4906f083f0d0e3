"""``jingmeng train``: history → features → time split → fit → evaluate → register."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from matching.features import FEATURE_INDEX, FEATURE_NAMES
from matching.heuristic import heuristic_scores
from models.db.base import utcnow
from models.postings.tables import Posting
from models.rankers.tables import ModelEmployerEffect, ModelVersion
from training import employer_effects, registry
from training.calibration import LastingCalibrator
from training.competition import ApplicationTimeline
from training.dataset import PairSet, export, label_counts
from training.evaluate import Truth, evaluate
from training.probabilities import OutcomeModels, calibration_report, fit_outcomes
from training.ranker import Ranker
from training.stream import BuildSettings
from training.stream import build_sets as build_streamed

MIN_TRAIN_PAIRS = 200
MIN_RETRAIN_DAYS = 6
RANKER_PARAMS: dict[str, Any] = {
    "learning_rate": 0.1, "max_iter": 60, "max_leaf_nodes": 31, "min_samples_leaf": 100,
    "gain": "linear", "query_normalize": False,
    "ignored_columns": (FEATURE_INDEX["employer_retention"], FEATURE_INDEX["employer_interest"]),
}
"""Chosen on two worlds' histories (bench/bench_ranker_quality.py: the demo world and seed 3
with 20,000 workers): nightly lists are mostly all-zero with one or two applications, so
centring the target per list throws away how likely a pair is to succeed at all — which the
workers-for-a-job direction needs (NDCG@10 0.40 → 0.34 on seed 3 when centred). The linear
target (the label itself) beat NDCG's exponential ``2**y - 1`` once the training pairs no
longer saw the employer's future retention: the top-5 jobs it picks among all eligible ones
last more often (share of the random → ceiling gain 83 → 87 % on the demo world, 81 → 84 %
on seed 3) at the same or better logged-list NDCG. 60 trees of 31 leaves keep batch
scoring fast; more or smaller trees changed NDCG@10 by under 0.002.

The ranker reads the employer through its two effects (``training.employer_effects``), not
through the raw retention and application rate (``ignored_columns``; they stay in the matrix
for the facts a clerk reads and for the probabilities): the raw rates mix the employer with
the fit of whom it was shown to and hired, and with both in, the trees leaned on the mix
(counterfactual top-5 share on the demo world 88 % with the raw application rate beside the
response effect, 90 % without it)."""


@dataclass
class TrainingRun:
    model: ModelVersion
    report: dict[str, Any]
    train: PairSet
    evaluation: PairSet
    timeline: ApplicationTimeline | None = None
    """The applications the hire probability's competition was read from (cross-fitting needs it)."""


class NotEnoughHistory(Exception):
    pass


def posting_employers(session: Session) -> dict[int, int]:
    """Posting id → employer id of every posting (what the employer effects group by)."""
    return dict(session.execute(select(Posting.id, Posting.employer_id)).all())


def with_employer_effects(train_set: PairSet, eval_set: PairSet,
                          employer_of: Mapping[int, int]) -> employer_effects.EmployerEffects:
    """Estimate the employer effects from both sets and fill their columns in both, each pair
    as known on the first day of its month (``training.employer_effects``)."""
    effects = employer_effects.estimate((train_set, eval_set), employer_of)
    effects.fill(train_set, employer_of)
    effects.fill(eval_set, employer_of)
    return effects


def build_sets(session: Session, *, as_of: date, eval_days: int, progress=None,
               settings: BuildSettings | None = None) -> tuple[PairSet, PairSet, date]:
    return build_streamed(session, as_of=as_of, eval_days=eval_days, settings=settings or BuildSettings(),
                          progress=progress)


@dataclass
class Candidate:
    """A fitted ranker not yet in the registry: fitting needs no database session."""

    ranker: Ranker
    calibrator: LastingCalibrator
    report: dict[str, Any]
    train: PairSet
    evaluation: PairSet
    split: date
    outcomes: OutcomeModels | None = None
    timeline: ApplicationTimeline | None = None
    employer_effects: dict[int, tuple[float, float]] = field(default_factory=dict)
    """Employer → (response, lasting) effect as known on the training day: what the service ranks with."""


def fit_candidate(train_set: PairSet, eval_set: PairSet, cut: date, *, truth: Truth | None = None,
                  export_dir: Path | None = None, ranker_params: dict[str, Any] | None = None,
                  timeline: ApplicationTimeline | None = None, employer_of: Mapping[int, int] | None = None,
                  as_of: date | None = None) -> Candidate:
    """Fit a ranker on the past, calibrate and evaluate it on the most recent period.

    ``timeline`` (the history's applications, ``ApplicationTimeline.load``) gives the hire
    probability the postings' competition; without it the hire model reads the pair features only.
    ``employer_of`` (posting → employer, ``posting_employers``) gives the employer effects; without
    it their columns stay 0 (every employer average). ``as_of`` is the day the stored effects
    are known on (default: the day after the last pair)."""
    if len(train_set) < MIN_TRAIN_PAIRS or len(eval_set) == 0 or len(np.unique(train_set.y)) < 2:
        raise NotEnoughHistory(f"{len(train_set)} training and {len(eval_set)} evaluation pairs")
    stored: dict[int, tuple[float, float]] = {}
    if employer_of is not None:
        effects = with_employer_effects(train_set, eval_set, employer_of)
        day = as_of.toordinal() if as_of is not None else int(max(train_set.day.max(), eval_set.day.max())) + 1
        stored = effects.on(day)
    if export_dir is not None:
        export(train_set, eval_set, export_dir)
    params = {**RANKER_PARAMS, **(ranker_params or {})}
    fitted = train_set.subset(train_set.outcome_known)  # a hire not yet 90 days old has no final label
    ranker = Ranker(random_state=0, **params).fit(fitted.X, fitted.y, qid=fitted.qid, sample_weight=fitted.weight)
    calibrator = LastingCalibrator().fit(ranker.predict(eval_set.X), eval_set.y)
    outcomes = fit_outcomes(train_set, timeline=timeline)
    report = evaluate({"ranker": ranker.predict, "heuristic": heuristic_scores}, eval_set, truth)
    report["calibration"] = calibration_report(outcomes, eval_set, timeline)
    report.update(train_pairs=len(train_set), train_labels=label_counts(train_set),
                  eval_labels=label_counts(eval_set), split=cut.isoformat())
    return Candidate(ranker, calibrator, report, train_set, eval_set, cut, outcomes, timeline, stored)


def register_candidate(session: Session, candidate: Candidate, *, key: str) -> TrainingRun:
    """Store the candidate, signed, as a ``candidate`` version."""
    train_set, eval_set = candidate.train, candidate.evaluation
    row = registry.register(
        session, key=key, estimator=candidate.ranker, calibrator=candidate.calibrator,
        feature_names=FEATURE_NAMES, reference=np.median(train_set.X, axis=0), metrics=candidate.report,
        trained_from=date.fromordinal(int(train_set.day.min())), trained_to=candidate.split,
        evaluated_to=date.fromordinal(int(eval_set.day.max())), outcomes=candidate.outcomes,
    )
    if candidate.employer_effects:
        session.execute(insert(ModelEmployerEffect), [
            {"model_version_id": row.id, "employer_id": e, "response_effect": r, "lasting_effect": k}
            for e, (r, k) in sorted(candidate.employer_effects.items())])
    return TrainingRun(row, candidate.report, train_set, eval_set, candidate.timeline)


def train(session: Session, *, as_of: date, key: str, eval_days: int = 180, truth: Truth | None = None,
          export_dir: Path | None = None, ranker_params: dict[str, Any] | None = None,
          progress=None, settings: BuildSettings | None = None) -> TrainingRun:
    """Fit a ranker on the past and evaluate it on the most recent period; store a candidate."""
    train_set, eval_set, cut = build_sets(session, as_of=as_of, eval_days=eval_days, progress=progress,
                                          settings=settings)
    candidate = fit_candidate(train_set, eval_set, cut, truth=truth, export_dir=export_dir,
                              ranker_params=ranker_params, timeline=ApplicationTimeline.load(session),
                              employer_of=posting_employers(session), as_of=as_of)
    return register_candidate(session, candidate, key=key)


def beats(candidate: dict[str, Any], incumbent_ndcg: float) -> bool:
    """Promotion rule of the weekly retraining: strictly better NDCG@10 (jobs for a worker)."""
    return candidate["scorers"]["ranker"]["jobs_for_worker"]["ndcg@10"] > incumbent_ndcg


def score_with(model: registry.LoadedModel, pairs: PairSet) -> float:
    """NDCG@10 of a loaded model on ``pairs`` (jobs for a worker)."""
    return evaluate({"m": model.estimator.predict}, pairs)["scorers"]["m"]["jobs_for_worker"]["ndcg@10"]


@dataclass
class RetrainingInputs:
    """What the weekly retraining reads: the history split in two, and the incumbent model."""

    sets: tuple[PairSet, PairSet, date]
    incumbent: registry.LoadedModel | None
    incumbent_refused: bool
    timeline: ApplicationTimeline | None = None
    employer_of: Mapping[int, int] | None = None
    as_of: date | None = None


@dataclass
class FittedRetraining:
    candidate: Candidate | None
    """None when the history is too short (``reason`` says why)."""
    reason: str | None
    old_ndcg: float | None


def load_retraining(session: Session, *, as_of: date, key: str, eval_days: int = 180,
                    settings: BuildSettings | None = None) -> RetrainingInputs | dict[str, Any]:
    """Read the history and the incumbent; an active model trained less than
    ``MIN_RETRAIN_DAYS`` ago is kept as it is (e.g. the catch-up run right after a first
    start) and the result says so."""
    current = registry.active(session)
    if current is not None and (utcnow() - current.created_at).days < MIN_RETRAIN_DAYS:
        return {"trained": None, "promoted": False, "reason": f"active model {current.version} is recent"}
    incumbent, refused = None, False
    if current is not None:
        try:
            incumbent = registry.load(current, key=key)
        except registry.ArtifactRefused:
            refused = True
    return RetrainingInputs(build_sets(session, as_of=as_of, eval_days=eval_days, settings=settings),
                            incumbent, refused, ApplicationTimeline.load(session), posting_employers(session), as_of)


def fit_retraining(inputs: RetrainingInputs) -> FittedRetraining:
    """Fit the candidate and score the incumbent on the same held-out period (no database)."""
    try:
        candidate = fit_candidate(*inputs.sets, timeline=inputs.timeline, employer_of=inputs.employer_of,
                                  as_of=inputs.as_of)
    except NotEnoughHistory as exc:
        return FittedRetraining(None, str(exc), None)
    old_ndcg = (float("-inf") if inputs.incumbent_refused else
                None if inputs.incumbent is None else score_with(inputs.incumbent, candidate.evaluation))
    return FittedRetraining(candidate, None, old_ndcg)


def promote_if_better(session: Session, fitted: FittedRetraining, *, key: str) -> dict[str, Any]:
    """Store the candidate; activate it only if it beats the incumbent (or none is active)."""
    if fitted.candidate is None:
        return {"trained": None, "promoted": False, "reason": fitted.reason}
    run = register_candidate(session, fitted.candidate, key=key)
    new_ndcg = run.report["scorers"]["ranker"]["jobs_for_worker"]["ndcg@10"]
    old_ndcg = fitted.old_ndcg
    promoted = old_ndcg is None or beats(run.report, old_ndcg)
    if promoted:
        registry.activate(session, run.model.version)
    return {"trained": run.model.version, "promoted": promoted, "ndcg@10_new": round(new_ndcg, 4),
            "ndcg@10_active": None if old_ndcg is None else round(old_ndcg, 4)}


def retrain_and_promote(session: Session, *, as_of: date, key: str, eval_days: int = 180) -> dict[str, Any]:
    """Weekly retraining in one session (tests, a shell); the scheduled job (training.scheduled)
    runs the same three steps with a session for reading and another for writing."""
    loaded = load_retraining(session, as_of=as_of, key=key, eval_days=eval_days)
    if isinstance(loaded, dict):
        return loaded
    return promote_if_better(session, fit_retraining(loaded), key=key)
