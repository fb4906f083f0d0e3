"""Regions, pairings, workers, employers, postings."""
from __future__ import annotations

from tests.factories import posting_payload, worker_payload

ALL = {"admin", "bureau", "employer", "fair"}
ALLOWED: dict[str, set[str]] = {
    "GET /api/v1/regions": ALL,
    "GET /api/v1/pairings": ALL,
    "GET /api/v1/workers": {"admin", "bureau"},
    "POST /api/v1/workers": {"admin", "bureau"},
    "GET /api/v1/workers/<int:worker_id>": {"admin", "bureau"},
    "PATCH /api/v1/workers/<int:worker_id>": {"admin", "bureau"},
    "POST /api/v1/workers/<int:worker_id>/erase": {"admin", "bureau"},
    "POST /api/v1/workers/<int:worker_id>/id-number": {"admin", "bureau"},
    "GET /api/v1/employers": ALL,
    "POST /api/v1/employers": {"admin"},
    "GET /api/v1/employers/<int:employer_id>": ALL,
    "PATCH /api/v1/employers/<int:employer_id>": {"admin", "employer"},
    "GET /api/v1/postings": ALL,
    "POST /api/v1/postings": {"admin", "employer"},
    "GET /api/v1/postings/<int:posting_id>": ALL,
    "PATCH /api/v1/postings/<int:posting_id>": {"admin", "employer"},
    "POST /api/v1/postings/<int:posting_id>/close": {"admin", "employer"},
}


def make_ids(api) -> dict[str, int]:
    worker = api.post("bureau", "/api/v1/workers", json=worker_payload()).get_json()["id"]
    posting = api.post("employer", "/api/v1/postings", json=posting_payload()).get_json()["id"]
    return {"worker_id": worker, "posting_id": posting, "employer_id": api.tokens["_employer_id"]}
