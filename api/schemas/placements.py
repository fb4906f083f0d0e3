"""Placement, follow-up and report requests and responses."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.schemas.applications import EndReasonSchema, TermsSchema, WorkerBrief
from api.schemas.common import PageQuery, StrictSchema, rule
from models.reference import region_codes
from models.subsidies import rules as sr
from matching.profiles import DESTINATION_GROUPS


class PlacementCreateSchema(TermsSchema):
    """A bureau records a job: on a posting of the service, or found outside it (workplace_code)."""

    worker_id = fields.Integer(required=True)
    posting_id = fields.Integer()
    workplace_code = fields.String(validate=rule(region_codes.check_workplace))
    backdate_reason = fields.String(validate=validate.Length(min=2, max=500), metadata={
        "description": "Required when start_date is more than BACKDATE_GRACE_DAYS (30) before today: "
                       "why the job is recorded after the fact (e.g. 回访时得知). Such a placement awaits "
                       "`POST /placements/{id}/verify-start` before any subsidy claim is created."})

    @validates_schema
    def _one_place(self, data: dict[str, Any], **_: Any) -> None:
        if ("posting_id" in data) == ("workplace_code" in data):
            raise ValidationError("须提供 posting_id 或 workplace_code 之一 / Give exactly one of "
                                  "posting_id and workplace_code", field_name="posting_id")


class VerifyStartSchema(StrictSchema):
    """The evidence step of a back-dated placement: the document that shows the start date."""

    evidence = fields.String(required=True, validate=validate.OneOf(sr.EVIDENCE), metadata={
        "description": "One of the subsidy evidence kinds: " + ", ".join(sr.EVIDENCE)})


class PlacementEndSchema(StrictSchema):
    end_date = fields.Date(required=True)
    reason = fields.Nested(EndReasonSchema, required=True)


class DueOut(Schema):
    months = fields.Integer(allow_none=True, metadata={"description": "1/3/6/12, or null for a scheduled call"})
    due = fields.Date()
    days_overdue = fields.Integer()


class PlacementOut(Schema):
    id = fields.Integer()
    application_id = fields.Integer(allow_none=True)
    worker_id = fields.Integer()
    posting_id = fields.Integer(allow_none=True)
    employer_id = fields.Integer(allow_none=True)
    county_code = fields.String()
    poverty_status = fields.String(allow_none=True, metadata={"description": "Absent for employers (PIPL Art. 28)"})
    destination = fields.String()
    workplace_code = fields.String(allow_none=True)
    employer_name = fields.String(allow_none=True, metadata={
        "description": "The employer as a roster named it (务工单位), for a job found outside the service"})
    start_date = fields.Date()
    monthly_wage = fields.Integer(allow_none=True, metadata={
        "description": "Yuan per month; null when a roster recorded the job without its income"})
    contract_type = fields.String()
    contract_months = fields.Integer()
    social_insurance = fields.Boolean()
    dormitory = fields.Boolean()
    end_date = fields.Date(allow_none=True)
    end_reason = fields.String(allow_none=True)
    end_note = fields.String(allow_none=True)
    months_employed = fields.Integer()
    tracking_status = fields.String(metadata={"description": "active / at_risk / ended"})
    next_follow_up = fields.Date(allow_none=True)
    overdue_follow_ups = fields.List(fields.Nested(DueOut))
    worker = fields.Nested(WorkerBrief)
    created_at = fields.DateTime()
    recorded_at = fields.DateTime(metadata={"description": "When the placement was recorded"})
    backdate_reason = fields.String(allow_none=True)
    awaiting_start_evidence = fields.Boolean(metadata={
        "description": "Back-dated and its start not yet verified: no subsidy claim until it is"})
    start_evidence = fields.String(allow_none=True)
    start_verified_at = fields.DateTime(allow_none=True)
    start_verified_by = fields.Integer(allow_none=True)


class PlacementQuery(PageQuery):
    worker_id = fields.Integer()
    posting_id = fields.Integer()
    county = fields.String()
    destination = fields.String(validate=validate.OneOf(DESTINATION_GROUPS))
    active = fields.Boolean(metadata={"description": "true: not ended; false: ended"})


class FollowUpCreateSchema(StrictSchema):
    contact_date = fields.Date(required=True)
    still_employed = fields.Boolean(required=True)
    wage_received = fields.Boolean(allow_none=True, load_default=None)
    issues = fields.String(validate=validate.Length(max=2000), allow_none=True, load_default=None)
    next_contact = fields.Date(allow_none=True, load_default=None)


class FollowUpOut(Schema):
    id = fields.Integer()
    placement_id = fields.Integer()
    contact_date = fields.Date()
    still_employed = fields.Boolean()
    wage_received = fields.Boolean(allow_none=True)
    issues = fields.String(allow_none=True)
    next_contact = fields.Date(allow_none=True)
    recorded_by = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class FollowUpList(Schema):
    items = fields.List(fields.Nested(FollowUpOut))
    months_employed = fields.Integer()
    tracking_status = fields.String()
    next_follow_up = fields.Date(allow_none=True)
    overdue_follow_ups = fields.List(fields.Nested(DueOut))


class OverdueQuery(PageQuery):
    county = fields.String()
    as_of = fields.Date(metadata={"description": "Default: today (China Standard Time)"})


class OverdueOut(Schema):
    placement_id = fields.Integer()
    county_code = fields.String()
    start_date = fields.Date()
    months = fields.Integer(allow_none=True)
    due = fields.Date()
    days_overdue = fields.Integer()
    last_contact = fields.Date(allow_none=True)
    worker = fields.Nested(WorkerBrief)
