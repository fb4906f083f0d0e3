"""Roster import benchmark: prints figures against the target (not a timed test).

    python bench/bench_import.py               # 100,000 worker rows, .xlsx and .csv
    python bench/bench_import.py --rows 20000
    python bench/bench_import.py --format csv

Generates N valid, unique worker rows (卓资县 ID numbers, birth dates from 2003 on, so the
region code 150921 was valid at birth) into an .xlsx and a GBK .csv, then imports each
through the Flask test client, as 卓资县's bureau, in atomic mode into a fresh temporary
SQLite database. Prints seconds and rows/s against the 60 s target for 100,000 rows, and
the CPU seconds of the process (the wall time on an otherwise idle machine is close to it).
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from models.db import make_engine  # noqa: E402
from models.db import session_scope
from models.access.pii import PiiKeys  # noqa: E402

TARGET_SECONDS = 60.0
HEADERS = ["姓名", "身份证号", "联系电话", "户籍所在旗县", "脱贫属性", "文化程度", "技能", "意向工种", "意向地区",
           "期望月薪", "需要住宿", "培训意愿", "备注"]
POVERTY = ("脱贫户", "监测对象", "一般")
EDUCATION = ("小学", "初中", "高中", "中专", "大专")
SKILLS = ("保安（中级，有证）;电工", "家政;做饭", "保洁", "", "养老护理（初级）", "电工（高级，有证）")
OCCUPATIONS = ("保安员", "家政服务员", "养老护理员", "")
DESTINATIONS = ("北京、区内", "本县", "区内", "北京")
TRAINING = ("是", "否", "电焊培训", "", "暂不需要")
REMARKS = ("", "返乡人员", "", "长期在外务工，电话常换")


def rows(n: int):
    """Deterministic valid rows: birth date advances one day per 1,000 sequence numbers."""
    for i in range(n):
        birth = date(2003, 1, 1) + timedelta(days=i // 1000)
        body = f"150921{birth:%Y%m%d}{i % 1000:03d}"
        yield [f"工人{i}", body + ric.calc_check_digit(body + "0"), f"138{i:08d}", "卓资县",
               POVERTY[i % 3], EDUCATION[i % 5], SKILLS[i % 6], OCCUPATIONS[i % 4], DESTINATIONS[i % 4],
               3000 + (i % 50) * 100, "是" if i % 2 else "否", TRAINING[i % 5], REMARKS[i % 4]]


def make_xlsx(n: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("劳动力花名册")
    sheet.append(HEADERS)
    for row in rows(n):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_csv(n: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows(n))
    return out.getvalue().encode("gbk")


def fresh_app(workdir: Path):
    """A migrated SQLite database with reference data, an app on it and a bureau token."""
    from api import create_app
    from api.commands.core import create_token
    from seed.reference import prepare_database

    url = f"sqlite:///{workdir / 'bench.db'}"
    engine = make_engine(url)
    with session_scope(prepare_database(engine)) as session:
        token = create_token(session, role="bureau", name="卓资县就业局", counties=["150921"])
    engine.dispose()
    enc, idx = PiiKeys.generate().to_b64()
    app = create_app({"TESTING": True, "DATABASE_URL": url, "PII_ENC_KEY": enc, "PII_INDEX_KEY": idx,
                      "MODEL_SIGNING_KEY": idx, "LOG_LEVEL": "WARNING", "MAX_UPLOAD_BYTES": 200 * 1024 * 1024})
    app.instance_path = str(workdir / "instance")
    return app, token


def run(fmt: str, body: bytes, n: int) -> float:
    from sqlalchemy import func, select

    from models.workers.tables import Worker

    with tempfile.TemporaryDirectory() as tmp:
        app, token = fresh_app(Path(tmp))
        client = app.test_client()
        start, cpu = time.perf_counter(), time.process_time()
        response = client.post("/api/v1/workers/import", headers={"Authorization": f"Bearer {token}"},
                               data={"file": (io.BytesIO(body), f"roster.{fmt}")},
                               content_type="multipart/form-data")
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        report = response.get_json()
        if response.status_code != 200 or report["created"] != n:
            raise SystemExit(f"import failed: {response.status_code} {str(report)[:500]}")
        with app.extensions["jm.sessions"]() as session:
            stored = session.scalar(select(func.count()).select_from(Worker))
        app.extensions["jm.engine"].dispose()
    target = TARGET_SECONDS * n / 100_000
    verdict = "OK" if seconds <= target else "SLOWER THAN TARGET"
    print(f"{fmt:>4}: {n:,} rows ({len(body) / 1e6:.1f} MB) imported in {seconds:.1f} s = "
          f"{n / seconds:,.0f} rows/s (CPU {cpu:.1f} s); stored {stored:,}; target {target:.0f} s → {verdict}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("xlsx", "csv", "both"), default="both")
    args = parser.parse_args()
    formats = ("xlsx", "csv") if args.format == "both" else (args.format,)
    print(f"roster import benchmark: {args.rows:,} worker rows, atomic mode, SQLite")
    for fmt in formats:
        start = time.perf_counter()
        body = make_xlsx(args.rows) if fmt == "xlsx" else make_csv(args.rows)
        print(f"{fmt:>4}: generated in {time.perf_counter() - start:.1f} s")
        run(fmt, body, args.rows)


if __name__ == "__main__":
    main()
