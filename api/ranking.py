"""Per-process ranking state: the active scorer and the open-posting index."""
from __future__ import annotations

from datetime import date

from flask import Flask, current_app
from sqlalchemy.orm import Session, sessionmaker

from api import db
from models import clock
from training import scheduled as scheduled_jobs
from matching.batches import PostingBatch
from training.pipeline import retrain_and_promote
from training.recommend import RankedLists, recommend
from training.scoring import OpenPostingIndex, Scorer, ScorerCache


def init_app(app: Flask) -> None:
    scorers = ScorerCache(app.config["MODEL_SIGNING_KEY"])
    index = OpenPostingIndex()
    app.extensions["jm.scorers"] = scorers
    app.extensions["jm.open_postings"] = index
    per_worker = int(app.config.get("RECOMMENDATIONS_PER_WORKER") or 10)
    key = app.config["MODEL_SIGNING_KEY"]

    def nightly(session: Session, worker_ids: list[int], today: date) -> RankedLists:
        return recommend(session, worker_ids, today, scorer=scorers.current(session), index=index, k=per_worker)

    def weekly(sessions: sessionmaker[Session], today: date) -> dict:
        with sessions() as session:
            result = retrain_and_promote(session, as_of=today, key=key)
            session.commit()
        return result

    # The scheduler process runs these jobs; registering them here wires the engine in.
    scheduled_jobs.register_recommender("default", nightly)
    scheduled_jobs.register_trainer("default", weekly)


def scorer() -> Scorer:
    """The ranker that answers now (a model version, or the heuristic as fallback)."""
    return current_app.extensions["jm.scorers"].current(db.session())


def open_posting_batch() -> PostingBatch:
    return current_app.extensions["jm.open_postings"].get(db.session(), today=clock.today())
