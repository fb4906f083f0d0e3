"""Subsidy policies, eligibility, claims and job runs."""
from __future__ import annotations

from models import clock
from models.subsidies import claims as claim_service
from models.placements.tracking import add_months
from tests.subsidies.conftest import add_placement, add_worker, county_policy

READERS = {"admin", "bureau"}
ALLOWED: dict[str, set[str]] = {
    "GET /api/v1/subsidy-policies": READERS,
    "POST /api/v1/subsidy-policies": {"admin"},
    "GET /api/v1/subsidy-policies/<int:policy_id>": READERS,
    "PATCH /api/v1/subsidy-policies/<int:policy_id>": {"admin"},
    "GET /api/v1/workers/<int:worker_id>/eligibility": READERS,
    "GET /api/v1/claims": READERS,
    "GET /api/v1/claims/export.xlsx": READERS,
    "GET /api/v1/claims/<int:claim_id>": READERS,
    # A person of the worker's county decides (PIPL Art. 24); administrators may not.
    "POST /api/v1/claims/<int:claim_id>/approve": {"bureau"},
    "POST /api/v1/claims/<int:claim_id>/reject": {"bureau"},
    "POST /api/v1/claims/<int:claim_id>/pay": {"bureau"},
    "GET /api/v1/jobs": READERS,
}


def make_ids(api) -> dict[str, int]:
    app = api.client.application
    sessions = app.extensions["jm.sessions"]
    with sessions() as session:
        policy = county_policy(session, "template-transport")
        worker = add_worker(api, 77)
        add_placement(session, worker, start=add_months(clock.today(), -4))
        policy_id = policy.id
    claim_service.run_eligibility(sessions=sessions, as_of=clock.today())
    claim_id = api.get("bureau", "/api/v1/claims").get_json()["items"][0]["id"]
    return {"policy_id": policy_id, "worker_id": worker, "claim_id": claim_id}
