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
from collections.abc import Iterable
from typing import Any

import numpy as np

from marshmallow import Schema, fields

from api.schemas.workers import IdRegionOut
from matching.batches import PostingBatch
from matching.facts import listed_reasons, pair_facts
from matching.profiles import PostingProfile, WorkerProfile
from matching.rank import MatchResult
from models.access.pii import PiiVault, mask_id_number, mask_phone
from models.postings.tables import Posting
from models.reference import gbt2260
from models.workers import service as worker_service
from models.workers.tables import Worker
from seed import taxonomy
from training.loading import PostingListing, posting_listing


KINDS = ("fact", "model", "policy")
DIRECTIONS = ("favourable", "unfavourable", "neutral")


class FactOut(Schema):
    """A fact of the pair a clerk can check (``kind`` fact), Chinese first, English beside it."""

    code = fields.String(metadata={"description": "skill_held, skill_missing, skills_none_required, wage, place, "
                                                  "dormitory, meals, contract, social_insurance, language"})
    kind = fields.String(metadata={"description": "fact"})
    direction = fields.String(metadata={"description": "For the worker: " + ", ".join(DIRECTIONS)})
    zh = fields.String()
    en = fields.String()
    text_zh = fields.String(metadata={"description": "Same as zh"})
    text_en = fields.String(metadata={"description": "Same as en"})
    skill_code = fields.String()
    skill_name = fields.String()
    level = fields.Integer(allow_none=True, metadata={"description": "Worker's level 1–5 (1 no grade … 5 技师); "
                                                                    "null when not held"})
    min_level = fields.Integer()
    certified = fields.Boolean()
    certificate_required = fields.Boolean()
    wage_min = fields.Integer()
    wage_max = fields.Integer()
    expected_wage = fields.Integer()
    district_code = fields.String()
    district_name = fields.String()
    tier = fields.String()
    paired = fields.Boolean()
    needs_dormitory = fields.Boolean()
    provides_dormitory = fields.Boolean()
    provides_meals = fields.Boolean()
    contract_months = fields.Integer()
    social_insurance = fields.Boolean()
    languages = fields.List(fields.String())


class ReasonOut(FactOut):
    """A listed reason: a missing required skill (``kind`` fact, always listed), the priority
    policy (``policy``, never shown to employers), or one of at most three model reasons
    (``model``): the fact's direction and its effect on the score, in words and a 1–3 scale."""

    kind = fields.String(metadata={"description": ", ".join(KINDS)})
    feature = fields.String(metadata={"description": "The fact or feature group the reason is about"})
    effect = fields.String(allow_none=True, metadata={"description": "raises or lowers the score"})
    strength = fields.Integer(allow_none=True, metadata={"description": "1 slightly, 2 moderately, 3 strongly"})


class WorkerBriefOut(Schema):
    id = fields.Integer()
    name = fields.String()
    id_number = fields.String(allow_none=True, metadata={"description": "Always masked"})
    phone = fields.String(allow_none=True, metadata={"description": "Masked; absent for employers"})
    county_code = fields.String()
    county_name = fields.String()
    id_region = fields.Nested(IdRegionOut, allow_none=True, metadata={
        "description": "Where the ID number was issued; absent for employers"})


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


class LastingOut(Schema):
    """P(still employed at 90 days | hired) — 稳定就业可能性 — in words and percent."""

    probability = fields.Float(metadata={"description": "Calibrated on past hires (training.probabilities)"})
    percent = fields.String(metadata={"description": "e.g. 63%"})
    level = fields.String(metadata={"description": "low, moderate, fairly_high, high"})
    zh = fields.String()
    en = fields.String()


LASTING_LEVELS = ((0.3, "low", "较低", "low"), (0.5, "moderate", "一般", "moderate"),
                  (0.7, "fairly_high", "较高", "fairly high"), (1.01, "high", "高", "high"))
"""Upper bounds of the words a clerk reads beside the percent."""


def lasting_view(p: float | None) -> dict[str, Any] | None:
    """``LastingOut`` of a probability; None when the answering ranker has no such model."""
    if p is None or not np.isfinite(p):
        return None
    p = float(min(max(p, 0.0), 1.0))
    _, level, zh, en = next(x for x in LASTING_LEVELS if p < x[0])
    percent = f"{p:.0%}"
    return {"probability": round(p, 4), "percent": percent, "level": level,
            "zh": f"稳定就业可能性：{zh}（{percent}）",
            "en": f"chance of still being employed 90 days after hiring: {en} ({percent})"}


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
    facts = fields.List(fields.Nested(FactOut), metadata={
        "description": "What a clerk can check, skills first: required skills held and missing (level, "
                       "certificate), wage vs expectation in yuan, place and pairing, dormitory and meals, "
                       "contract, social insurance, languages"})
    reasons = fields.List(fields.Nested(ReasonOut), metadata={
        "description": "Missing required skills first (always), then the priority policy (not for employers), "
                       "then at most three model reasons"})
    lasting = fields.Nested(LastingOut, allow_none=True, metadata={
        "description": "稳定就业可能性: P(still employed at 90 days | hired) in words and percent; null when "
                       "the heuristic answers (it gives no probability)"})
    worker = fields.Nested(WorkerBriefOut)
    posting = fields.Nested(PostingBriefOut)


