"""Benchmark: the nightly recommendation refresh at regional scale (not a timed test).

    python bench/bench_nightly.py                                  # 10,000 and 30,000 seeking workers
    python bench/bench_nightly.py --workers 10000 --postings 2000  # one size
    python bench/bench_nightly.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale
    python bench/bench_nightly.py --cluster --gap                  # + LocalCluster 1 vs 2, LP gap

Builds (or reuses, under ``var/bench/`` or ``--dir``) synthetic worlds whose seeking workers number
about ``--workers``, tops their open postings up to each ``--postings`` count (copies of
the world's postings, open, expiring within 20–60 days), then runs the real
``recommendations`` job in a fresh process per run and prints wall time, CPU time, peak
RSS and the job's own stage times. From the two smallest and largest sizes it prints the
slope per worker and the 30-million projection as a calculation. ``--cluster`` runs the
smallest world on a 1-worker and a 2-worker ``LocalCluster`` (throughput ratio);
``--gap`` compares the priced allocation with the exact LP on the first 20,000 seeking
workers of the largest world. The scorer is whatever the world has active (the
heuristic for a fresh world). PostgreSQL runs use one database per world size.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sqlalchemy import delete, func, insert, select  # noqa: E402

from api.config import Config  # noqa: E402
from models import clock  # noqa: E402
from models.access.pii import PiiKeys, PiiVault  # noqa: E402
from models.db.base import make_engine, session_scope, utcnow  # noqa: E402
from models.notifications.tables import OutboxMessage  # noqa: E402
from models.placements.tables import Recommendation  # noqa: E402
from models.postings.tables import Posting  # noqa: E402
from models.workers.tables import Worker  # noqa: E402
from seed.reference import prepare_database  # noqa: E402
from seed.world import generate_world  # noqa: E402

TODAY = clock.today()
SEEKING_SHARE = 0.88
"""Roughly the share of a fresh world's workers still seeking (measured on the worlds built here)."""
BENCH_DIR = ROOT / "var" / "bench"
GROW_FROM = 0
"""With ``--grow-from N``: larger worlds are copies of the world of N seeking workers (``grow_world``)."""
KEYS = PiiKeys.generate()
ENC, IDX = KEYS.to_b64()


def seeking(session) -> int:
    return session.scalar(select(func.count()).select_from(Worker).where(
        Worker.status == "seeking", Worker.erased_at.is_(None), Worker.profile_complete.is_(True)))


def open_postings(session) -> int:
    return session.scalar(select(func.count()).select_from(Posting).where(
        Posting.status == "open", Posting.openings_left > 0, Posting.expires_on >= TODAY))


