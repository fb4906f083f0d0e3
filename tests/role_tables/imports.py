"""Roster import, templates and export (workers: bureaus; postings: employers)."""
from __future__ import annotations

ALLOWED: dict[str, set[str]] = {
    "POST /api/v1/workers/import": {"admin", "bureau"},
    "GET /api/v1/workers/import/template": {"admin", "bureau"},
    "GET /api/v1/workers/export": {"admin", "bureau"},
    "POST /api/v1/postings/import": {"admin", "employer"},
    "GET /api/v1/postings/import/template": {"admin", "employer"},
    "GET /api/v1/postings/export": {"admin", "bureau", "employer", "fair"},
}


def make_ids(api) -> dict[str, int]:
    return {}
