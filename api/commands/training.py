"""``jingmeng train``, ``jingmeng evaluate`` and ``jingmeng models``: the ranker's life cycle."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from api import db
from api.progress import Progress
from models import clock
from models.db import session_scope
from models.errors import Conflict, NotFound
from models.postings.tables import Posting
from models.rankers.tables import ModelVersion
from models.workers.tables import Worker
from training import calibration, counterfactual, probabilities, registry
from training.competition import ApplicationTimeline
from training.counterfactual import ProfileTruth
from training.evaluate import Truth, evaluate, plot
from training.pipeline import NotEnoughHistory, build_sets, posting_employers, train, with_employer_effects
from training.loading import posting_profile, worker_profiles
from training.stream import BuildSettings

REPORT_DIR = Path("var/reports")


def world_truth(session, world_seed: int) -> Truth:
    """Ground truth of the synthetic world (evaluation only — never used by a ranker)."""
    from seed.world import true_stability

    workers: dict[int, object] = {}
    postings: dict[int, object] = {}

    def truth(worker_id: int, posting_id: int) -> float:
        if worker_id not in workers:
            w = session.get(Worker, worker_id)
            workers[worker_id] = worker_profiles(session, [w], as_of=clock.today())[0]
        if posting_id not in postings:
            postings[posting_id] = posting_profile(session.get(Posting, posting_id))
        return true_stability(workers[worker_id], postings[posting_id], world_seed=world_seed)

    return truth


def world_profile_truth(world_seed: int) -> ProfileTruth:
    """The same truth over profiles, with or without its pair noise (counterfactual evaluation)."""
    from seed.world import true_stability

    def truth(worker, posting, *, noise: bool = True) -> float:  # noqa: ANN001 - profiles
        return true_stability(worker, posting, world_seed=world_seed, noise=noise)

    return truth


def _print_report(report: dict, png: Path | None) -> None:
    for name, entry in report["scorers"].items():
        click.echo(f"{name}:")
        for direction in ("jobs_for_worker", "workers_for_job"):
            m = entry[direction]
            click.echo(f"  {direction:<16} NDCG@5 {m['ndcg@5']:.3f}  NDCG@10 {m['ndcg@10']:.3f}  "
                       f"Recall@10 {m['recall@10']:.3f}  MRR {m['mrr']:.3f}")
        if "stable_rate" in entry:
            s = entry["stable_rate"]
            click.echo(f"  ground-truth stable rate  top-1 {s['top1']:.3f}  top-5 {s['top5']:.3f}")
    for direction, ratio in report.get("ndcg@10_ratio_vs_heuristic", {}).items():
        click.echo(f"NDCG@10 ranker / heuristic ({direction}): {ratio:.3f}")
    if png:
        click.echo(f"chart: {png}")


def register(app: Flask) -> None:
    @app.cli.command("train")
    @click.option("--eval-days", default=180, show_default=True, help="Most recent days held out for evaluation")
    @click.option("--export-dataset", "export_dir", type=click.Path(path_type=Path), default=None,
                  help="Also write train.npz, eval.npz and feature_names.json here")
    @click.option("--activate/--no-activate", default=None,
                  help="Activate the new version (default: only if none is active)")
    @click.option("--if-no-active", is_flag=True, help="Do nothing when a model is already active")
    @click.option("--world-seed", type=int, default=0, show_default=True,
                  help="Seed of the synthetic world, for the ground-truth stable rate")
    def train_command(eval_days: int, export_dir: Path | None, activate: bool | None, if_no_active: bool,
                      world_seed: int) -> None:
        """Train a ranker on the history (time split), evaluate it and store a new version."""
        key = current_app.config["MODEL_SIGNING_KEY"]
        with session_scope(db.session_factory()) as session:
            if if_no_active and registry.active(session) is not None:
                click.echo(f"model {registry.active(session).version} is active; nothing to do")
                return
            progress = Progress()
            try:
                run = train(session, as_of=clock.today(), key=key, eval_days=eval_days,
                            truth=world_truth(session, world_seed), export_dir=export_dir,
                            settings=BuildSettings.from_config(current_app.config),
                            progress=lambda done, total: progress("training set (partitions)", done, total))
            except NotEnoughHistory as exc:
                click.echo(f"not enough history to train ({exc}); the heuristic keeps answering")
                return
            if activate or (activate is None and registry.active(session) is None):
                registry.activate(session, run.model.version)
            png = plot(run.report, REPORT_DIR / f"{run.model.version}.png")
            (REPORT_DIR / f"{run.model.version}.json").write_text(json.dumps(run.report, indent=2))
            click.echo(f"trained {run.model.version} on {run.report['train_pairs']} pairs "
                       f"(status {run.model.status})")
            _print_report(run.report, png)
            for line in probabilities.calibration_lines(run.report.get("calibration", {}),
                                                        f"held-out last {eval_days} days"):
                click.echo(line)
            if export_dir:
                click.echo(f"dataset written to {export_dir}")

    @app.cli.command("evaluate")
    @click.option("--version", default=None, help="Model version (default: the active one)")
    @click.option("--eval-days", default=180, show_default=True)
    @click.option("--world-seed", type=int, default=0, show_default=True)
    @click.option("--workers", "cf_workers", type=int, default=counterfactual.DEFAULT_WORKERS, show_default=True,
                  help="Seeking workers sampled for the counterfactual report (0: none)")
    def evaluate_command(version: str | None, eval_days: int, world_seed: int, cf_workers: int) -> None:
        """Evaluate a stored model against the heuristic: on the held-out logged lists, and
        counterfactually over every eligible open posting for a sample of seeking workers."""
        key = current_app.config["MODEL_SIGNING_KEY"]
        with session_scope(db.session_factory()) as session:
            row = (session.scalar(select(ModelVersion).where(ModelVersion.version == version))
                   if version else registry.active(session))
            if row is None:
                raise click.ClickException("no such model (train one with `jingmeng train`)")
            model = registry.load(row, key=key)
            train_set, eval_set, _ = build_sets(session, as_of=clock.today(), eval_days=eval_days,
                                                settings=BuildSettings.from_config(current_app.config))
            with_employer_effects(train_set, eval_set, posting_employers(session))  # as training fills them
            from matching.heuristic import heuristic_scores

            scorers = {"ranker": model.estimator.predict, "heuristic": heuristic_scores}
            report = evaluate(scorers, eval_set, world_truth(session, world_seed))
            if cf_workers > 0:
                cf_set = counterfactual.build_set(session, world_profile_truth(world_seed), day=clock.today(),
                                                  workers=cf_workers, seed=world_seed, model_version_id=row.id)
                report["counterfactual"] = counterfactual.report(scorers, cf_set)
            timeline = ApplicationTimeline.load(session)
            if model.outcomes is not None:
                report["calibration"] = probabilities.calibration_report(model.outcomes, eval_set, timeline)
            report["calibration_cross_fitted"] = probabilities.cross_fitted_report(
                probabilities.concatenate(train_set, eval_set), timeline=timeline)
        png = plot(report, REPORT_DIR / f"{row.version}-evaluate.png")
        (REPORT_DIR / f"{row.version}-evaluate.json").write_text(json.dumps(report, indent=2))
        click.echo(f"model {row.version} ({row.status})")
        _print_report(report, png)
        for line in counterfactual.lines(report.get("counterfactual", {})):
            click.echo(line)
        click.echo("calibration (expected calibration error, 10 equal-width bins; target ≤ 0.05; the noise floor is "
                   "the mean ECE of a perfectly calibrated model with the same predictions on as many pairs):")
        if "calibration" in report:
            for line in probabilities.calibration_lines(report["calibration"], f"held-out last {eval_days} days"):
                click.echo(line)
        else:
            click.echo(f"  model {row.version} has no probability models (train a new version)")
        for line in probabilities.calibration_lines(report["calibration_cross_fitted"], "cross-fitted by worker"):
            click.echo(line)
        reliability_png = calibration.plot_reliability(
            report.get("calibration") or report["calibration_cross_fitted"],
            REPORT_DIR / f"{row.version}-reliability.png")
        click.echo(f"reliability diagram: {reliability_png}")

    models_group = AppGroup("models", help="Ranker versions: list, activate, roll back.")

    @models_group.command("list")
    def models_list() -> None:
        with session_scope(db.session_factory()) as session:
            for row in session.scalars(select(ModelVersion).order_by(ModelVersion.id)):
                ndcg = row.metrics.get("scorers", {}).get("ranker", {}).get("jobs_for_worker", {}).get("ndcg@10")
                click.echo(f"{row.version:<24} {row.status:<9} trained to {row.trained_to}  NDCG@10 {ndcg}")

    @models_group.command("activate")
    @click.argument("version")
    def models_activate(version: str) -> None:
        with session_scope(db.session_factory()) as session:
            try:
                registry.activate(session, version)
            except NotFound:
                raise click.ClickException(f"no model {version}") from None
        click.echo(f"active: {version}")

    @models_group.command("rollback")
    def models_rollback() -> None:
        with session_scope(db.session_factory()) as session:
            try:
                row = registry.rollback(session)
            except Conflict as exc:
                raise click.ClickException(str(exc)) from None
        click.echo(f"active: {row.version}")

    app.cli.add_command(models_group)
