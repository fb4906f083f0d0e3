"""Posting requests and responses."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from api.schemas.common import PageQuery, StrictSchema, code_list, enum_list, one_of, refused, rule, text
from models import clock
from matching.profiles import EDUCATION_LEVELS, LANGUAGES, MIN_WORKING_AGE, POSTING_STATUSES, STATUTORY_MAX_AGE
from models.errors import RuleViolation
from models.postings import rules as posting_rules
from models.reference import region_codes



class RequiredSkillSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    min_level = fields.Integer(load_default=1, validate=validate.Range(min=1, max=5))
    certificate_required = fields.Boolean(load_default=False)


class PostingBase(StrictSchema):
    title = text(128)
    description = fields.String(validate=validate.Length(max=4000), allow_none=True)
    address = text(256)
    openings = fields.Integer(required=True, validate=validate.Range(min=1, max=10_000))
    wage_min = fields.Integer(required=True, validate=validate.Range(min=1, max=200_000))
    wage_max = fields.Integer(required=True, validate=validate.Range(min=1, max=200_000))
    provides_dormitory = fields.Boolean(load_default=False)
    provides_meals = fields.Boolean(load_default=False)
    social_insurance = fields.Boolean(load_default=True)
    age_min = fields.Integer(load_default=18)
    age_max = fields.Integer(load_default=55)
    education_min = fields.String(load_default="none", validate=one_of(EDUCATION_LEVELS))
    required_skills = fields.List(fields.Nested(RequiredSkillSchema), load_default=list,
                                  validate=validate.Length(max=20))
    preferred_skills = code_list(load_default=list)
    languages = enum_list(LANGUAGES, load_default=list)
    contract_months = fields.Integer(load_default=12, validate=validate.Range(min=1, max=120))
    start_date = fields.Date(load_default=clock.today)
    expires_on = fields.Date(required=True)

    gender = refused(posting_rules.GENDER_LAW_MESSAGE)
    sex = refused(posting_rules.GENDER_LAW_MESSAGE)
    gender_preference = refused(posting_rules.GENDER_LAW_MESSAGE)

    @validates("title")
    def _title_neutral(self, value: str, **_: Any) -> None:
        rule(posting_rules.check_lawful_wording)(value)

    @validates("description")
    def _description_neutral(self, value: str | None, **_: Any) -> None:
        rule(posting_rules.check_lawful_wording)(value)

    @validates("expires_on")
    def _expires_later(self, value: Any, **_: Any) -> None:
        if value <= clock.today():
            raise ValidationError("截止日期须晚于今天 / expires_on must be after today")

    @validates_schema
    def _ranges(self, data: dict[str, Any], partial: Any = None, **_: Any) -> None:
        if "wage_min" in data and "wage_max" in data:
            try:
                posting_rules.check_wage_range(data["wage_min"], data["wage_max"])
            except RuleViolation as exc:
                raise ValidationError(str(exc), field_name="wage_min") from None
        if "age_min" in data or "age_max" in data:
            lo, hi = data.get("age_min", 18), data.get("age_max", 55)
            errors: dict[str, str] = {}
            if lo < MIN_WORKING_AGE:
                errors["age_min"] = f"最低年龄不得小于{MIN_WORKING_AGE} / age_min must be at least {MIN_WORKING_AGE}"
            if hi > STATUTORY_MAX_AGE:
                errors["age_max"] = (f"最高年龄不得超过法定退休年龄{STATUTORY_MAX_AGE} / "
                                     f"age_max must not exceed the statutory limit {STATUTORY_MAX_AGE}")
            if lo > hi:
                errors.setdefault("age_min", "最低年龄不得大于最高年龄 / age_min must not exceed age_max")
            if errors:
                raise ValidationError(errors)
        codes = [s["code"] for s in data.get("required_skills", []) if isinstance(s, dict) and "code" in s]
        if len(codes) != len(set(codes)):
            raise ValidationError("技能重复 / A skill is listed twice", field_name="required_skills")


class PostingCreateSchema(PostingBase):
    employer_id = fields.Integer(metadata={"description": "Required for administrators; an employer posts for itself"})
    occupation_code = fields.String(required=True, validate=validate.Length(min=1, max=16))
    district_code = fields.String(required=True, validate=rule(region_codes.check_workplace))


class PostingPatchSchema(PostingBase):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class RequiredSkillOut(Schema):
    code = fields.String()
    min_level = fields.Integer()
    certificate_required = fields.Boolean()


class PostingOut(Schema):
    id = fields.Integer()
    employer_id = fields.Integer()
    employer_name = fields.String()
    title = fields.String()
    description = fields.String(allow_none=True)
    occupation_code = fields.String()
    district_code = fields.String()
    district_name = fields.String()
    address = fields.String()
    openings = fields.Integer()
    openings_left = fields.Integer()
    wage_min = fields.Integer()
    wage_max = fields.Integer()
    provides_dormitory = fields.Boolean()
    provides_meals = fields.Boolean()
    social_insurance = fields.Boolean()
    age_min = fields.Integer()
    age_max = fields.Integer()
    education_min = fields.String()
    required_skills = fields.List(fields.Nested(RequiredSkillOut))
    preferred_skills = fields.List(fields.String())
    languages = fields.List(fields.String())
    contract_months = fields.Integer()
    start_date = fields.Date()
    expires_on = fields.Date()
    status = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class PostingQuery(PageQuery):
    status = fields.String(validate=one_of(POSTING_STATUSES))
    occupation = fields.String()
    district = fields.String()
    employer_id = fields.Integer()
    county = fields.String(metadata={"description": "Postings in the county's paired Beijing districts or in the county"})
