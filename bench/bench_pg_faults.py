"""PostgreSQL stop/start under concurrent writers, through the service (gunicorn, two workers).

    python bench/bench_pg_faults.py --stop-server        # stops the cluster for --down seconds
    python bench/bench_pg_faults.py                      # the same load without the fault

Writers register workers (``POST /api/v1/workers``) with an ``Idempotency-Key`` each, as a
county bureau's client would, and retry a 503 after its ``Retry-After`` with the same key until
the write is acknowledged (201). Meanwhile the PostgreSQL cluster is stopped
(``pg_ctlcluster VERSION CLUSTER stop -m fast``) and started again. Then the database is read
as its owner. PASS needs: no 5xx other than 503, every 503 with ``Retry-After``, no
acknowledged write lost, none stored twice, every writer finished.

It needs a PostgreSQL server it may stop (the shared server of a development machine stops for
the few seconds of ``--down``, other users see their connections fail meanwhile) and creates
its own database (``--database``, dropped and made again).
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    acknowledged: list[tuple[int, str]] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    missing_retry_after: int = 0
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def id_number(writer: int, k: int) -> str:
    """A valid ID number unique per (writer, k): the writer picks the birth year, k the day and
    the sequence digits."""
    from datetime import date, timedelta

    from stdnum.cn import ric

    birth = date(1970 + writer, 1, 1) + timedelta(days=k // 1000)
    body = f"150921{birth:%Y%m%d}{k % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def payload(writer: int, k: int) -> dict:
    return {"name": "故障测试", "id_number": id_number(writer, k), "phone": f"139{writer:02d}{k:06d}", "county_code": "150921",
            "poverty_status": "alleviated", "languages": ["zh"], "education": "junior", "skills": [],
            "preferred_occupations": [], "destinations": ["beijing"], "expected_monthly_wage": 5000,
            "needs_dormitory": False, "available_from": "2026-01-01", "status": "seeking"}


def post(url: str, token: str, body: dict, key: str) -> tuple[int, dict[str, str], dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as exc:
        text = exc.read()
        try:
            data = json.loads(text or b"{}")
        except ValueError:
            data = {"raw": text[:200].decode(errors="replace")}
        return exc.code, dict(exc.headers), data
    except OSError as exc:  # refused, reset or timed out: no answer at all
        return 0, {}, {"error": type(exc).__name__}


def writer(n: int, base: str, token: str, stop: threading.Event, tally: Tally) -> None:
    k = 0
    while not stop.is_set():
        k += 1
        body, key = payload(n, k), f"fault-{n}-{k}"
        for _attempt in range(200):
            status, headers, data = post(f"{base}/api/v1/workers", token, body, key)
            with tally.lock:
                tally.statuses[status] += 1
            if status == 201:
                with tally.lock:
                    tally.acknowledged.append((int(data["id"]), body["id_number"]))
                break
            if status == 503:
                if "Retry-After" not in headers:
                    with tally.lock:
                        tally.missing_retry_after += 1
                with tally.lock:
                    tally.retries += 1
                time.sleep(min(float(headers.get("Retry-After", 1)), 1.0))
                continue
            with tally.lock:
                tally.unexpected.append(f"{status} {str(data)[:200]}")
            break


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=10) as answer:
                if answer.status == 200:
                    return
        except OSError:  # refused while gunicorn boots, or a slow first answer
            pass
        time.sleep(0.3)
    raise SystemExit("the service did not become ready")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432",
                        help="SQLAlchemy URL of the server, without a database")
    parser.add_argument("--database", default="bench_pg_faults")
    parser.add_argument("--cluster", default="15 main", help="pg_ctlcluster VERSION CLUSTER")
    parser.add_argument("--stop-server", action="store_true", help="really stop and start the cluster")
    parser.add_argument("--down", type=float, default=4.0, help="seconds the server stays stopped")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()

    from sqlalchemy import func, select, text

    from api.commands.core import create_token
    from models.access.pii import PiiKeys
    from models.db import make_engine, make_session_factory, session_scope
    from models.workers.tables import Worker
    from seed.reference import prepare_database

    admin = make_engine(f"{args.server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{args.database}"'))
    admin.dispose()
    url = f"{args.server}/{args.database}"
    owner = make_engine(url)
    prepare_database(owner)
    with session_scope(make_session_factory(owner)) as session:
        token = create_token(session, role="bureau", name="故障测试", counties=["150921"])
    keys = PiiKeys.generate().to_b64()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": url, "PII_ENC_KEY": keys[0], "PII_INDEX_KEY": keys[1],
           "MODEL_SIGNING_KEY": keys[1], "SECRET_KEY": "bench-faults", "LOG_LEVEL": "ERROR",
           "DB_RETRY_AFTER_SECONDS": "1", "TOKEN_FAILURE_LIMIT": "1000 per minute"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-w", str(args.workers), "--threads", "4",
                               "-b", f"127.0.0.1:{port}", "--timeout", "60", "api:create_app()"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tally, stop = Tally(), threading.Event()
    try:
        wait_ready(base)
        threads = [threading.Thread(target=writer, args=(n, base, token, stop, tally)) for n in range(args.writers)]
        for t in threads:
            t.start()
        time.sleep(3)
        before = len(tally.acknowledged)
        stopped_for = 0.0
        if args.stop_server:
            version, cluster = args.cluster.split()
            t0 = time.monotonic()
            subprocess.run(["pg_ctlcluster", version, cluster, "stop", "-m", "fast"], check=True)
            time.sleep(args.down)
            subprocess.run(["pg_ctlcluster", version, cluster, "start"], check=True)
            stopped_for = time.monotonic() - t0
            print(f"PostgreSQL stopped and started again: down {stopped_for:.1f} s")
        time.sleep(5)
        stop.set()
        for t in threads:
            t.join(timeout=120)
        hung = sum(t.is_alive() for t in threads)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    owner.dispose()
    owner = make_engine(url)
    with owner.connect() as conn:
        stored = dict(conn.execute(select(Worker.id, Worker.id_number_index)).all())
        total = conn.execute(select(func.count(Worker.id))).scalar()
    owner.dispose()
    acked_ids = [worker_id for worker_id, _ in tally.acknowledged]
    lost = [w for w in acked_ids if w not in stored]
    duplicates = len(acked_ids) - len(set(acked_ids))
    five_xx = sum(n for s, n in tally.statuses.items() if s >= 500 and s != 503)
    unanswered = tally.statuses.get(0, 0)
    print(f"writers {args.writers}, gunicorn workers {args.workers}; statuses {dict(sorted(tally.statuses.items()))}")
    print(f"acknowledged writes {len(acked_ids)} ({before} before the fault), retries after 503: {tally.retries}, "
          f"stored workers {total}")
    print(f"5xx other than 503: {five_xx}; 503 without Retry-After: {tally.missing_retry_after}; connection "
          f"errors: {unanswered}; lost acknowledged writes: {len(lost)}; acknowledged twice: {duplicates}; "
          f"stored but never acknowledged: {total - len(set(acked_ids))}; unexpected answers: "
          f"{len(tally.unexpected)}; writers still hung: {hung}")
    for line in tally.unexpected[:5]:
        print("  unexpected:", line)
    ok = (five_xx == 0 and tally.missing_retry_after == 0 and not lost and duplicates == 0 and hung == 0
          and not tally.unexpected and unanswered == 0 and total == len(set(acked_ids)))
    if args.stop_server and tally.statuses.get(503, 0) == 0:
        print("note: no 503 was seen; the outage may have been too short to hit a request")
    print("PASS" if ok else "FAIL", "PostgreSQL stop/start under writers" if args.stop_server else "writers, no fault")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
