"""The printable fair pages in a real headless Chromium: text in the DOM and an A4 screenshot.

Chromium comes from Debian (``tests/browser/ensure_chromium.sh``). Without it the test skips
locally and fails under ``CI=true``. The A4 screenshots are kept as test artifacts.
"""
from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

from tests.browser.conftest import ARTIFACTS, chromium_path
from tests.factories import posting_payload, worker_payload
from tests.role_tables.fairs import open_fair

URL = "/api/v1/fairs"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def run(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_printable_attendee_sheet_and_interview_list_render_in_chromium(api, tmp_path, request):
    browser = chromium_path()
    fid = open_fair(api, name="卓资县—朝阳区春季劳务协作招聘会")
    pid = api.post("employer", "/api/v1/postings", json=posting_payload(title="望京小区保安", openings=2)).get_json()["id"]
    api.post("employer", f"{URL}/{fid}/postings", json={"posting_id": pid})
    workers = []
    for seq, needs_dorm in ((611, True), (612, False)):
        wid = api.post("bureau", "/api/v1/workers",
                       json=worker_payload(seq=seq, name=f"乌日娜{seq}", needs_dormitory=needs_dorm,
                                           expected_monthly_wage=4500 + seq)).get_json()["id"]
        api.post("admin", f"{URL}/{fid}/attendees", json={"worker_id": wid})
        workers.append(wid)
    plan = api.post("admin", f"{URL}/{fid}/plan", json={}).get_json()
    assert plan["interviews"]
    worker = workers[0]
    reasons = [r["text_zh"] for i in plan["interviews"] if i["worker"]["id"] == worker for r in i["reasons"]]

    pages = {
        "sheet": api.get("admin", f"{URL}/{fid}/attendees/{worker}/sheet"),
        "list": api.get("employer", f"{URL}/{fid}/interview-lists/{api.tokens['_employer_id']}"),
    }
    for name, response in pages.items():
        assert response.status_code == 200 and response.mimetype == "text/html"
        page = tmp_path / f"{name}.html"
        page.write_bytes(response.data)
        dom = run(browser, tmp_path, "--dump-dom", page.as_uri())
        assert dom.returncode == 0, dom.stderr[-2000:]
        text = dom.stdout
        assert "乌日娜611" in text and "150921********" in text and "望京小区保安" in text
        assert "138****" not in text and "13800000611" not in text  # no phone, full or masked
        for reason in reasons:
            assert reason in text
        shot = tmp_path / f"{name}.png"
        result = run(browser, tmp_path, f"--screenshot={shot}", "--window-size=1240,1754",
                     "--hide-scrollbars", page.as_uri())
        assert shot.exists(), result.stderr[-2000:]
        assert shot.stat().st_size > 20_000  # a blank page is a few kB
        assert png_size(shot) == (1240, 1754)
    artifacts = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)  # as the ``shot`` fixture does
    artifacts.mkdir(parents=True, exist_ok=True)
    for name in pages:
        shutil.copy(tmp_path / f"{name}.png", artifacts / f"fair-{name}-a4.png")
