"""How a ranked match is shown: one presentation for every ranked list (worker matches,
posting matches, job fairs), so the same pair reads the same everywhere.

Workers are always shown masked here: employers get the name and masked ID number only
(no phone), everyone else additionally the masked phone. Revealing is never done in a list.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from marshmallow import Schema, fields

from matching.rank import MatchResult
from models.access.pii import PiiVault, mask_id_number, mask_phone
from models.postings.tables import Posting
from models.reference import gbt2260
from models.workers import service as worker_service
from models.workers.tables import Worker
from training.loading import PostingListing, posting_listing


class ReasonOut(Schema):
    feature = fields.String()
    delta = fields.Float()
    text_zh = fields.String()
    text_en = fields.String()


class WorkerBriefOut(Schema):
    id = fields.Integer()
    name = fields.String()
    id_number = fields.String(allow_none=True, metadata={"description": "Always masked"})
    phone = fields.String(allow_none=True, metadata={"description": "Masked; absent for employers"})
    county_code = fields.String()
    county_name = fields.String()


class PostingBriefOut(Schema):
    id = fields.Integer()
    title = fields.String()
    employer_id = fields.Integer()
    employer_name = fields.String()
    occupation_code = fields.String()
    district_code = fields.String()
    district_name = fields.String()
    wage_min = fields.Integer()
    wage_max = fields.Integer()
    openings_left = fields.Integer()
    provides_dormitory = fields.Boolean()
    status = fields.String()


class MatchOut(Schema):
    worker_id = fields.Integer()
    posting_id = fields.Integer()
    score = fields.Float()
    model_score = fields.Float()
    priority_bonus = fields.Float()
    matched_skills = fields.List(fields.String())
    missing_skills = fields.List(fields.String())
    wage_min = fields.Integer()
    wage_max = fields.Integer()
    expected_wage = fields.Integer()
    wage_ratio = fields.Float()
    destination_tier = fields.String()
    paired = fields.Boolean()
    provides_dormitory = fields.Boolean()
    needs_dormitory = fields.Boolean()
    reasons = fields.List(fields.Nested(ReasonOut))
    worker = fields.Nested(WorkerBriefOut)
    posting = fields.Nested(PostingBriefOut)


def present_match(result: MatchResult, *, worker: dict[str, Any] | None = None,
                  posting: dict[str, Any] | None = None) -> dict[str, Any]:
    """A ``MatchResult`` as response fields (``MatchOut``), with optional briefs attached."""
    out: dict[str, Any] = {
        "worker_id": result.worker_id, "posting_id": result.posting_id,
        "score": result.score, "model_score": result.model_score,
        "priority_bonus": result.priority_bonus,
        "matched_skills": list(result.matched_skills), "missing_skills": list(result.missing_skills),
        "wage_min": result.wage_min, "wage_max": result.wage_max,
        "expected_wage": result.expected_wage, "wage_ratio": result.wage_ratio,
        "destination_tier": result.destination_tier, "paired": result.paired,
        "provides_dormitory": result.provides_dormitory, "needs_dormitory": result.needs_dormitory,
        "reasons": [dict(r) for r in result.reasons],
    }
    if worker is not None:
        out["worker"] = worker
    if posting is not None:
        out["posting"] = posting
    return out


def worker_brief(worker: Worker, vault: PiiVault, *, employer_view: bool) -> dict[str, Any]:
    """Name, masked ID number and county; the masked phone only outside the employer view."""
    id_number, phone = worker_service.reveal(worker, vault)
    out: dict[str, Any] = {
        "id": worker.id, "name": worker.name,
        "id_number": mask_id_number(id_number) if id_number else None,
        "county_code": worker.county_code, "county_name": gbt2260.region_name(worker.county_code),
    }
    if not employer_view:
        out["phone"] = mask_phone(phone) if phone else None
    return out


def posting_brief(posting: Posting | PostingListing) -> dict[str, Any]:
    """A posting as ``PostingBriefOut``; from the open-posting index's listing or a row."""
    listing = posting if isinstance(posting, PostingListing) else posting_listing(posting)
    return {**asdict(listing), "district_name": gbt2260.region_name(listing.district_code)}
