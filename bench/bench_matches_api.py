"""Benchmark: ``GET /api/v1/workers/{id}/matches?limit=10`` through the WSGI stack.

    python bench/bench_matches_api.py                 # 20,000 open postings, 300 requests
    python bench/bench_matches_api.py --open-postings 5000 --requests 100

Builds a demo world in a temporary SQLite file, tops it up to the requested number of open
postings (copies of generated ones), trains and activates a ranker, then times requests for
different workers through the Flask WSGI app (routing, auth, serialisation included). The
first request, which loads the model and the open-posting index, is reported separately.
Prints p50/p95/p99 for the trained ranker and for the heuristic (baseline) in the same run.
Target: p99 ≤ 100 ms with the ranker.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, update  # noqa: E402

from api import create_app  # noqa: E402
from api.commands.core import create_token  # noqa: E402
from models import clock  # noqa: E402
from models.db import migrate
from models.db import session_scope
from models.postings.tables import Posting  # noqa: E402
from models.rankers.tables import ModelVersion  # noqa: E402
from models.workers.tables import Worker  # noqa: E402
from seed.reference import load_reference  # noqa: E402
from seed.world import generate_world  # noqa: E402
from training import registry  # noqa: E402
from training.pipeline import train  # noqa: E402

TARGET_P99_MS = 100.0


def build(app, open_postings: int, workers: int) -> list[int]:
    sessions = app.extensions["jm.sessions"]
    with session_scope(sessions) as s:
        load_reference(s)
    with session_scope(sessions) as s:
        generate_world(s, app.extensions["jm.vault"], workers=workers, postings=800, seed=0,
                       as_of=clock.today(), min_wage=app.config["BEIJING_MIN_WAGE"],
                       list_size=app.config["RECOMMENDATIONS_PER_WORKER"], checkpoint=s.commit)
    with session_scope(sessions) as s:
        templates = [{c.key: getattr(p, c.key) for c in Posting.__table__.columns if c.key != "id"}
                     for p in s.scalars(select(Posting).where(Posting.status == "open"))]
        have = len(templates)
        rows = [dict(templates[i % have], openings_left=templates[i % have]["openings"])
                for i in range(max(0, open_postings - have))]
        for k in range(0, len(rows), 5000):
            s.execute(insert(Posting.__table__), rows[k:k + 5000])
        run = train(s, as_of=clock.today(), key=app.config["MODEL_SIGNING_KEY"])
        registry.activate(s, run.model.version)
        n_open = s.scalar(select(func.count()).select_from(Posting).where(Posting.status == "open"))
        print(f"open postings: {n_open:,}; ranker {run.model.version}")
        return list(s.scalars(select(Worker.id).where(Worker.status == "seeking").order_by(Worker.id)))


def timed(client, headers, worker_ids: list[int], n: int) -> tuple[float, list[float], str]:
    t0 = time.perf_counter()
    first = client.get(f"/api/v1/workers/{worker_ids[0]}/matches?limit=10", headers=headers)
    cold = (time.perf_counter() - t0) * 1000
    assert first.status_code == 200, first.get_data(as_text=True)
    samples = []
    for i in range(n):
        wid = worker_ids[(i * 7919) % len(worker_ids)]
        t0 = time.perf_counter()
        r = client.get(f"/api/v1/workers/{wid}/matches?limit=10", headers=headers)
        samples.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200
    return cold, samples, first.get_json()["ranker"]


def pct(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--open-postings", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=3_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/bench.db", "LOG_LEVEL": "WARNING"})
        app.instance_path = f"{tmp}/instance"
        migrate.upgrade(app.extensions["jm.engine"])
        worker_ids = build(app, args.open_postings, args.workers)
        with session_scope(app.extensions["jm.sessions"]) as s:
            token = create_token(s, role="admin", name="bench")
        headers = {"Authorization": f"Bearer {token}"}
        client = app.test_client()
        rows = []
        for label in ("ranker", "heuristic"):
            if label == "heuristic":
                with session_scope(app.extensions["jm.sessions"]) as s:
                    s.execute(update(ModelVersion).values(status="retired"))
            cold, samples, name = timed(client, headers, worker_ids, args.requests)
            rows.append((label, name, cold, pct(samples, 50), pct(samples, 95), pct(samples, 99)))
        print(f"\n{args.requests} requests each, limit=10, {args.open_postings:,} open postings")
        print(f"{'scorer':<10} {'answered by':<22} {'cold ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for label, name, cold, p50, p95, p99 in rows:
            print(f"{label:<10} {name:<22} {cold:8.1f} {p50:8.1f} {p95:8.1f} {p99:8.1f}")
        p99 = rows[0][5]
        print(f"target p99 ≤ {TARGET_P99_MS:.0f} ms with the ranker: {'PASS' if p99 <= TARGET_P99_MS else 'FAIL'} "
              f"({p99:.1f} ms)")


if __name__ == "__main__":
    main()
