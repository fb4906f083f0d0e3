"""``jingmeng seed demo`` on both backends: the service keeps working on top of the world."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from models import clock
from models.placements.tables import Application, Placement
from models.workers.tables import Worker
from tests.factories import posting_payload, worker_payload


def test_records_created_after_the_demo_world_get_fresh_ids(api, runner, db_session) -> None:
    """The world inserts explicit ids; PostgreSQL's sequences must continue after them."""
    result = runner.invoke(args=["seed", "demo", "--workers", "150", "--postings", "25", "--seed", "5",
                                 "--as-of", "2026-03-02"])
    assert result.exit_code == 0, result.output
    assert db_session.scalar(select(func.count()).select_from(Application)) > 0
    last_worker = db_session.scalar(select(func.max(Worker.id)))
    last_placement = db_session.scalar(select(func.max(Placement.id))) or 0

    worker = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=771))
    assert worker.status_code == 201, worker.get_json()
    assert worker.get_json()["id"] > last_worker
    posting = api.post("employer", "/api/v1/postings", json=posting_payload())
    assert posting.status_code == 201, posting.get_json()
    application = api.post("bureau", "/api/v1/applications",
                           json={"worker_id": worker.get_json()["id"], "posting_id": posting.get_json()["id"]})
    assert application.status_code == 201, application.get_json()
    placement = api.post("bureau", "/api/v1/placements", json={
        "worker_id": worker.get_json()["id"], "posting_id": posting.get_json()["id"],
        "start_date": clock.today().isoformat(), "monthly_wage": 6000})
    assert placement.status_code == 201, placement.get_json()
    assert placement.get_json()["id"] > last_placement


def test_the_demo_bureau_token_covers_every_county_of_the_demo_world(app, runner, db_session) -> None:
    assert runner.invoke(args=["seed", "demo", "--workers", "300", "--postings", "20", "--seed", "5",
                               "--as-of", "2026-03-02"]).exit_code == 0
    result = runner.invoke(args=["token", "demo", "--port", "8123"])
    assert result.exit_code == 0, result.output
    token = re.search(r"jm_bureau_\S+", result.output).group(0)
    one_per_county = db_session.execute(select(Worker.county_code, func.min(Worker.id))
                                        .group_by(Worker.county_code)).all()
    assert len(one_per_county) > 11  # the paired counties and unpaired ones
    client = app.test_client()
    for county, worker_id in one_per_county:
        r = client.get(f"/api/v1/workers/{worker_id}", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, county
