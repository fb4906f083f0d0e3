"""A longer schemathesis run than CI's: every operation, admin and bureau, conformance checks.

    python bench/bench_fuzz.py                 # 100 examples per operation and strategy
    python bench/bench_fuzz.py --examples 400

Prints the number of cases, the statuses seen and PASS/FAIL (0 × 5xx, 0 conformance failures).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=100)
    args = parser.parse_args()
    env = {**os.environ, "FUZZ_EXAMPLES": str(args.examples)}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                             "tests/api/test_fuzz_openapi.py"], cwd=ROOT, env=env, check=False)
    print("PASS" if result.returncode == 0 else "FAIL", f"schemathesis, {args.examples} examples per operation")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