def build_world(url: str, workers: int) -> None:
    engine = make_engine(url)
    factory = prepare_database(engine)
    with session_scope(factory) as session:
        if session.scalar(select(func.count()).select_from(Worker)):
            return
        started = time.perf_counter()
        generate_world(session, PiiVault(KEYS), workers=int(workers / SEEKING_SHARE), postings=max(300, workers // 20),
                       seed=7, as_of=TODAY, min_wage=Config.BEIJING_MIN_WAGE,
                       list_size=Config.RECOMMENDATIONS_PER_WORKER, checkpoint=session.commit)
        session.commit()
        print(f"  world for ~{workers:,} seeking: {seeking(session):,} seeking, built in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
    engine.dispose()


CLONED = ("workers", "recommendations", "applications", "application_events", "placements", "follow_ups")
"""A worker's rows: herself and her history (the tables whose rows hang off a worker)."""


def grow_world(source: Path, path: Path, target: int) -> None:
    """A world of ``target`` seeking workers made from the smaller world at ``source`` by
    copying its workers with their histories (lists, applications and their events,
    placements, follow-ups) under new ids, whole copies and then the first workers again,
    until ``target`` are seeking. The copies have no ID number (the lookup keys must stay
    unique) and keep the phone; employers and postings are the source's. For the scale
    figures only: a copy ranks like its original, so it measures cost, not quality."""
    import sqlite3

    started = time.perf_counter()
    partial = path.with_suffix(".growing")
    shutil.copyfile(source, partial)
    conn = sqlite3.connect(partial, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    seeking_sql = ("SELECT count(*) FROM workers WHERE status = 'seeking' AND erased_at IS NULL "
                   "AND profile_complete = 1")
    have = base = conn.execute(seeking_sql).fetchone()[0]
    top = {t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] for t in CLONED}
    cols = {t: [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')] for t in CLONED}
    copy = 0
    while have < target:
        copy += 1
        cutoff = top["workers"]
        if have + base > target:  # the last, partial copy: the first workers up to the target
            cutoff = conn.execute(seeking_sql.replace("count(*)", "id") + " ORDER BY id LIMIT 1 OFFSET ?",
                                  (target - have - 1,)).fetchone()[0]
        off = {t: copy * top[t] for t in CLONED}
        shifted = {"workers": {"id": off["workers"], "id_number_enc": None, "id_number_index": None,
                               "id_tail4_index": None, "id_tail5_index": None, "id_tail6_index": None},
                   "recommendations": {"id": off["recommendations"], "worker_id": off["workers"]},
                   "applications": {"id": off["applications"], "worker_id": off["workers"]},
                   "application_events": {"id": off["application_events"], "application_id": off["applications"]},
                   "placements": {"id": off["placements"], "worker_id": off["workers"],
                                  "application_id": off["applications"]},
                   "follow_ups": {"id": off["follow_ups"], "placement_id": off["placements"]}}
        which = {"workers": "t.id <= :cut", "recommendations": "t.worker_id <= :cut",
                 "applications": "t.worker_id <= :cut", "placements": "t.worker_id <= :cut",
                 "application_events": "t.application_id IN (SELECT id FROM applications "
                                       "WHERE id <= :top_a AND worker_id <= :cut)",
                 "follow_ups": "t.placement_id IN (SELECT id FROM placements WHERE id <= :top_p AND worker_id <= :cut)"}
        conn.execute("BEGIN")
        for t in CLONED:
            exprs = []
            for c in cols[t]:
                if c not in shifted[t]:
                    exprs.append(f't."{c}"')
                elif shifted[t][c] is None:
                    exprs.append("NULL")
                else:
                    exprs.append(f't."{c}" + {int(shifted[t][c])}')
            names = ", ".join(f'"{c}"' for c in cols[t])
            conn.execute(f'INSERT INTO "{t}" ({names}) SELECT {", ".join(exprs)} FROM "{t}" t '
                         f'WHERE t.id <= :top AND {which[t]}',
                         {"top": top[t], "cut": cutoff, "top_a": top["applications"], "top_p": top["placements"]})
        conn.execute("COMMIT")
        have = conn.execute(seeking_sql).fetchone()[0]
    conn.close()
    partial.rename(path)
    print(f"  world for ~{target:,} seeking grown from {source.name} ({base:,} seeking): {have:,} seeking "
          f"after {copy} copies, in {time.perf_counter() - started:.0f} s", flush=True)


def top_up_postings(url: str, target: int) -> None:
    """Copies of the world's postings, open with openings left, until ``target`` are open."""
    engine = make_engine(url)
    with engine.begin() as conn:
        have = conn.scalar(select(func.count()).select_from(Posting).where(
            Posting.status == "open", Posting.openings_left > 0, Posting.expires_on >= TODAY))
        if have >= target:
            return
        table = Posting.__table__
        source = [dict(r._mapping) for r in conn.execute(select(table).order_by(table.c.id))]
        next_id = conn.scalar(select(func.max(table.c.id))) + 1
        rng = np.random.default_rng(target)
        rows = []
        now = utcnow()
        for i in range(target - have):
            row = dict(source[i % len(source)])
            openings = max(1, int(row["openings"]))
            created = now - timedelta(days=int(rng.integers(0, 30)))
            row.update(id=next_id + i, status="open", openings=openings,
                       openings_left=int(rng.integers(1, openings + 1)),
                       expires_on=TODAY + timedelta(days=int(rng.integers(20, 60))),
                       start_date=TODAY + timedelta(days=14), created_at=created, updated_at=created, version=1)
            rows.append(row)
        for start in range(0, len(rows), 5000):
            conn.execute(insert(table), rows[start:start + 5000])
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('postings', 'id'), "
                                 "(SELECT max(id) FROM postings))")
    engine.dispose()


def prepare(url: str, workers: int, postings: int) -> str:
    """A database with the world of ``workers`` and ``postings`` open postings; returns its URL.

    SQLite: one file per world and posting count under ``var/bench/``. PostgreSQL: one
    database per world (``<name>_<workers>``, created when missing), topped up in place,
    so posting counts must be measured in ascending order (they are)."""
    if url.startswith("sqlite"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        base = BENCH_DIR / f"nightly-{workers}.db"
        if GROW_FROM and workers > GROW_FROM and not base.exists():
            source = BENCH_DIR / f"nightly-{GROW_FROM}.db"
            build_world(f"sqlite:///{source}", GROW_FROM)
            grow_world(source, base, workers)
        build_world(f"sqlite:///{base}", workers)
        path = BENCH_DIR / f"nightly-{workers}-{postings}.db"
        if not path.exists():
            shutil.copyfile(base, path)
        url = f"sqlite:///{path}"
    else:
        url = _pg_database(url, workers)
        sqlite_world = BENCH_DIR / f"nightly-{workers}.db"
        if sqlite_world.exists():  # the same world on both backends, and minutes instead of an hour
            copy_world(sqlite_world, url)
        else:
            build_world(url, workers)
    top_up_postings(url, postings)
    return url


def copy_world(path: Path, url: str) -> None:
    """Copy the SQLite world at ``path`` into the (migrated, still empty) PostgreSQL
    database at ``url`` with ``COPY``: every table the migrations made, in foreign-key
    order, values as SQLite stores them (PostgreSQL parses them as text), then the id
    sequences moved past the copied ids. Does nothing when the database has workers."""
    import sqlite3

    from sqlalchemy import MetaData

    from models.db import migrate

    engine = make_engine(url)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(Worker)):
            engine.dispose()
            return
    started = time.perf_counter()
    meta = MetaData()
    meta.reflect(bind=engine)
    tables = [t for t in meta.sorted_tables if t.name != "alembic_version"]
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("SET TIME ZONE 'UTC'")
        filled = [t.name for t in tables if cur.execute(f'SELECT 1 FROM "{t.name}" LIMIT 1').fetchone()]
        if filled:  # the reference data a migration or an earlier start loaded
            cur.execute("TRUNCATE " + ", ".join(f'"{name}"' for name in filled) + " CASCADE")
        copied = 0
        for table in tables:
            have = {r[1] for r in source.execute(f'PRAGMA table_info("{table.name}")')}
            cols = [c.name for c in table.columns if c.name in have]
            if not cols:
                continue
            names = ", ".join(f'"{c}"' for c in cols)
            rows = source.execute(f'SELECT {names} FROM "{table.name}"')
            with cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                while batch := rows.fetchmany(50_000):
                    for row in batch:
                        copy.write_row(row)
                    copied += len(batch)
            if "id" in cols and table.c.id.autoincrement is not False:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                            f'(SELECT max(id) FROM "{table.name}"))')
        raw.commit()
    finally:
        raw.close()
        source.close()
        engine.dispose()
    print(f"  world copied from {path.name} into PostgreSQL: {copied:,} rows in "
          f"{time.perf_counter() - started:.0f} s", flush=True)


def _pg_database(url: str, workers: int) -> str:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{workers}"
    # the maintenance database, so the base name in --pg need not exist itself
    admin = make_engine(base.set(database="postgres").render_as_string(hide_password=False),
                        isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def run_one(url: str, dask: str) -> None:
    """Child process: clear today's lists, run the job once, print figures as JSON."""
    from api import create_app
    from models.scheduling.runner import run_job

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(delete(Recommendation).where(Recommendation.batch == TODAY.isoformat()))
        conn.execute(delete(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"rec:{TODAY.isoformat()}:%")))
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "PII_ENC_KEY": ENC, "PII_INDEX_KEY": IDX, "MODEL_SIGNING_KEY": IDX,
                      "LOG_LEVEL": "WARNING", "DASK_SCHEDULER_ADDRESS": dask})
    with session_scope(app.extensions["jm.sessions"]) as session:
        n_workers, n_postings = seeking(session), open_postings(session)
    wall, cpu = time.perf_counter(), time.process_time()
    result = run_job("recommendations", sessions=app.extensions["jm.sessions"], engine=app.extensions["jm.engine"],
                     config=dict(app.config), today=TODAY, vault=app.extensions["jm.vault"], holder="bench")
    figures = dict(status=result.status, error=result.error, wall=time.perf_counter() - wall,
                   cpu=time.process_time() - cpu, workers=n_workers, postings=n_postings,
                   rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   children_rss_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                   counts=result.counts)
    print("RESULT " + json.dumps(figures, default=str))


