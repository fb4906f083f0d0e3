"""``jingmeng seed demo``: the deterministic synthetic world for demos and benchmarks."""
from __future__ import annotations

import time
from datetime import date

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from api import db
from models import clock
from models.db import session_scope
from models.workers.tables import Worker
from seed.world import generate_world


class _Progress:
    """``stage: done/total`` on one line, with the elapsed time and, past 5 %, an estimate left."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}
        self.mark = time.monotonic()  # a stage starts when the previous one finished

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        elapsed = now - self.started.setdefault(stage, self.mark)
        if done == total:
            self.mark = now
        line = f"\r{stage}: {done:,}/{total:,}  {elapsed:.0f}s"
        if 0.05 <= done / total < 1:
            line += f", about {elapsed * (total - done) / done:.0f}s left"
        click.echo(line.ljust(60), err=True, nl=done == total)


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
            list_size=int(current_app.config["RECOMMENDATIONS_PER_WORKER"]), progress=_Progress(),
            checkpoint=session.commit)
    click.echo(str(summary))


def register(app: Flask) -> None:
    app.cli.commands["seed"].add_command(seed_demo)
