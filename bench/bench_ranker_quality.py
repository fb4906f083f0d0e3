"""Ranker quality on the demo world: the trained Ranker vs the heuristic vs LightGBM lambdarank.

    python bench/bench_ranker_quality.py                     # demo world: 5,000 workers, 800 postings
    python bench/bench_ranker_quality.py --seed 3 --workers 20000 --postings 3000
    python bench/bench_ranker_quality.py --db /tmp/world.db  # keep (or reuse) the SQLite file

Builds the synthetic world (seed.world) in a temporary SQLite database, runs the training
pipeline (``training.pipeline.train``, as ``jingmeng train --export-dataset`` does), trains
LightGBM's ``LGBMRanker(objective="lambdarank")`` on the exported ``train.npz`` and scores
all three on ``eval.npz`` with ``training.metrics`` (via ``training.evaluate``): NDCG@5/@10,
Recall@10, MRR in both directions and the ground-truth stable rate of each list's top-1 and
top-5. Two more columns are not contenders but bounds: ``oracle`` ranks by the hidden
truth itself (P(lasting)) — how much of NDCG the label noise leaves to win — and ``random``
orders each list at random (seeded) — the floor, which is high because shown lists are short.
``truth+features`` is our Ranker trained with the hidden P(lasting) as one more feature: a
learner that knows the truth *and* whatever else predicts responses (openings left, how
attractive a posting looks) — the best a learned ranker could hope for on these labels.

The counterfactual report (all eligible open postings of sampled workers on the day) ends
with what is *attainable* when the employer is known only from its recorded history
(``employer_bounds``): the noise-free truth with its employer term replaced by a
cross-validated linear estimate from the employer statistics the ranker sees.

Targets: Ranker NDCG@10 ≥ 1.15 × heuristic and ≥ 0.98 × LightGBM (both directions shown),
and a higher ground-truth stable rate than the heuristic at top-1 and top-5. LightGBM is a
development dependency; runtime code never imports it.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.config import Config  # noqa: E402
from matching.heuristic import heuristic_scores  # noqa: E402
from models.db import migrate  # noqa: E402
from models.db.base import make_engine, make_session_factory, session_scope  # noqa: E402
from models.access.pii import PiiKeys, PiiVault  # noqa: E402
from models.postings.tables import Posting  # noqa: E402
from models.workers.tables import Worker  # noqa: E402
from seed.reference import prepare_database  # noqa: E402
from seed.world import generate_world, true_stability  # noqa: E402
from training.dataset import PairSet  # noqa: E402
from training.evaluate import DIRECTIONS, evaluate  # noqa: E402
from training import counterfactual, probabilities, registry  # noqa: E402
from training.pipeline import RANKER_PARAMS, train  # noqa: E402
from training.ranker import Ranker  # noqa: E402
from training.loading import posting_profile, worker_profiles  # noqa: E402

AS_OF = date(2026, 3, 2)
KEY = "bench-signing-key"
METRICS = ("ndcg@5", "ndcg@10", "recall@10", "mrr")


def build(path: Path, *, seed: int, workers: int, postings: int) -> object:
    engine = make_engine(f"sqlite:///{path}")
    factory = make_session_factory(engine)
    if path.exists() and path.stat().st_size > 0:
        with session_scope(factory) as session:
            if session.get(Worker, 1) is not None:
                print(f"reusing the world in {path}")
                migrate.upgrade(engine)  # a world built by an older release
                return factory
    prepare_database(engine)
    with session_scope(factory) as session:
        summary = generate_world(session, PiiVault(PiiKeys.generate()), workers=workers, postings=postings,
                                 seed=seed, as_of=AS_OF, min_wage=Config.BEIJING_MIN_WAGE,
                                 list_size=Config.RECOMMENDATIONS_PER_WORKER, checkpoint=session.commit)
    print(f"world: {summary}")
    return factory


def truth_of(session, seed: int):  # noqa: ANN001, ANN201 - a Truth callable
    """Hidden P(lasting) of a pair, with profiles cached (evaluation only)."""
    cache: dict[tuple[str, int], object] = {}

    def truth(worker_id: int, posting_id: int) -> float:
        if ("w", worker_id) not in cache:
            cache[("w", worker_id)] = worker_profiles(session, [session.get(Worker, worker_id)], as_of=AS_OF)[0]
        if ("p", posting_id) not in cache:
            cache[("p", posting_id)] = posting_profile(session.get(Posting, posting_id))
        return true_stability(cache[("w", worker_id)], cache[("p", posting_id)], world_seed=seed)

    return truth


def lightgbm_scorer(directory: Path, seed: int):  # noqa: ANN201 - a score function
    """LGBMRanker(lambdarank) fitted on the exported train.npz (rows grouped by qid)."""
    import lightgbm

    data = np.load(directory / "train.npz")
    order = np.argsort(data["qid"], kind="stable")
    X, y, qid = data["X"][order], data["y"][order], data["qid"][order]
    _, sizes = np.unique(qid, return_counts=True)
    assert len(json.loads((directory / "feature_names.json").read_text())) == X.shape[1]
    model = lightgbm.LGBMRanker(objective="lambdarank", n_estimators=300, learning_rate=0.05, num_leaves=31,
                                min_child_samples=50, subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
                                random_state=seed, verbose=-1)
    model.fit(X, y, group=sizes)
    return model.predict


def eval_set(directory: Path, name: str = "eval") -> PairSet:
    data = np.load(directory / f"{name}.npz")
    return PairSet(**{k: data[k] for k in ("X", "y", "qid", "worker_id", "posting_id", "day", "outcome_known")})


def truth_informed_scorer(directory: Path, truth, hidden: np.ndarray):  # noqa: ANN001, ANN201
    """Our Ranker fitted on the exported features plus the hidden truth of each pair (a bound)."""
    pairs = eval_set(directory, "train")
    known = np.array([truth(int(w), int(p)) for w, p in zip(pairs.worker_id, pairs.posting_id)])
    model = Ranker(random_state=0, **RANKER_PARAMS).fit(np.column_stack([pairs.X, known]), pairs.y, qid=pairs.qid)
    return lambda X: model.predict(np.column_stack([X, hidden]))


def employer_bounds(session, cf_set, seed: int, model_version_id: int) -> dict[str, dict[str, float]]:  # noqa: ANN001
    """How much of the random → ceiling gain is attainable when the employer is known only
    from its recorded history (evaluation only: it reads the world's employer term).

    Every pair is scored by the noise-free truth with its employer term replaced: by nothing
    (``no employer term``), or by the best *linear* estimate of the employer's latent quality
    from the employer statistics on the day — shrunk 90-day retention and application rate,
    and the model's two employer effects (``training.employer_effects``) — fitted to the
    hidden qualities of all employers by cross-validation
    (each employer's estimate from a model that never saw it). The second is what a ranker
    that got everything else exactly right could reach with those statistics; a target above
    it asks for information the history does not hold, or a better use of it than a linear
    one (counts of hires, fit of the hired workers)."""
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import cross_val_predict

    from matching.batches import shrunk_interest, shrunk_retention
    from matching.profiles import EmployerRetention
    from models.employers.tables import Employer
    from seed.world import employer_quality
    from training.loading import employer_retention

    ids = sorted(session.scalars(select(Employer.id)))
    known = employer_retention(session, as_of=cf_set.day, model_version_id=model_version_id)
    none = EmployerRetention(0, 0, 0)
    stats = np.column_stack([shrunk_retention(known, ids)[0], shrunk_interest(known, ids),
                             [known.get(e, none).response_effect for e in ids],
                             [known.get(e, none).lasting_effect for e in ids]])
    quality = np.array([employer_quality(e, world_seed=seed) for e in ids])
    estimate = dict(zip(ids, cross_val_predict(LinearRegression(), stats, quality, cv=10)))
    employer_of = dict(session.execute(select(Posting.id, Posting.employer_id)
                                       .where(Posting.id.in_(np.unique(cf_set.posting_id).tolist()))).all())
    employer = np.array([employer_of[int(p)] for p in cf_set.posting_id])
    q = np.array([employer_quality(int(e), world_seed=seed) for e in employer])
    logit = np.log(cf_set.truth_noise_free / (1 - cf_set.truth_noise_free)) - q
    scores = {"no employer term": logit, "employer estimated from its history": logit + np.array(
        [estimate[int(e)] for e in employer])}
    counts = np.bincount(cf_set.group)
    several = counts[cf_set.group] >= 2
    group, truth, truth0 = cf_set.group[several], cf_set.truth[several], cf_set.truth_noise_free[several]
    mean_truth = (np.bincount(group, weights=truth) / np.maximum(np.bincount(group), 1))[np.bincount(group) > 0]
    out: dict[str, dict[str, float]] = {"linear fit of the employer's quality": {
        "corr": float(np.corrcoef(list(estimate.values()), quality)[0, 1])}}
    for k in counterfactual.TOP_K:
        random, ceiling = mean_truth.mean(), counterfactual.top_k_truth(group, truth0, truth, k).mean()
        for name, score in scores.items():
            got = counterfactual.top_k_truth(group, score[several], truth, k).mean()
            out.setdefault(name, {})[f"top{k}"] = float((got - random) / (ceiling - random))
    return out


def table(report: dict) -> str:
    scorers = list(report["scorers"])
    lines = [f"{'':<34}" + "".join(f"{s:>15}" for s in scorers)]
    for direction in DIRECTIONS:
        for metric in METRICS:
            cells = "".join(f"{report['scorers'][s][direction][metric]:>15.3f}" for s in scorers)
            lines.append(f"{direction + ' ' + metric:<34}{cells}")
    for k in ("top1", "top5"):
        cells = "".join(f"{report['scorers'][s]['stable_rate'][k]:>15.3f}" for s in scorers)
        lines.append(f"{'ground-truth stable rate ' + k:<34}{cells}")
    return "\n".join(lines)


def verdicts(report: dict) -> list[tuple[str, bool]]:
    s = report["scorers"]
    out = []
    for direction in DIRECTIONS:
        r, h, g = (s[n][direction]["ndcg@10"] for n in ("ranker", "heuristic", "lightgbm"))
        out.append((f"(a) {direction}: NDCG@10 ranker/heuristic {r / h:.3f} ≥ 1.15", r >= 1.15 * h))
        out.append((f"(a) {direction}: NDCG@10 ranker/LightGBM {r / g:.3f} ≥ 0.98", r >= 0.98 * g))
    for k in ("top1", "top5"):
        r, h = s["ranker"]["stable_rate"][k], s["heuristic"]["stable_rate"][k]
        out.append((f"(b) stable rate {k}: ranker {r:.3f} > heuristic {h:.3f}", r > h))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=5_000)
    parser.add_argument("--postings", type=int, default=800)
    parser.add_argument("--eval-days", type=int, default=180)
    parser.add_argument("--cf-workers", type=int, default=counterfactual.DEFAULT_WORKERS,
                        help="seeking workers sampled for the counterfactual report")
    parser.add_argument("--db", type=Path, help="SQLite file (default: a temporary one); reused if it has a world")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        factory = build(args.db or Path(tmp) / "world.db", seed=args.seed, workers=args.workers,
                        postings=args.postings)
        built = time.perf_counter()
        export_dir = Path(tmp) / "dataset"
        with session_scope(factory) as session:
            truth = truth_of(session, args.seed)
            run = train(session, as_of=AS_OF, key=KEY, eval_days=args.eval_days, truth=truth,
                        export_dir=export_dir)
            trained = time.perf_counter()
            pairs = eval_set(export_dir)
            hidden = np.array([truth(int(w), int(p)) for w, p in zip(pairs.worker_id, pairs.posting_id)])

            def oracle(X: np.ndarray) -> np.ndarray:
                """The hidden P(lasting) itself: how far any ranker could get on these labels."""
                return hidden

            def random_order(X: np.ndarray) -> np.ndarray:
                return np.random.default_rng(args.seed).random(len(X))
            stored = registry.load(run.model, key=KEY).estimator  # as the service would load it
            report = evaluate({"ranker": stored.predict, "heuristic": heuristic_scores,
                               "lightgbm": lightgbm_scorer(export_dir, args.seed), "oracle": oracle,
                               "truth+features": truth_informed_scorer(export_dir, truth, hidden),
                               "random": random_order}, pairs, truth)
            cf_set = counterfactual.build_set(
                session, lambda w, p, noise=True: true_stability(w, p, world_seed=args.seed, noise=noise),
                day=AS_OF, workers=args.cf_workers, seed=args.seed, model_version_id=run.model.id)
            bounds = employer_bounds(session, cf_set, args.seed, run.model.id)
            lgbm = lightgbm_scorer(export_dir, args.seed)
            cf = counterfactual.report({"ranker": stored.predict, "heuristic": heuristic_scores,
                                        "lightgbm": lgbm}, cf_set)
            cross_fitted = probabilities.cross_fitted_report(probabilities.concatenate(run.train, run.evaluation),
                                                             timeline=run.timeline)
            session.rollback()
    print(f"world {built - started:.1f}s, training pipeline {trained - built:.1f}s; "
          f"train {run.report['train_pairs']} pairs {run.report['train_labels']}, "
          f"eval {report['pairs']} pairs {run.report['eval_labels']}, "
          f"{len(np.unique(pairs.qid))} lists of {report['workers']} workers")
    sizes = {d: np.unique(getattr(pairs, col), return_counts=True)[1] for d, col in DIRECTIONS.items()}
    print("mean list length: " + ", ".join(f"{d} {c.mean():.1f}" for d, c in sizes.items()))
    print(table(report))
    for text, ok in verdicts(report):
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    print("\n".join(counterfactual.lines(cf)))
    fit = bounds.pop("linear fit of the employer's quality")
    print(f"  attainable with the employer known only from its history (the ceiling's other terms exact; "
          f"linear estimate of the employer's quality, correlation {fit['corr']:.2f}):")
    for name, shares in bounds.items():
        print(f"    {name:<38} " + "  ".join(f"{k} {v:.0%}" for k, v in shares.items()))
    print("calibration (expected calibration error, 10 bins; target ≤ 0.05):")
    print("\n".join(probabilities.calibration_lines(run.report["calibration"], f"held-out last {args.eval_days} days")))
    print("\n".join(probabilities.calibration_lines(cross_fitted, "cross-fitted by worker")))
    for k, target in (("top1", 0.80), ("top5", 0.90)):
        share = cf["top_k"][k]["share_of_gain"]["ranker"]
        print(f"{'PASS' if share >= target else 'FAIL'}  (c) counterfactual {k}: ranker captures {share:.1%} "
              f"of the random → noise-free-ceiling gain ≥ {target:.0%}")


if __name__ == "__main__":
    main()
