"""``jingmeng seed demo``: the deterministic synthetic world for demos and benchmarks."""
from __future__ import annotations

from datetime import date

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from api import db
from api.progress import Progress
from models import clock
from models.db import session_scope
from models.workers.tables import Worker
from seed.world import generate_world


@click.command("demo")
@click.option("--workers", "n_workers", type=click.IntRange(1), default=5_000, show_default=True)
@click.option("--postings", "n_postings", type=click.IntRange(1), default=800, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="World seed (same seed → same rows)")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Day the history ends (YYYY-MM-DD); defaults to today in China Standard Time")
@click.option("--if-empty", is_flag=True, help="Do nothing when workers already exist")
@with_appcontext
def seed_demo(n_workers: int, n_postings: int, seed: int, as_of, if_empty: bool) -> None:
    """Generate synthetic workers, employers, postings and 2–3 years of history."""
    day: date = as_of.date() if as_of else clock.today()
    sessions = db.session_factory()
    with session_scope(sessions) as session:
        if if_empty and session.scalar(select(func.count()).select_from(Worker)):
            click.echo("workers exist; nothing to do")
            return
        summary = generate_world(
            session, current_app.extensions["jm.vault"], workers=n_workers, postings=n_postings, seed=seed,
            as_of=day, min_wage=int(current_app.config["BEIJING_MIN_WAGE"]),
            list_size=int(current_app.config["RECOMMENDATIONS_PER_WORKER"]), progress=Progress(),
            checkpoint=session.commit)
    click.echo(str(summary))


def register(app: Flask) -> None:
    app.cli.commands["seed"].add_command(seed_demo)
