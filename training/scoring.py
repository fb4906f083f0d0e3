"""Which ranker answers, and the open postings it ranks — both cached per process.

If no model is active, or the active one fails verification or loading, the transparent
heuristic answers and ``Scorer.name`` says so; every ranked response reports that name.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.batches import PostingBatch
from matching.explain import ScoreFn
from matching.heuristic import TYPICAL_VECTOR, heuristic_scores
from matching.profiles import PostingProfile
from models.postings.tables import Posting
from models.rankers.tables import ModelVersion
from training import registry
from training.loading import employer_retention, open_postings

log = logging.getLogger("jingmeng.scoring")
HEURISTIC = "heuristic"


@dataclass(frozen=True)
class Scorer:
    name: str
    """``heuristic`` or the model version that answers."""
    score: ScoreFn
    probability: Callable[[np.ndarray], np.ndarray]
    """Scores → P(still employed at 90 days); the job-fair planner needs probabilities."""
    reference: np.ndarray | None
    fallback_reason: str | None = None


def heuristic_scorer(reason: str | None = None) -> Scorer:
    return Scorer(HEURISTIC, heuristic_scores, lambda s: np.clip(np.asarray(s, float), 0.0, 1.0),
                  TYPICAL_VECTOR, reason)


class ScorerCache:
    """The active model, verified and unpickled once per version."""

    def __init__(self, signing_key: str) -> None:
        self._key = signing_key
        self._loaded: dict[tuple[str, str, str], registry.LoadedModel] = {}
        self._lock = threading.Lock()

    def current(self, session: Session) -> Scorer:
        row = session.execute(select(ModelVersion.id, ModelVersion.version, ModelVersion.checksum,
                                     ModelVersion.signature).where(ModelVersion.status == "active")).first()
        if row is None:
            return heuristic_scorer("no active model")
        cache_key = (row.version, row.checksum, row.signature)
        with self._lock:
            model = self._loaded.get(cache_key)
        if model is None:
            try:
                model = registry.load(session.get(ModelVersion, row.id), key=self._key)
                if "n_threads" in model.estimator.get_params():
                    # One request scores a few hundred rows: thread start-up would dominate.
                    model.estimator.set_params(n_threads=1)
            except Exception as exc:  # a refused or unloadable artifact must not stop ranking
                log.error("active model refused; falling back to the heuristic",
                          extra={"version": row.version, "error": str(exc)[:200]})
                return heuristic_scorer(f"model {row.version} could not be loaded: {exc.__class__.__name__}")
            with self._lock:
                self._loaded = {cache_key: model}
        calibrator = model.calibrator
        probability = (calibrator.predict_proba if calibrator is not None
                       else lambda s: 1.0 / (1.0 + np.exp(-np.asarray(s, float))))
        reference = model.reference if model.reference is not None else TYPICAL_VECTOR
        return Scorer(model.version, model.estimator.predict, probability, reference)


class OpenPostingIndex:
    """Open postings as a ``PostingBatch``, rebuilt only when postings change.

    The fingerprint (day, newest ``updated_at``, newest id) takes two index lookups, so a
    request ranks 20,000 postings without reloading them from the database.
    """

    def __init__(self) -> None:
        self._fingerprint: tuple | None = None
        self._batch: PostingBatch | None = None
        self._profiles: dict[int, PostingProfile] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, *, today: date) -> PostingBatch:
        # Every change to a posting sets updated_at (ORM and bulk updates alike); both maxima
        # are index lookups, so checking freshness costs well under a millisecond.
        fingerprint = (today, session.scalar(select(func.max(Posting.updated_at))),
                       session.scalar(select(func.max(Posting.id))))
        with self._lock:
            if fingerprint == self._fingerprint and self._batch is not None:
                return self._batch
        profiles = open_postings(session, today=today)
        batch = PostingBatch.from_profiles(profiles, employer_retention(session, as_of=today))
        with self._lock:
            self._fingerprint, self._batch = fingerprint, batch
            self._profiles = {p.posting_id: p for p in profiles}
        return batch
