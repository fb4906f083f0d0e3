"""Job fairs: the fair, its postings and attendees, matches, the plan, exports, summary."""
from __future__ import annotations

from tests.factories import ZHUOZI, posting_payload, worker_payload

ALL = {"admin", "bureau", "employer", "fair"}
RUN = {"admin", "fair"}
READ = {"admin", "bureau", "fair"}
ALLOWED: dict[str, set[str]] = {
    "GET /api/v1/fairs": ALL,
    "POST /api/v1/fairs": {"admin", "bureau"},
    "GET /api/v1/fairs/<int:fair_id>": ALL,
    "PATCH /api/v1/fairs/<int:fair_id>": READ,
    "GET /api/v1/fairs/<int:fair_id>/postings": ALL,
    "POST /api/v1/fairs/<int:fair_id>/postings": {"admin", "employer", "fair"},
    "GET /api/v1/fairs/<int:fair_id>/attendees": READ,
    "POST /api/v1/fairs/<int:fair_id>/attendees": RUN,
    "GET /api/v1/fairs/<int:fair_id>/matches": ALL,
    "GET /api/v1/fairs/<int:fair_id>/plan": READ,
    "POST /api/v1/fairs/<int:fair_id>/plan": RUN,
    "GET /api/v1/fairs/<int:fair_id>/interview-lists/<int:employer_id>": ALL,
    "GET /api/v1/fairs/<int:fair_id>/attendees/<int:worker_id>/sheet": READ,
    "GET /api/v1/fairs/<int:fair_id>/summary": READ,
}


def fair_payload(**overrides) -> dict:
    data = {"name": "2025年卓资县—朝阳区春风行动招聘会", "starts_on": "2025-03-08",
            "mode": "onsite", "venue": "卓资县人力资源市场", "counties": [ZHUOZI], "districts": ["110105"]}
    data.update(overrides)
    return data


def open_fair(api, role: str = "bureau", **overrides) -> int:
    """A fair created by ``role`` and moved to ``open``."""
    created = api.post(role, "/api/v1/fairs", json=fair_payload(**overrides))
    assert created.status_code == 201, created.get_json()
    fair_id = created.get_json()["id"]
    opened = api.patch("admin", f"/api/v1/fairs/{fair_id}", json={"status": "open"},
                       headers={"If-Match": created.headers["ETag"]})
    assert opened.status_code == 200, opened.get_json()
    return fair_id


def make_ids(api) -> dict[str, int]:
    fair = open_fair(api)
    worker = api.post("bureau", "/api/v1/workers", json=worker_payload()).get_json()["id"]
    posting = api.post("employer", "/api/v1/postings", json=posting_payload()).get_json()["id"]
    assert api.post("employer", f"/api/v1/fairs/{fair}/postings", json={"posting_id": posting}).status_code == 201
    assert api.post("admin", f"/api/v1/fairs/{fair}/attendees", json={"worker_id": worker}).status_code == 201
    assert api.post("admin", f"/api/v1/fairs/{fair}/plan", json={}).status_code == 201
    return {"fair_id": fair, "worker_id": worker, "employer_id": api.tokens["_employer_id"]}
