"""Per-process ranking state of the web app: the active scorer and the open-posting index.

The scheduler builds its own (``training.scheduled``): it is another process.
"""
from __future__ import annotations

from flask import Flask, current_app

from api import db
from models import clock
from training.scoring import OpenPostingIndex, OpenPostings, Scorer, ScorerCache


def init_app(app: Flask) -> None:
    app.extensions["jm.scorers"] = ScorerCache(app.config["MODEL_SIGNING_KEY"])
    app.extensions["jm.open_postings"] = OpenPostingIndex()


def scorer() -> Scorer:
    """The ranker that answers now (a model version, or the heuristic as fallback)."""
    return current_app.extensions["jm.scorers"].current(db.session())


def open_postings() -> OpenPostings:
    """Today's open postings: the batch to rank and each posting's listing."""
    return current_app.extensions["jm.open_postings"].get(db.session(), today=clock.today())
