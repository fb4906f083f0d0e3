"""Job fair requests and responses."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.match_view import FactOut, LastingOut, MatchOut, PostingBriefOut, ReasonOut, WorkerBriefOut
from api.schemas.common import PageQuery, StrictSchema, one_of, rule, text
from api.schemas.workers import WorkerCreateSchema
from models.reference import region_codes
from models.fairs.tables import FAIR_MODES, FAIR_STATUSES

MAX_FAIR_DAYS = 31


def _codes(check, **kw: Any) -> fields.List:  # noqa: ANN001 - a region_codes check
    return fields.List(fields.String(validate=rule(check)), validate=validate.Length(max=20), **kw)


class FairBase(StrictSchema):
    name = text(128)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date()
    mode = fields.String(load_default="onsite", validate=one_of(FAIR_MODES))
    venue = text(256, required=False, allow_none=True)
    districts = _codes(region_codes.check_beijing_district, load_default=list,
                       metadata={"description": "Co-organising Beijing districts"})

    @validates_schema
    def _check_dates_and_venue(self, data: dict[str, Any], partial: Any = None, **_: Any) -> None:
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends:
            if ends < starts:
                raise ValidationError("结束日期不能早于开始日期 / ends_on must not be before starts_on",
                                      field_name="ends_on")
            if ends - starts > timedelta(days=MAX_FAIR_DAYS):
                raise ValidationError(f"招聘会最长{MAX_FAIR_DAYS}天 / A fair lasts at most {MAX_FAIR_DAYS} days",
                                      field_name="ends_on")
        if not partial and data.get("mode") == "onsite" and not data.get("venue"):
            raise ValidationError("现场招聘会须填写地点 / An on-site fair needs a venue", field_name="venue")


class FairCreateSchema(FairBase):
    counties = _codes(region_codes.check_county, required=True,
                      metadata={"description": "Organising Inner Mongolia counties (at least one)"})

    @validates_schema
    def _check_counties(self, data: dict[str, Any], **_: Any) -> None:
        if "counties" in data and not data["counties"]:
            raise ValidationError("至少一个主办旗县 / At least one organising county", field_name="counties")


class FairPatchSchema(FairBase):
    """Every field optional; ``status`` moves planned → open → closed."""

    status = fields.String(validate=one_of(FAIR_STATUSES))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class FairOut(Schema):
    id = fields.Integer()
    name = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    mode = fields.String()
    venue = fields.String(allow_none=True)
    counties = fields.List(fields.String())
    county_names = fields.List(fields.String())
    districts = fields.List(fields.String())
    district_names = fields.List(fields.String())
    status = fields.String()
    postings = fields.Integer(metadata={"description": "Participating postings"})
    attendees = fields.Integer(metadata={"description": "Checked-in attendees"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class FairQuery(PageQuery):
    status = fields.String(validate=one_of(FAIR_STATUSES))


class FairPostingIn(StrictSchema):
    posting_id = fields.Integer(required=True)
    slots = fields.Integer(validate=validate.Range(min=0, max=1000), metadata={
        "description": "Interview slots at the booth; default 2 × openings_left"})


class FairPostingOut(PostingBriefOut):
    slots = fields.Integer()
    openings = fields.Integer()
    added_at = fields.DateTime()


class CheckInSchema(StrictSchema):
    """Exactly one of: ``worker_id``; ``id_number`` of a registered worker; ``worker``, the
    full registration of a walk-in (validated like any registration)."""

    worker_id = fields.Integer()
    id_number = fields.String(validate=validate.Length(max=32))
    worker = fields.Nested(WorkerCreateSchema)

    @validates_schema
    def _exactly_one(self, data: dict[str, Any], **_: Any) -> None:
        given = [k for k in ("worker_id", "id_number", "worker") if k in data]
        if len(given) != 1:
            raise ValidationError("须且只能提供 worker_id、id_number 或 worker 之一 / "
                                  "Send exactly one of worker_id, id_number or worker",
                                  field_name="_schema")


class AttendeeOut(WorkerBriefOut):
    worker_id = fields.Integer()
    walk_in = fields.Boolean()
    registered_now = fields.Boolean(metadata={"description": "A walk-in registered by this request"})
    checked_in_at = fields.DateTime()
    phone_updated = fields.Boolean(metadata={
        "description": "A registered walk-in gave a new phone, which replaced the stored one"})
    details_not_applied = fields.List(fields.String(), metadata={
        "description": "Fields of a registered walk-in's form that differ from the record and were "
                       "not applied (for the bureau to review)"})


class MatchesQuery(StrictSchema):
    worker_id = fields.Integer()
    posting_id = fields.Integer()
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))

    @validates_schema
    def _exactly_one(self, data: dict[str, Any], **_: Any) -> None:
        if ("worker_id" in data) == ("posting_id" in data):
            raise ValidationError("须且只能提供 worker_id 或 posting_id 之一 / "
                                  "Send exactly one of worker_id or posting_id", field_name="_schema")


class FairMatchesOut(Schema):
    ranker = fields.String(metadata={"description": "Which ranker answered (model version or heuristic)"})
    fair_id = fields.Integer()
    worker = fields.Nested(WorkerBriefOut)
    posting = fields.Nested(PostingBriefOut)
    items = fields.List(fields.Nested(MatchOut))


class PlanIn(StrictSchema):
    limit = fields.Integer(load_default=3, validate=validate.Range(min=1, max=20),
                           metadata={"description": "Interviews per attendee at most (default 3)"})


class InterviewOut(Schema):
    worker = fields.Nested(WorkerBriefOut)
    posting_id = fields.Integer()
    posting_title = fields.String()
    employer_id = fields.Integer()
    employer_name = fields.String()
    is_primary = fields.Boolean(metadata={"description": "The attendee's planned hire"})
    p = fields.Float(metadata={"description": "What the plan maximises: P(hired | interviewed) × "
                                             "P(still employed at 90 days | hired) (the heuristic's 0–1 score "
                                             "when no model answers)"})
    p_hired = fields.Float(allow_none=True, metadata={"description": "P(hired | interviewed)"})
    p_lasting = fields.Float(allow_none=True, metadata={"description": "P(still employed at 90 days | hired)"})
    lasting = fields.Nested(LastingOut, allow_none=True, metadata={
        "description": "稳定就业可能性 (P(lasting | hired)) in words and percent; null without a model"})
    booth_order = fields.Integer(metadata={"description": "Queue number at the booth"})
    booth = fields.Integer(allow_none=True, metadata={"description": "Booth number (展位号): the posting's place "
                                                                     "in the fair's posting list"})
    slot = fields.String(metadata={"description": "Time slot (时段), e.g. 09:15–09:30: FAIR_INTERVIEWS_START "
                                                  "plus FAIR_INTERVIEW_MINUTES per queue place"})
    facts = fields.List(fields.Nested(FactOut), metadata={"description": "The pair's checkable facts"})
    reasons = fields.List(fields.Nested(ReasonOut), metadata={
        "description": "Missing required skills first, then at most three model reasons"})


class CongestionOut(Schema):
    expected_lasting = fields.Float()
    openings_filled = fields.Float()
    per_opening_mean = fields.Float()
    per_opening_max = fields.Float()
    gini = fields.Float()
    no_candidate = fields.Float()
    pairs = fields.Float()


class PlanOut(Schema):
    fair_id = fields.Integer()
    ranker = fields.String()
    attendee_limit = fields.Integer()
    status = fields.String(metadata={"description": "optimal, or pruned when not certified"})
    expected_lasting_placements = fields.Float()
    computed_at = fields.DateTime()
    attendees = fields.Integer()
    allowed_pairs = fields.Integer()
    congestion = fields.Nested(CongestionOut)
    booths = fields.List(fields.Dict(), metadata={
        "description": "Per posting: openings_left, slots, interviews, planned hires"})
    interviews = fields.List(fields.Nested(InterviewOut))


class ExportQuery(StrictSchema):
    format = fields.String(load_default="html", validate=one_of(("html", "xlsx")))


class SummaryGroupOut(Schema):
    county_code = fields.String()
    county_name = fields.String()
    poverty_status = fields.String()
    attendees = fields.Integer()
    walk_ins = fields.Integer()
    interviews = fields.Integer()
    hires = fields.Integer()
    retention_judged = fields.Integer(metadata={"description": "Hires that started ≥ 90 days ago"})
    retained_90d = fields.Integer()
    retention_rate = fields.Float(allow_none=True)


class SummaryOut(Schema):
    fair_id = fields.Integer()
    name = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    status = fields.String()
    totals = fields.Nested(SummaryGroupOut)
    groups = fields.List(fields.Nested(SummaryGroupOut))
