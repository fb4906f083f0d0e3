"""The wired nightly refresh: real engine, capacity-aware lists, congestion reported."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from models import clock
from models.scheduling.runner import run_job
from models.placements.tables import Recommendation
from tests.factories import posting_payload, worker_payload


def run(app, job_id: str):
    return run_job(job_id, sessions=app.extensions["jm.sessions"], engine=app.extensions["jm.engine"],
                   config=dict(app.config), today=clock.today(), vault=app.extensions["jm.vault"], holder="t")


def test_refresh_caps_recommendations_by_openings_and_reports_congestion(app, api, db_session):
    workers = [api.post("bureau", "/api/v1/workers", json=worker_payload(
        seq=700 + i, phone=f"1380000{700 + i:04d}")).get_json()["id"] for i in range(12)]
    # One attractive posting with a single opening, and three ordinary ones with more.
    hot = api.post("employer", "/api/v1/postings", json=posting_payload(
        openings=1, wage_min=9000, wage_max=9500)).get_json()["id"]
    others = [api.post("employer", "/api/v1/postings", json=posting_payload(
        openings=4, wage_min=5000, wage_max=5600)).get_json()["id"] for _ in range(3)]
    result = run(app, "recommendations")
    assert result.status == "ok", result.error
    counts = result.counts
    assert counts["ranker"] == "heuristic" and counts["workers"] == len(workers)
    rows = db_session.scalars(select(Recommendation)).all()
    per_posting = Counter(r.posting_id for r in rows)
    assert per_posting[hot] <= 3  # ceil(3 × 1 opening) − 0 pending
    assert all(per_posting[p] <= 12 for p in others)
    assert counts["before_max_per_opening"] > counts["after_max_per_opening"]
    assert counts["after_gini_per_opening"] <= counts["before_gini_per_opening"]
    assert {r.ranker for r in rows} == {"heuristic"}
    # Idempotent: the same night's run adds nothing.
    assert run(app, "recommendations").counts["recommendations"] == 0


def test_the_refresh_skips_workers_whose_profile_is_still_to_complete(app, api, db_session):
    from tests.tabular.sheets import upload, xlsx

    complete = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=801)).get_json()["id"]
    roster = xlsx(["姓名", "身份证号", "联系电话", "脱贫属性", "文化程度"],
                  [{"姓名": "乌云", "身份证号": worker_payload(seq=802)["id_number"], "联系电话": "13800000802",
                    "脱贫属性": "脱贫户", "文化程度": "初中"}])
    assert upload(api, "bureau", "/api/v1/workers/import", roster).get_json()["incomplete_profiles"] == 1
    api.post("employer", "/api/v1/postings", json=posting_payload())
    result = run(app, "recommendations")
    assert result.status == "ok", result.error
    assert result.counts["workers"] == 1
    assert {r.worker_id for r in db_session.scalars(select(Recommendation))} == {complete}
