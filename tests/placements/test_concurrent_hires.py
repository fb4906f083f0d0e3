"""Fifty simultaneous hires into a posting with ten openings give exactly ten placements.

Each thread has its own test client, so its own request, session and database connection:
on PostgreSQL the row lock plus conditional UPDATE decide, on SQLite the database write lock.
"""
from __future__ import annotations


from sqlalchemy import func, select

from models.placements.tables import Application, Placement
from models.postings.tables import Posting
from models.workers.tables import Worker
from tests.concurrency import at_once
from tests.conftest import ApiClient
from tests.placements.placement_helpers import TERMS, interviewing, new_posting, new_worker

HIRES, OPENINGS = 50, 10


def test_fifty_concurrent_hires_never_exceed_ten_openings(app, api, tokens, db_session):
    posting = new_posting(api, openings=OPENINGS)
    applications = [interviewing(api, new_worker(api, seq=i), posting) for i in range(1, HIRES + 1)]

    def hire(application_id: int) -> int:
        own = ApiClient(app.test_client(), tokens)
        return own.post("employer", f"/api/v1/applications/{application_id}/transitions",
                        json={"to": "hired", "placement": TERMS}).status_code

    statuses = at_once(hire, applications)

    assert sorted(statuses) == [200] * OPENINGS + [409] * (HIRES - OPENINGS)
    db_session.expire_all()
    assert db_session.scalar(select(func.count(Placement.id))) == OPENINGS
    assert db_session.scalar(select(func.count(Application.id)).where(Application.state == "hired")) == OPENINGS
    assert db_session.scalar(select(func.count(Worker.id)).where(Worker.status == "employed")) == OPENINGS
    row = db_session.get(Posting, posting)
    assert (row.openings_left, row.status) == (0, "filled")
