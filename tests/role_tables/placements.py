"""Applications, placements, follow-ups and placement reports."""
from __future__ import annotations

from models import clock
from tests.factories import posting_payload, worker_payload

WORK = {"admin", "bureau", "employer"}
BUREAU = {"admin", "bureau"}
ALLOWED: dict[str, set[str]] = {
    "GET /api/v1/applications": WORK,
    "POST /api/v1/applications": WORK,
    "GET /api/v1/applications/<int:application_id>": WORK,
    "POST /api/v1/applications/<int:application_id>/transitions": WORK,
    "GET /api/v1/placements": WORK,
    "POST /api/v1/placements": BUREAU,
    "GET /api/v1/placements/<int:placement_id>": WORK,
    "POST /api/v1/placements/<int:placement_id>/end": WORK,
    "POST /api/v1/placements/<int:placement_id>/verify-start": BUREAU,
    "GET /api/v1/placements/<int:placement_id>/follow-ups": BUREAU,
    "POST /api/v1/placements/<int:placement_id>/follow-ups": BUREAU,
    "GET /api/v1/follow-ups/overdue": BUREAU,
    "GET /api/v1/reports/new-employment": BUREAU,
    "GET /api/v1/reports/retention": BUREAU,
}


def make_ids(api) -> dict[str, int]:
    worker = api.post("bureau", "/api/v1/workers", json=worker_payload()).get_json()["id"]
    posting = api.post("employer", "/api/v1/postings", json=posting_payload()).get_json()["id"]
    application = api.post("bureau", "/api/v1/applications",
                           json={"worker_id": worker, "posting_id": posting}).get_json()["id"]
    placement = api.post("bureau", "/api/v1/placements", json={
        "worker_id": worker, "posting_id": posting, "start_date": clock.today().isoformat(),
        "monthly_wage": 6000}).get_json()["id"]
    return {"application_id": application, "placement_id": placement}
