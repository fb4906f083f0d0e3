"""Application (referral) requests and responses, and the worker as other parties see it."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.schemas.common import PageQuery, StrictSchema, one_of
from models.placements.tables import APPLICATION_STATES, DECLINE_REASONS, END_REASONS
from api.schemas.workers import IdRegionOut
from models.placements.service import CONTRACT_TYPES


class WorkerBrief(Schema):
    """The worker inside an application or placement: ID always masked; the phone in full
    only for the employer the worker was referred to (audited)."""

    id = fields.Integer()
    name = fields.String()
    id_number = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    phone_full = fields.Boolean(metadata={"description": "True when `phone` is not masked"})
    age = fields.Integer(allow_none=True)
    county_code = fields.String()
    county_name = fields.String()
    id_region = fields.Nested(IdRegionOut, allow_none=True, metadata={
        "description": "Where the ID number was issued; bureaus and administrators only"})


class DeclineReasonSchema(StrictSchema):
    code = fields.String(required=True, validate=one_of(DECLINE_REASONS))
    text = fields.String(validate=validate.Length(max=1000), allow_none=True)

    @validates_schema
    def _other_needs_text(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("code") == "other" and not (data.get("text") or "").strip():
            raise ValidationError("原因为“其他”时须填写说明 / Reason 'other' needs a text", field_name="text")


class EndReasonSchema(DeclineReasonSchema):
    code = fields.String(required=True, validate=one_of(END_REASONS))


class TermsSchema(StrictSchema):
    """Placement fields given when hiring (wages in yuan per month, like posting wages)."""

    start_date = fields.Date(required=True)
    monthly_wage = fields.Integer(required=True, validate=validate.Range(
        min=1, max=200_000, error="月工资须为1至200000元 / Must be between 1 and 200000 yuan"))
    contract_type = fields.String(load_default="fixed_term", validate=one_of(CONTRACT_TYPES))
    contract_months = fields.Integer(load_default=12, validate=validate.Range(min=0, max=120))
    social_insurance = fields.Boolean(load_default=True)
    dormitory = fields.Boolean(load_default=False)


class ApplicationCreateSchema(StrictSchema):
    worker_id = fields.Integer(required=True)
    posting_id = fields.Integer(required=True)


class TransitionSchema(StrictSchema):
    to = fields.String(required=True, validate=one_of(APPLICATION_STATES))
    reason = fields.Nested(DeclineReasonSchema, metadata={"description": "Required for rejected / withdrawn"})
    placement = fields.Nested(TermsSchema, metadata={"description": "Required for hired"})

    @validates_schema
    def _parts_match_target(self, data: dict[str, Any], **_: Any) -> None:
        to = data.get("to")
        if to in ("rejected", "withdrawn") and "reason" not in data:
            raise ValidationError("拒绝或退出须给出原因 / A reason is required", field_name="reason")
        if to not in ("rejected", "withdrawn") and "reason" in data:
            raise ValidationError("仅拒绝或退出需要原因 / Only rejected/withdrawn take a reason", field_name="reason")
        if to == "hired" and "placement" not in data:
            raise ValidationError("录用须填写就业信息 / Hiring needs the placement fields", field_name="placement")
        if to != "hired" and "placement" in data:
            raise ValidationError("仅录用需要就业信息 / Only hired takes placement fields", field_name="placement")


class EventOut(Schema):
    from_state = fields.String(allow_none=True)
    to_state = fields.String()
    reason_code = fields.String(allow_none=True)
    reason_text = fields.String(allow_none=True)
    actor_user_id = fields.Integer(allow_none=True)
    at = fields.DateTime()


class ApplicationOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    posting_id = fields.Integer()
    posting_title = fields.String()
    employer_id = fields.Integer()
    state = fields.String()
    source = fields.String()
    reason_code = fields.String(allow_none=True)
    reason_text = fields.String(allow_none=True)
    allowed_transitions = fields.List(fields.String())
    placement_id = fields.Integer(allow_none=True)
    worker = fields.Nested(WorkerBrief)
    events = fields.List(fields.Nested(EventOut))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ApplicationQuery(PageQuery):
    worker_id = fields.Integer()
    posting_id = fields.Integer()
    state = fields.String(validate=one_of(APPLICATION_STATES))
