"""Matches and the model registry."""
from __future__ import annotations

from tests.factories import posting_payload, worker_payload

ALLOWED: dict[str, set[str]] = {
    "GET /api/v1/workers/<int:worker_id>/matches": {"admin", "bureau"},
    "GET /api/v1/postings/<int:posting_id>/matches": {"admin", "bureau", "employer"},
    "GET /api/v1/models": {"admin"},
    "POST /api/v1/models/<string:version>/activate": {"admin"},
    "POST /api/v1/models/rollback": {"admin"},
}


def make_ids(api) -> dict[str, int]:
    worker = api.post("bureau", "/api/v1/workers", json=worker_payload()).get_json()["id"]
    posting = api.post("employer", "/api/v1/postings", json=posting_payload()).get_json()["id"]
    return {"worker_id": worker, "posting_id": posting}