def measure(url: str, dask: str = "") -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, __file__, "--run-one", url, "--dask", dask], env=env,
                          capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        raise SystemExit(f"run failed: {done.stderr[-3000:]}")
    figures = json.loads(lines[-1].removeprefix("RESULT "))
    if figures["status"] != "ok":
        raise SystemExit(f"job failed: {figures['error']}")
    return figures


def show(label: str, f: dict) -> None:
    c = f["counts"]
    print(f"  {label:<34} {f['workers']:>7,} seeking x {f['postings']:>6,} open: wall {f['wall']:7.1f} s, "
          f"CPU {f['cpu']:7.1f} s, peak RSS {f['rss_mb']:6.0f} MB"
          + (f" (largest Dask worker {f['children_rss_mb']:.0f} MB)" if f["children_rss_mb"] > 0 else "")
          + f"; load+rank {c.get('seconds_load_rank')} s, allocate {c.get('seconds_allocate')} s "
          f"({c.get('allocation')}, gap bound {c.get('allocation_gap_bound')}), store {c.get('seconds_store')} s; "
          f"{c['recommendations']:,} lists rows, max per opening {c.get('before_max_per_opening')} → "
          f"{c.get('after_max_per_opening')}", flush=True)


def projection(rows: list[dict]) -> None:
    """Slope between the two largest runs that took the priced allocation (what a large
    night does; a small night's exact LP has its own, bounded, memory)."""
    priced = sorted((f for f in rows if f["counts"].get("allocation") == "priced"), key=lambda f: f["workers"])
    if len(priced) < 2:
        print("  slope: fewer than two sizes with the priced allocation, no projection")
        return
    small, large = priced[-2], priced[-1]
    dn = large["workers"] - small["workers"]
    slope = (large["wall"] - small["wall"]) / dn
    cpu_slope = (large["cpu"] - small["cpu"]) / dn
    rss_slope = (large["rss_mb"] - small["rss_mb"]) / dn
    n = 30_000_000
    wall = small["wall"] + slope * (n - small["workers"])
    print(f"  slope ({large['postings']:,} open postings): ({large['wall']:.1f} - {small['wall']:.1f}) s / "
          f"{dn:,} workers = {slope * 1000:.2f} ms wall per worker ({cpu_slope * 1000:.2f} ms CPU), "
          f"{rss_slope * 1024:.1f} KB peak RSS per worker")
    if rss_slope > 0:
        memory = (f"{small['rss_mb']:.0f} MB + {rss_slope * 1024:.1f} KB x {n - small['workers']:,} = "
                  f"{(small['rss_mb'] + rss_slope * (n - small['workers'])) / 1024:.1f} GB")
    else:  # a flat peak measures as a small negative slope (RSS noise): project no growth
        memory = f"flat, {max(small['rss_mb'], large['rss_mb']):.0f} MB (no growth measured)"
    print(f"  30,000,000 workers on this machine: {small['wall']:.1f} s + {slope * 1000:.2f} ms x "
          f"{n - small['workers']:,} = {wall:,.0f} s = {wall / 3600:.1f} h; peak RSS {memory}")


