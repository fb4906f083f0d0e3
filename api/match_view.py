"""How a ranked match is shown: one presentation for every ranked list (worker matches,
posting matches, job fairs), so the same pair reads the same everywhere.

Workers are always shown masked here: employers get the name and masked ID number only
(no phone), everyone else additionally the masked phone. Revealing is never done in a list.

Employers never see a worker's poverty or monitoring status (脱贫/监测, sensitive personal
information, PIPL Art. 28): their view of a match carries no priority bonus, no priority
reason and no score (a score would include the bonus); the priority policy still orders the
list. Bureaus and administrators see all of it.
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
    score = fields.Float(metadata={"description": "Ranking score (model score + priority bonus); "
                                                 "not shown to employers"})
    model_score = fields.Float(metadata={"description": "Not shown to employers"})
    priority_bonus = fields.Float(metadata={"description": "脱贫/监测 priority bonus; not shown to employers"})
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


PRIORITY_FEATURE = "priority_group"
"""The reason naming the 脱贫/监测 priority bonus (``matching.rank``)."""
EMPLOYER_WITHHELD = ("score", "model_score", "priority_bonus")
"""Match fields an employer never gets: the bonus itself, and the scores it would show in."""


def public_reasons(reasons: Any) -> list[dict[str, Any]]:
    """The reasons without the priority one: what may be shown or printed for an employer."""
    return [dict(r) for r in reasons or () if r.get("feature", r.get("code")) != PRIORITY_FEATURE]


def present_match(result: MatchResult, *, worker: dict[str, Any] | None = None,
                  posting: dict[str, Any] | None = None, employer_view: bool = False) -> dict[str, Any]:
    """A ``MatchResult`` as response fields (``MatchOut``), with optional briefs attached.

    ``employer_view`` withholds everything that would reveal a priority group
    (:data:`EMPLOYER_WITHHELD` and the priority reason)."""
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
    if employer_view:
        for key in EMPLOYER_WITHHELD:
            del out[key]
        out["reasons"] = public_reasons(out["reasons"])
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
