"""Subsidy policies, eligibility results and claims (补贴政策与申领)."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.schemas.common import PageQuery, StrictSchema, enum_list, one_of, rule, text
from models.reference import region_codes
from models.subsidies import rules as sr
from models.subsidies.tables import CLAIM_STATES

MAX_FEN = 10_000_000  # 100,000 yuan: far above any published per-person subsidy
KEY = validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,63}$",
                      error="须为小写字母、数字和连字符 / Lowercase letters, digits and hyphens only")
FEN = dict(strict=True, validate=validate.Range(min=1, max=MAX_FEN))


class AmountSchema(StrictSchema):
    kind = fields.String(required=True, validate=one_of(sr.AMOUNT_KINDS))
    fen = fields.Integer(**FEN)
    fen_per_month = fields.Integer(**FEN)
    max_months = fields.Integer(strict=True, validate=validate.Range(min=1, max=60))
    tiers = fields.Dict(keys=fields.String(validate=one_of(sr.TIERS)), values=fields.Integer(**FEN),
                        validate=validate.Length(min=1))

    @validates_schema
    def _kind_fields(self, data: dict[str, Any], **_: Any) -> None:
        needed = {"fixed": ("fen",), "per_month": ("fen_per_month", "max_months"), "by_tier": ("tiers",)}
        kind = data.get("kind")
        errors = {f: ["金额类型需要此字段 / Required for this amount kind"]
                  for f in needed.get(kind, ()) if f not in data}
        errors |= {f: ["金额类型不使用此字段 / Not used by this amount kind"]
                   for f in ("fen", "fen_per_month", "max_months", "tiers")
                   if f in data and f not in needed.get(kind, ())}
        if errors:
            raise ValidationError(errors)


class PolicyRulesSchema(StrictSchema):
    """The declarative part of a policy; every condition is optional except the group."""

    eligible_groups = enum_list(sr.GROUPS, min_items=1, required=True)
    destination_tiers = enum_list(sr.TIERS, min_items=1)
    min_continuous_months = fields.Integer(strict=True, validate=validate.Range(min=0, max=120))
    min_months_with_employer = fields.Integer(strict=True, validate=validate.Range(min=0, max=120))
    min_monthly_wage_fen = fields.Integer(**FEN)
    social_insurance_required = fields.Boolean()
    min_social_insurance_months = fields.Integer(strict=True, validate=validate.Range(min=0, max=120))
    min_contract_months = fields.Integer(strict=True, validate=validate.Range(min=0, max=120))
    limit = fields.String(required=True, validate=one_of(sr.LIMITS))
    amount = fields.Nested(AmountSchema, required=True)
    payee = fields.String(required=True, validate=one_of(sr.PAYEES))
    evidence_any_of = enum_list(sr.EVIDENCE, min_items=1, required=True)

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        if errors := sr.consistency_errors(data):
            raise ValidationError(errors)


class _PolicyFields(StrictSchema):
    name = text(128)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(allow_none=True)
    enabled = fields.Boolean(load_default=False)

    @validates_schema
    def _period(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("valid_to") and data.get("valid_from") and data["valid_to"] < data["valid_from"]:
            raise ValidationError({"valid_to": ["结束日期不得早于开始日期 / Must not be before valid_from"]})


class PolicyCreateSchema(_PolicyFields):
    """A county policy: either full ``rules`` or a ``template`` key to copy them from."""

    key = fields.String(validate=KEY)
    county_code = fields.String(required=True, validate=rule(region_codes.check_county))
    template = fields.String(validate=KEY)
    rules = fields.Nested(PolicyRulesSchema)
    name = text(128, required=False)

    @validates_schema
    def _source(self, data: dict[str, Any], **_: Any) -> None:
        if ("rules" in data) == ("template" in data):
            raise ValidationError({"rules": ["须提供 rules 或 template 之一 / Send either rules or template"]})
        if "rules" in data and "name" not in data:
            raise ValidationError({"name": ["必填字段 / Missing data for required field."]})


class PolicyPatchSchema(StrictSchema):
    """Any change creates the next version; the county and key never change."""

    name = text(128, required=False)
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    enabled = fields.Boolean()
    rules = fields.Nested(PolicyRulesSchema)


class TemplateSchema(StrictSchema):
    """One entry of seed/data/subsidy_templates.yaml."""

    key = fields.String(required=True, validate=KEY)
    name = text(128)
    valid_from = fields.Date(required=True)
    rules = fields.Nested(PolicyRulesSchema, required=True)


class PolicyQuery(PageQuery):
    county = fields.String()
    key = fields.String()
    all_versions = fields.Boolean(load_default=False)
    enabled = fields.Boolean()


class PolicyOut(Schema):
    id = fields.Integer()
    key = fields.String()
    version = fields.Integer()
    is_current = fields.Boolean()
    is_template = fields.Boolean()
    name = fields.String()
    county_code = fields.String(allow_none=True)
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True)
    enabled = fields.Boolean()
    rules = fields.Dict()
    template_key = fields.String(allow_none=True)
    created_at = fields.DateTime()
    superseded_at = fields.DateTime(allow_none=True)


class ConditionOut(Schema):
    condition = fields.String()
    label = fields.String()
    met = fields.Boolean()
    required = fields.Raw()
    actual = fields.Raw()


class EligibilityItem(Schema):
    placement_id = fields.Integer()
    policy_id = fields.Integer()
    policy_key = fields.String()
    policy_version = fields.Integer()
    policy_name = fields.String()
    eligible = fields.Boolean()
    amount_fen = fields.Integer()
    payee = fields.String()
    period_key = fields.String()
    qualified_on = fields.Date(allow_none=True)
    missing = fields.List(fields.String())
    conditions = fields.List(fields.Nested(ConditionOut))
    evidence_accepted = fields.List(fields.String())
    claim_id = fields.Integer(allow_none=True)
    claim_state = fields.String(allow_none=True)


class EligibilityOut(Schema):
    worker_id = fields.Integer()
    as_of = fields.Date()
    items = fields.List(fields.Nested(EligibilityItem))


class ClaimQuery(PageQuery):
    county = fields.String()
    state = fields.String(validate=one_of(CLAIM_STATES))
    policy = fields.String(metadata={"description": "policy key"})
    period = fields.String()
    worker_id = fields.Integer()


class ClaimOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    worker_name = fields.String()
    placement_id = fields.Integer()
    employer_id = fields.Integer(allow_none=True)
    county_code = fields.String()
    policy_id = fields.Integer()
    policy_key = fields.String()
    policy_version = fields.Integer()
    policy_name = fields.String()
    period_key = fields.String()
    state = fields.String()
    amount_fen = fields.Integer()
    payee = fields.String()
    conditions = fields.List(fields.Nested(ConditionOut))
    evidence_accepted = fields.List(fields.String())
    evidence_seen = fields.List(fields.String())
    qualified_on = fields.Date(allow_none=True)
    decided_by = fields.Integer(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    paid_at = fields.DateTime(allow_none=True)
    payment_note = fields.String(allow_none=True)
    created_at = fields.DateTime()


class DecisionSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    evidence_seen = enum_list(sr.EVIDENCE)


class ReasonSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))
