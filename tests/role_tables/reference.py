"""Occupation and skill search (any authenticated role)."""
from __future__ import annotations

ALL = {"admin", "bureau", "employer", "fair"}
ALLOWED: dict[str, set[str]] = {
    "GET /api/v1/occupations": ALL,
    "GET /api/v1/skills": ALL,
}


def make_ids(api) -> dict[str, int]:
    return {}
