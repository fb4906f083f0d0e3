"""Arranging referrals and placements through the API (shared by the placement tests)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import update

from models import clock
from models.placements.tables import Application, ApplicationEvent
from tests.factories import posting_payload, worker_payload

TODAY = clock.today()
TERMS = {"start_date": TODAY.isoformat(), "monthly_wage": 6000, "contract_type": "fixed_term",
         "contract_months": 12, "social_insurance": True, "dormitory": True}
"""A hire starts no earlier than its referral: by default the referral is made today."""


def referred_on(db_session, application_id: int, day: date) -> None:
    """Move an application (and its events) back in time, as if the referral was made on ``day``
    — for tests of jobs that have lasted a while."""
    at = datetime.combine(day, time(9), clock.CST)
    db_session.execute(update(Application).where(Application.id == application_id).values(created_at=at))
    db_session.execute(update(ApplicationEvent).where(ApplicationEvent.application_id == application_id)
                       .values(at=at))
    db_session.commit()


def new_worker(api, seq: int = 123, role: str = "bureau", **overrides: Any) -> int:
    r = api.post(role, "/api/v1/workers", json=worker_payload(seq=seq, **overrides))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def new_posting(api, role: str = "employer", **overrides: Any) -> int:
    r = api.post(role, "/api/v1/postings", json=posting_payload(**overrides))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def refer(api, worker_id: int, posting_id: int, role: str = "bureau"):
    return api.post(role, "/api/v1/applications", json={"worker_id": worker_id, "posting_id": posting_id})


def move(api, application_id: int, to: str, role: str = "employer", **body: Any):
    return api.post(role, f"/api/v1/applications/{application_id}/transitions", json={"to": to, **body})


def interviewing(api, worker_id: int, posting_id: int) -> int:
    """A bureau referral moved to interviewing; returns the application id."""
    r = refer(api, worker_id, posting_id)
    assert r.status_code == 201, r.get_json()
    application = r.get_json()["id"]
    assert move(api, application, "interviewing").status_code == 200
    return application


def hire(api, application_id: int, role: str = "employer", **terms: Any):
    return move(api, application_id, "hired", role=role, placement={**TERMS, **terms})