PRIORITY_FEATURE = "priority_group"
"""The reason naming the 脱贫/监测 priority bonus (``matching.rank``)."""
EMPLOYER_WITHHELD = ("score", "model_score", "priority_bonus")
"""Match fields an employer never gets: the bonus itself, and the scores it would show in."""


PRIORITY_REASON: dict[str, Any] = {
    "code": PRIORITY_FEATURE, "feature": PRIORITY_FEATURE, "kind": "policy", "direction": "favourable",
    "effect": "raises", "strength": None,
    "zh": "脱贫人口或防返贫监测对象：按政策优先推荐（政策加分）",
    "en": "lifted out of poverty or monitored household: ranked higher by policy (policy bonus)"}
PRIORITY_REASON.update(text_zh=PRIORITY_REASON["zh"], text_en=PRIORITY_REASON["en"])


def public_reasons(reasons: Any) -> list[dict[str, Any]]:
    """The reasons without the priority one: what may be shown or printed for an employer."""
    return [dict(r) for r in reasons or () if r.get("feature", r.get("code")) != PRIORITY_FEATURE]


def skill_name(code: str) -> tuple[str, str]:
    skill = taxonomy.skills().get(code)
    return (skill.name_zh, skill.name_en) if skill else (code, code)


def facts_of(worker: WorkerProfile, posting: PostingProfile, tier: str) -> list[dict[str, Any]]:
    """The pair's checkable facts (``FactOut``)."""
    return pair_facts(worker, posting, tier, skill_name=skill_name, region_name=gbt2260.region_name)


def explained(reasons: Any, facts: list[dict[str, Any]], *, employer_view: bool) -> list[dict[str, Any]]:
    """The reasons a match lists (``ReasonOut``) from the ranker's and the pair's facts.

    Reasons stored before they were worded by fact and effect (interview plans computed
    earlier: no ``kind``, a raw ``delta``) are not shown; recomputing the plan words them."""
    reasons = list(reasons or ())
    priority = any(r.get("feature", r.get("code")) == PRIORITY_FEATURE for r in reasons)
    policy = [dict(PRIORITY_REASON)] if priority and not employer_view else []
    model = [r for r in public_reasons(reasons) if "kind" in r]
    return listed_reasons(facts, model, policy)


def present_match(result: MatchResult, *, worker: dict[str, Any] | None = None,
                  posting: dict[str, Any] | None = None, employer_view: bool = False,
                  profiles: tuple[WorkerProfile, PostingProfile] | None = None,
                  lasting: float | None = None) -> dict[str, Any]:
    """A ``MatchResult`` as response fields (``MatchOut``), with optional briefs attached.

    ``profiles`` (the pair's worker and posting profiles) give the checkable facts and the
    missing-skill reasons; ``lasting`` the pair's P(lasting | hired). ``employer_view``
    withholds everything that would reveal a priority group (:data:`EMPLOYER_WITHHELD` and
    the priority reason)."""
    facts = facts_of(*profiles, result.destination_tier) if profiles is not None else []
    out: dict[str, Any] = {
        "worker_id": result.worker_id, "posting_id": result.posting_id,
        "score": result.score, "model_score": result.model_score,
        "priority_bonus": result.priority_bonus,
        "matched_skills": list(result.matched_skills), "missing_skills": list(result.missing_skills),
        "wage_min": result.wage_min, "wage_max": result.wage_max,
        "expected_wage": result.expected_wage, "wage_ratio": result.wage_ratio,
        "destination_tier": result.destination_tier, "paired": result.paired,
        "provides_dormitory": result.provides_dormitory, "needs_dormitory": result.needs_dormitory,
        "facts": facts,
        "reasons": explained(result.reasons, facts, employer_view=employer_view),
        "lasting": lasting_view(lasting),
    }
    if employer_view:
        for key in EMPLOYER_WITHHELD:
            del out[key]
    if worker is not None:
        out["worker"] = worker
    if posting is not None:
        out["posting"] = posting
    return out


def batch_profiles(batch: PostingBatch, posting_ids: Iterable[int]) -> dict[int, PostingProfile]:
    """The profiles of some postings of ``batch``, by id (a few results of a large batch)."""
    out = {}
    for pid in posting_ids:
        at = np.flatnonzero(batch.posting_ids == pid)
        if len(at):
            out[pid] = batch.postings[int(at[0])]
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
        out["id_region"] = gbt2260.issuing_region(id_number[:6]) if id_number else None
    return out


def posting_brief(posting: Posting | PostingListing) -> dict[str, Any]:
    """A posting as ``PostingBriefOut``; from the open-posting index's listing or a row."""
    listing = posting if isinstance(posting, PostingListing) else posting_listing(posting)
    return {**asdict(listing), "district_name": gbt2260.region_name(listing.district_code)}