def gap(url: str, workers: int) -> None:
    """Priced allocation vs the exact LP on the first ``workers`` seeking workers' lists."""
    from matching.capacity import capacity_aware_top_k, recommendation_caps
    from matching.pricing import priced_allocation
    from training.recommend import _pairs, load_posting_index, partition_bounds, rank_partitions
    from training.scoring import ScorerCache

    app_sessions = prepare_database(make_engine(url))
    with session_scope(app_sessions) as session:
        index = load_posting_index(session, today=TODAY, scorer=ScorerCache(IDX).current(session))
        bounds = partition_bounds(session, size=Config.NIGHTLY_PARTITION_SIZE)
    bounds = bounds[:max(1, workers // Config.NIGHTLY_PARTITION_SIZE)]
    ranked = rank_partitions(app_sessions, index, bounds)
    parts = [r.lists for r in ranked]
    k, openings = Config.RECOMMENDATIONS_PER_WORKER, index.postings.openings_left.astype(np.int64)
    rows, cols, vals = _pairs(parts)
    t = time.perf_counter()
    exact = capacity_aware_top_k((rows, cols, vals), openings, index.pending, k)
    t_exact = time.perf_counter() - t
    best = float(exact.pairs()[2].sum())
    t = time.perf_counter()
    caps = recommendation_caps(openings, index.pending)
    priced = priced_allocation(parts, caps, k)
    t_priced = time.perf_counter() - t
    shown = np.bincount(np.concatenate([p.posting[s] for p, s in zip(parts, priced.selected)]),
                        minlength=len(caps))
    binding = int(((np.bincount(exact.pairs()[1], minlength=len(caps)) == caps) & (caps > 0)).sum())
    print(f"  LP gap on {sum(p.n_workers for p in parts):,} workers x {len(openings):,} open postings "
          f"({len(vals):,} candidate pairs, {binding:,} caps binding in the LP): exact LP {best:,.1f} in "
          f"{t_exact:.1f} s; priced {priced.objective:,.1f} in {t_priced:.1f} s ({priced.passes} passes) — gap "
          f"{(best - priced.objective) / best * 100:.2f} %, bound {priced.gap_bound * 100:.2f} %; "
          f"caps held: {bool((shown <= caps).all())}")


def main() -> None:
    global BENCH_DIR, GROW_FROM
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", default="10000,30000", help="seeking workers, comma-separated")
    parser.add_argument("--postings", default="2000,20000", help="open postings, comma-separated")
    parser.add_argument("--pg", help="also run on this PostgreSQL database (it is filled with the worlds)")
    parser.add_argument("--cluster", action="store_true", help="1- vs 2-worker LocalCluster on the smallest world")
    parser.add_argument("--gap", action="store_true", help="priced vs exact LP on 20,000 workers")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--dir", type=Path, default=BENCH_DIR, help="where the SQLite worlds are kept (default var/bench)")
    parser.add_argument("--grow-from", type=int, default=0,
                        help="build larger worlds by copying the workers (and histories) of this size's world "
                             "instead of generating them (minutes instead of hours; cost figures only)")
    parser.add_argument("--run-one", help=argparse.SUPPRESS)
    parser.add_argument("--dask", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    BENCH_DIR, GROW_FROM = args.dir, args.grow_from
    if args.run_one:
        run_one(args.run_one, args.dask)
        return
    sizes = [int(x) for x in args.workers.split(",")]
    postings = [int(x) for x in args.postings.split(",")]
    print(f"nightly refresh, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    backends = ([] if args.no_sqlite else ["sqlite"]) + (["postgresql"] if args.pg else [])
    for backend in backends:
        for p in sorted(postings):
            rows = []
            for n in sizes:
                url = prepare(args.pg if backend == "postgresql" else "sqlite", n, p)
                f = measure(url)
                show(f"{backend}", f)
                rows.append(f)
            projection(rows)
    if args.cluster:
        url = prepare("sqlite", min(sizes), min(postings))
        one, two = measure(url, "local:1"), measure(url, "local:2")
        show("LocalCluster, 1 worker", one)
        show("LocalCluster, 2 workers", two)
        r1, r2 = one["counts"]["seconds_load_rank"], two["counts"]["seconds_load_rank"]
        print(f"  throughput 2 vs 1 workers: whole job {one['wall'] / two['wall']:.2f}x, "
              f"load+rank stage {r1 / r2:.2f}x (loading, allocation and writes stay in the client)")
    if args.gap:
        url = prepare("sqlite", max(sizes), min(postings))
        gap(url, 20_000)


if __name__ == "__main__":
    main()
