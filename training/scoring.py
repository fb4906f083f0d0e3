"""Which ranker answers, and the open postings it ranks — both cached per process.

If no model is active, or the active one fails verification or loading, the transparent
heuristic answers and ``Scorer.name`` says so; every ranked response reports that name.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.batches import PostingBatch, WorkerBatch
from matching.features import pair_features
from matching.profiles import EmployerRetention, PostingProfile, WorkerProfile
from matching.explain import ScoreFn
from matching.heuristic import TYPICAL_VECTOR, heuristic_scores
from models.employers.tables import Employer
from models.postings.tables import Posting
from models.rankers.tables import ModelVersion
from training import registry
from training.probabilities import OutcomeModels
from training.loading import PostingListing, employer_retention, open_postings, posting_listing, posting_profile

log = logging.getLogger("jingmeng.scoring")
HEURISTIC = "heuristic"
SHORTLIST = 500
"""Candidates a tree model scores per list, chosen by the heuristic (keeps p99 low; see
bench/bench_matching.py: the shortlist keeps nearly all of the full model's top 20)."""


@dataclass(frozen=True)
class Scorer:
    name: str
    """``heuristic`` or the model version that answers."""
    score: ScoreFn
    probability: Callable[[np.ndarray], np.ndarray]
    """Scores → P(a shown pair ends in a lasting hire): the weight of the nightly lists'
    capacity LP. Not a probability to show anyone (see ``outcomes``)."""
    reference: np.ndarray | None
    fallback_reason: str | None = None
    outcomes: OutcomeModels | None = None
    """P(hired | interviewed) and P(lasting | hired) from pair features, when the model has them."""

    def hire_probability(self, X: np.ndarray, competition: np.ndarray | None = None) -> np.ndarray | None:
        """P(hired | interviewed) per feature row; None when the answering ranker has none.
        ``competition``: the postings' (``ApplicationTimeline.competition`` of the same rows),
        needed when ``outcomes.needs_competition``."""
        return None if self.outcomes is None else self.outcomes.hire(X, competition)

    def lasting_probability(self, X: np.ndarray) -> np.ndarray | None:
        """P(still employed at 90 days | hired) per feature row (稳定就业可能性); None without a model."""
        return None if self.outcomes is None else self.outcomes.lasting(X)

    @property
    def shortlist(self) -> int | None:
        """Candidate generation (召回) for ``matching.rank``: the heuristic is fast enough to
        score every eligible posting; a model scores only the heuristic's best ``SHORTLIST``."""
        return None if self.name == HEURISTIC else SHORTLIST


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
        outcomes = model.outcomes if model.outcomes is not None and model.outcomes.complete else None
        return Scorer(model.version, model.estimator.predict, probability, reference, outcomes=outcomes)


@dataclass(frozen=True)
class OpenPostings:
    """One snapshot of the open postings: the engine's batch and what a list shows of each."""

    batch: PostingBatch
    listings: Mapping[int, PostingListing]
    """Posting id → its listing, for every posting of ``batch``."""
    employers: Mapping[int, EmployerRetention]
    """Every employer's history as of the snapshot's day (what ``batch`` was built with): a
    posting's candidate list reads its employer's from here instead of aggregating the
    shown lists and applications again."""


def load_open_postings(session: Session, *, today: date) -> OpenPostings:
    rows = open_postings(session, today=today)
    employers = employer_retention(session, as_of=today)
    batch = PostingBatch.from_profiles([posting_profile(p) for p in rows], employers)
    return OpenPostings(batch, {p.id: posting_listing(p) for p in rows}, employers)


class OpenPostingIndex:
    """Open postings (``OpenPostings``), reloaded only when postings or employers change.

    The fingerprint (day, newest posting ``updated_at`` and id, newest employer
    ``updated_at``, the active model) takes one round trip, so a request ranks 20,000 postings, and shows
    their titles and employers, without reloading them from the database.
    """

    def __init__(self) -> None:
        self._fingerprint: tuple | None = None
        self._snapshot: OpenPostings | None = None
        self._lock = threading.Lock()

    def get(self, session: Session, *, today: date) -> OpenPostings:
        # Every change to a posting or an employer sets its updated_at (ORM and bulk updates
        # alike); the posting maxima are index lookups, the employers table is small.
        fingerprint = (today, *session.execute(select(
            select(func.max(Posting.updated_at)).scalar_subquery(),
            select(func.max(Posting.id)).scalar_subquery(),
            select(func.max(Employer.updated_at)).scalar_subquery(),
            # the active model's employer effects are in the batch: a new active model, new batch
            select(func.max(ModelVersion.id)).where(ModelVersion.status == "active").scalar_subquery())).one())
        with self._lock:
            if fingerprint == self._fingerprint and self._snapshot is not None:
                return self._snapshot
        snapshot = load_open_postings(session, today=today)
        with self._lock:
            self._fingerprint, self._snapshot = fingerprint, snapshot
        return snapshot


def lasting_in_batch(scorer: Scorer, worker: WorkerProfile, batch: PostingBatch, posting_ids: Sequence[int],
                     today: date) -> list[float | None]:
    """P(lasting | hired) of one worker in some postings of ``batch`` (the ranked list's rows)."""
    if scorer.outcomes is None or not posting_ids:
        return [None] * len(posting_ids)
    position = {int(pid): k for k, pid in enumerate(batch.posting_ids.tolist())}
    pi = np.array([position[int(p)] for p in posting_ids], dtype=np.int64)
    X = pair_features(WorkerBatch.from_profiles([worker], batch), batch, np.zeros(len(pi), dtype=np.int64), pi, today)
    return [float(v) for v in scorer.lasting_probability(X)]


def lasting_of_pairs(scorer: Scorer, pairs: Sequence[tuple[WorkerProfile, PostingProfile]], today: date,
                     retention: Mapping[int, EmployerRetention]) -> list[float | None]:
    """P(lasting | hired) of (worker, posting) profile pairs, with the features ranking uses."""
    if scorer.outcomes is None or not pairs:
        return [None] * len(pairs)
    postings = PostingBatch.from_profiles([p for _, p in pairs], retention)
    idx = np.arange(len(pairs))
    X = pair_features(WorkerBatch.from_profiles([w for w, _ in pairs], postings), postings, idx, idx, today)
    return [float(v) for v in scorer.lasting_probability(X)]
