"""Run every benchmark in turn and print its figures (``make bench``).

    python bench/run_all.py            # full sizes (tens of minutes on 2 cores)
    python bench/run_all.py --quick    # smaller sizes, a few minutes

Each benchmark is a script that prints its own table and PASS/FAIL lines against the
targets; this runner only sequences them and reports how long each took.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# (script, full-size arguments, quick arguments)
BENCHMARKS: list[tuple[str, list[str], list[str]]] = [
    ("bench_matching.py", [], ["--quick"]),
    ("bench_matches_api.py", [], ["--open-postings", "5000", "--requests", "100"]),
    ("bench_ranker_quality.py", [], []),
    ("bench_fair_plan.py", [], ["--attendees", "1000", "--postings", "300"]),
    ("bench_import.py", [], ["--rows", "10000"]),
    ("bench_world.py", [], ["--workers", "20000", "--postings", "2000"]),
    ("bench_fuzz.py", [], ["--examples", "40"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("only", nargs="*", help="run only these scripts (e.g. bench_fair_plan.py)")
    args = parser.parse_args()
    failed = []
    for script, full, quick in BENCHMARKS:
        if args.only and script not in args.only:
            continue
        print(f"\n=== {script} {' '.join(quick if args.quick else full)}", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / script), *(quick if args.quick else full)])
        print(f"=== {script}: exit {code} after {time.perf_counter() - started:.0f}s", flush=True)
        if code:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
