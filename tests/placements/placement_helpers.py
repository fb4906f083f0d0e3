"""Arranging referrals and placements through the API (shared by the placement tests)."""
from __future__ import annotations

from typing import Any

from tests.factories import posting_payload, worker_payload

TERMS = {"start_date": "2025-03-01", "monthly_wage": 6000, "contract_type": "fixed_term",
         "contract_months": 12, "social_insurance": True, "dormitory": True}


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
