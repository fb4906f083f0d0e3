"""Benchmark: time and peak memory to generate the synthetic world into SQLite.

    python bench/bench_world.py                      # 100,000 workers, 10,000 postings
    python bench/bench_world.py --full               # 1,000,000 workers, 100,000 postings
    python bench/bench_world.py --workers 20000 --postings 2000

Prints wall time per stage, rows per table, the resident set size at every tenth of the
postings stage (bounded memory shows as a flat line), peak RSS (getrusage) and the peak of
Python allocations (tracemalloc, optional because it slows the run about 2x).
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.config import Config  # noqa: E402
from models.db.base import make_engine, session_scope  # noqa: E402
from models.access.pii import PiiKeys, PiiVault  # noqa: E402
from seed.reference import prepare_database  # noqa: E402
from seed.world import generate_world  # noqa: E402


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def current_rss_mb() -> float | None:
    """Resident set size now (Linux /proc); None where it cannot be read."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--full", action="store_true", help="1,000,000 workers and 100,000 postings")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tracemalloc", action="store_true", help="also report peak Python allocations")
    parser.add_argument("--db", type=Path, help="SQLite file to write (default: a temporary one)")
    args = parser.parse_args()
    if args.full:
        args.workers, args.postings = 1_000_000, 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "world.db"
        engine = make_engine(f"sqlite:///{path}")
        factory = prepare_database(engine)
        rss_before = peak_rss_mb()
        if args.tracemalloc:
            tracemalloc.start()
        stages: dict[str, float] = {}
        rss_at: dict[int, float | None] = {}
        started = time.perf_counter()

        def progress(stage: str, done: int, total: int) -> None:
            stages[stage] = time.perf_counter() - started
            tenth = done * 10 // total
            if stage == "postings" and tenth not in rss_at:
                rss_at[tenth] = current_rss_mb()
            print(f"\r{stage}: {done}/{total}  {stages[stage]:.0f}s", end="\n" if done == total else "",
                  file=sys.stderr, flush=True)

        with session_scope(factory) as session:
            summary = generate_world(session, PiiVault(PiiKeys.generate()), workers=args.workers,
                                     postings=args.postings, seed=args.seed, as_of=date(2026, 3, 2),
                                     min_wage=Config.BEIJING_MIN_WAGE, list_size=Config.RECOMMENDATIONS_PER_WORKER,
                                     progress=progress, checkpoint=session.commit)
        total = time.perf_counter() - started
        print(f"world: {args.workers:,} workers, {args.postings:,} postings (seed {args.seed})")
        print(f"  {summary}")
        print(f"  workers stage {stages.get('workers', 0):.1f}s, postings+history stage "
              f"{total - stages.get('workers', 0):.1f}s, total {total:.1f}s")
        print(f"  peak RSS {peak_rss_mb():.0f} MB (before generation {rss_before:.0f} MB)")
        if all(v is not None for v in rss_at.values()):
            print("  RSS during postings+history (share done: MB): "
                  + ", ".join(f"{10 * k}%: {v:.0f}" for k, v in sorted(rss_at.items())))
        if args.tracemalloc:
            _current, peak = tracemalloc.get_traced_memory()
            print(f"  peak Python allocations {peak / 2**20:.0f} MB")
        print(f"  database size {path.stat().st_size / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
