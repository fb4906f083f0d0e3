"""Per-process ranking state: the active scorer and the open-posting index."""
from __future__ import annotations

from flask import Flask, current_app

from api import db
from models import clock
from matching.batches import PostingBatch
from training.scoring import OpenPostingIndex, Scorer, ScorerCache


def init_app(app: Flask) -> None:
    app.extensions["jm.scorers"] = ScorerCache(app.config["MODEL_SIGNING_KEY"])
    app.extensions["jm.open_postings"] = OpenPostingIndex()


def scorer() -> Scorer:
    """The ranker that answers now (a model version, or the heuristic as fallback)."""
    return current_app.extensions["jm.scorers"].current(db.session())


def open_posting_batch() -> PostingBatch:
    return current_app.extensions["jm.open_postings"].get(db.session(), today=clock.today())
