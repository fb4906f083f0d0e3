"""Benchmark: retraining at regional scale — the streamed training-set build, the fit and the
effect of negative sampling on quality (not a timed test).

    python bench/bench_training.py                              # the 100,000-worker world, r = 1.0, 0.2, 0.1
    python bench/bench_training.py --workers 100000,300000 --rates 1.0,0.2
    python bench/bench_training.py --dask local:2 --rates 0.2  # partitions as Dask tasks

Builds (or reuses, under ``--dir``, default ``var/bench/``) synthetic SQLite worlds of
``--workers`` workers with a tenth as many postings (seed 7, as of 2026-03-02: the world
generator's own history, 2–3 years of nightly lists, applications and hires), then for each
sampling rate runs, in a fresh process, ``training.stream.build_sets`` (the training set
as ``jingmeng train`` builds it: partitions of ``TRAINING_PARTITION_SIZE`` workers, time
split with the last 180 days held out), the employer effects (``training.employer_effects``)
and the ranker's fit (``training.ranker.Ranker``
with the pipeline's parameters, the sampled negatives weighted ``1 / rate``), and prints
the build's wall and CPU time and peak RSS, the rows kept, the fit time and peak RSS, and
the logged-list NDCG@10 in both directions on the held-out period (never sampled) with the
difference from the unsampled model. From the two sizes (or the one, through the origin)
it prints the per-worker slope and the million-worker projection as a calculation.
``--world PATH --as-of DATE`` measures an existing world instead (for example the
million-worker world ``bench/bench_nightly.py`` built, as of the day it was built).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = date(2026, 3, 2)
EVAL_DAYS = 180
SEED = 7
TARGET_WORKERS, TARGET_MINUTES, TARGET_GB = 1_000_000, 30, 6.0


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_world(path: Path, workers: int) -> None:
    from api.config import Config
    from models.access.pii import PiiKeys, PiiVault
    from models.db.base import make_engine, session_scope
    from seed.reference import prepare_database
    from seed.world import generate_world

    if path.exists():
        return
    partial = path.with_suffix(".building")
    partial.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{partial}")
    factory = prepare_database(engine)
    started = time.perf_counter()
    with session_scope(factory) as session:
        summary = generate_world(session, PiiVault(PiiKeys.generate()), workers=workers, postings=workers // 10,
                                 seed=SEED, as_of=AS_OF, min_wage=Config.BEIJING_MIN_WAGE,
                                 list_size=Config.RECOMMENDATIONS_PER_WORKER, checkpoint=session.commit)
    engine.dispose()
    partial.rename(path)
    print(f"  world of {workers:,} workers built in {time.perf_counter() - started:.0f} s: {summary}", flush=True)


def world_workers(path: Path) -> int:
    """Workers in an existing world (its size for the slope)."""
    import sqlite3

    if not path.exists():
        raise SystemExit(f"no world at {path}")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT count(*) FROM workers").fetchone()[0])


def run_one(path: str, rate: float, dask: str, partition_size: int, as_of: date = AS_OF) -> None:
    """Child process: build the sets, fit, evaluate; print figures as JSON."""
    import numpy as np

    from models.db.base import make_engine, make_session_factory
    from training.evaluate import evaluate
    from training.pipeline import RANKER_PARAMS, posting_employers, with_employer_effects
    from training.ranker import Ranker
    from training.stream import BuildSettings, build_sets

    factory = make_session_factory(make_engine(f"sqlite:///{path}"))
    settings = BuildSettings(partition_size=partition_size, negative_rate=rate, dask_address=dask)
    wall, cpu = time.perf_counter(), time.process_time()
    with factory() as session:
        train, evaluation, cut = build_sets(session, as_of=as_of, eval_days=EVAL_DAYS, settings=settings)
    build = dict(wall=time.perf_counter() - wall, cpu=time.process_time() - cpu, rss_mb=rss_mb(),
                 children_rss_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    wall, cpu = time.perf_counter(), time.process_time()
    with factory() as session:
        with_employer_effects(train, evaluation, posting_employers(session))  # as training.pipeline does
    effects = dict(wall=time.perf_counter() - wall, cpu=time.process_time() - cpu, rss_mb=rss_mb())
    fitted = train.subset(train.outcome_known)
    del train
    wall, cpu = time.perf_counter(), time.process_time()
    ranker = Ranker(random_state=0, **RANKER_PARAMS).fit(fitted.X, fitted.y, qid=fitted.qid,
                                                         sample_weight=fitted.weight)
    fit = dict(wall=time.perf_counter() - wall, cpu=time.process_time() - cpu, rss_mb=rss_mb())
    report = evaluate({"ranker": ranker.predict}, evaluation)["scorers"]["ranker"]
    print("RESULT " + json.dumps(dict(
        rate=rate, build=build, effects=effects, fit=fit, split=cut.isoformat(), train_rows=len(fitted),
        train_negatives=int((fitted.y == 0).sum()), eval_rows=len(evaluation),
        workers_with_pairs=int(len(np.unique(np.concatenate([fitted.worker_id, evaluation.worker_id])))),
        ndcg={d: report[d]["ndcg@10"] for d in ("jobs_for_worker", "workers_for_job")})))


def measure(path: Path, rate: float, dask: str, partition_size: int, as_of: date = AS_OF) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, __file__, "--run-one", str(path), "--rates", str(rate), "--dask", dask,
                           "--partition-size", str(partition_size), "--as-of", as_of.isoformat()],
                          env=env, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        raise SystemExit(f"run failed: {done.stderr[-3000:]}")
    return json.loads(lines[-1].removeprefix("RESULT "))


def show(workers: int, f: dict, base: dict | None) -> None:
    b, t, e = f["build"], f["fit"], f["effects"]
    delta = "" if base is None or base is f else "; vs r=1.0: " + ", ".join(
        f"{d} {f['ndcg'][d] - base['ndcg'][d]:+.5f}" for d in f["ndcg"])
    print(f"  {workers:>9,} workers, r={f['rate']:<4}: build wall {b['wall']:7.1f} s, CPU {b['cpu']:7.1f} s, "
          f"peak RSS {b['rss_mb']:6.0f} MB"
          + (f" (largest Dask worker {b['children_rss_mb']:.0f} MB)" if b["children_rss_mb"] > 0 else "")
          + f"; {f['train_rows']:,} training rows ({f['train_negatives']:,} ignored), {f['eval_rows']:,} held out "
          f"after {f['split']}; employer effects {e['wall']:6.1f} s (CPU {e['cpu']:.1f} s); fit {t['wall']:6.1f} s (CPU {t['cpu']:.1f} s), peak RSS {t['rss_mb']:6.0f} MB; "
          f"NDCG@10 jobs-for-worker {f['ndcg']['jobs_for_worker']:.5f}, workers-for-job "
          f"{f['ndcg']['workers_for_job']:.5f}{delta}", flush=True)


def projection(by_size: dict[int, dict]) -> None:
    """Per-worker slope of build + effects + fit time and peak RSS, and the million-worker projection."""
    sizes = sorted(by_size)
    small, large = by_size[sizes[0]], by_size[sizes[-1]]

    def total(f: dict) -> float:
        return f["build"]["wall"] + f["effects"]["wall"] + f["fit"]["wall"]

    def peak(f: dict) -> float:
        return max(f["build"]["rss_mb"], f["effects"]["rss_mb"], f["fit"]["rss_mb"])

    rate = small["rate"]
    if len(sizes) > 1:
        dn = sizes[-1] - sizes[0]
        slope, rss_slope = (total(large) - total(small)) / dn, (peak(large) - peak(small)) / dn
        how = (f"({total(large):.1f} - {total(small):.1f}) s / {dn:,} workers; peak RSS "
               f"({peak(large):.0f} - {peak(small):.0f}) MB / {dn:,}")
        base_n, base_t, base_m = sizes[0], total(small), peak(small)
    else:
        slope, rss_slope = total(small) / sizes[0], peak(small) / sizes[0]
        how = f"{total(small):.1f} s / {sizes[0]:,} workers, through the origin; peak RSS {peak(small):.0f} MB / {sizes[0]:,}"
        base_n, base_t, base_m = 0, 0.0, 0.0
    if sizes[-1] >= TARGET_WORKERS:  # measured, not projected
        minutes, gb = total(large) / 60, peak(large) / 1024
        verdict = "PASS" if minutes <= TARGET_MINUTES and gb <= TARGET_GB else "FAIL"
        print(f"  {sizes[-1]:,} workers at r={rate} (measured): build + effects + fit {total(large):,.0f} s = {minutes:.1f} min "
              f"(target {TARGET_MINUTES} min), peak RSS {gb:.1f} GB (target {TARGET_GB:.0f} GB): {verdict}")
        if len(sizes) == 1:
            return
    n = TARGET_WORKERS - base_n
    t = base_t + slope * n
    m = (base_m + rss_slope * n) / 1024
    print(f"  slope at r={rate}: {how} = {slope * 1000:.2f} ms and {rss_slope * 1024:.1f} KB per worker")
    print(f"  {TARGET_WORKERS:,} workers (projection, not run): {base_t:.1f} s + {slope * 1000:.2f} ms x {n:,} = "
          f"{t:,.0f} s = {t / 60:.1f} min (target {TARGET_MINUTES} min); peak RSS {base_m:.0f} MB + "
          f"{rss_slope * 1024:.1f} KB x {n:,} = {m:.1f} GB (target {TARGET_GB:.0f} GB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", default="100000", help="world sizes, comma-separated")
    parser.add_argument("--rates", default="1.0,0.2,0.1", help="negative sampling rates, comma-separated")
    parser.add_argument("--dask", default="", help="DASK_SCHEDULER_ADDRESS for the build (e.g. local:2)")
    parser.add_argument("--partition-size", type=int, default=None, help="default: TRAINING_PARTITION_SIZE")
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--world", type=Path, action="append", default=[],
                        help="an existing SQLite world instead of building one (e.g. bench_nightly's "
                             "nightly-1000000.db, with --as-of its build date); repeatable")
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF,
                        help=f"the worlds' date (default {AS_OF}, the date this bench builds them as of)")
    parser.add_argument("--run-one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    from api.config import Config

    size = args.partition_size or Config.TRAINING_PARTITION_SIZE
    rates = [float(r) for r in args.rates.split(",")]
    if args.run_one:
        run_one(args.run_one, rates[0], args.dask, size, args.as_of)
        return
    print(f"retraining, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start, "
          f"partitions of {size:,} workers" + (f", Dask {args.dask}" if args.dask else ""), flush=True)
    args.dir.mkdir(parents=True, exist_ok=True)
    by_rate: dict[float, dict[int, dict]] = {}
    worlds = [(world_workers(p), p) for p in args.world] or [
        (w, args.dir / f"training-{w}.db") for w in [int(w) for w in args.workers.split(",")]]
    for workers, path in worlds:
        build_world(path, workers)
        base = None
        for rate in rates:
            f = measure(path, rate, args.dask, size, args.as_of)
            base = f if rate == 1.0 else base
            show(workers, f, base)
            by_rate.setdefault(rate, {})[workers] = f
        print(f"  load average {os.getloadavg()[0]:.1f}", flush=True)
    for rate in rates:
        projection(by_rate[rate])


if __name__ == "__main__":
    main()
