"""Worker requests and responses."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates, validates_schema

from api.schemas.common import (DERIVED_FROM_ID, PageQuery, StrictSchema, code_list, enum_list, one_of, refused,
                                rule, text)
from models import clock
from models.errors import RuleViolation
from models.reference import region_codes
from models.workers import rules as worker_rules
from matching.profiles import DESTINATIONS, EDUCATION_LEVELS, LANGUAGES, POVERTY_STATUSES, WORKER_STATUSES


class WorkerSkillSchema(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    level = fields.Integer(load_default=1, validate=validate.Range(min=1, max=5))
    certified = fields.Boolean(load_default=False)


MAX_EXPERIENCE_YEARS = 50


class WorkExperienceSchema(StrictSchema):
    """Declared experience in one occupation (从业经历): years, to one decimal."""

    occupation_code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    years = fields.Float(required=True, allow_nan=False, validate=validate.Range(
        min=0, max=MAX_EXPERIENCE_YEARS, min_inclusive=False,
        error="从业年限须大于0且不超过50年 / Years must be above 0 and at most 50"))

    @validates("years")
    def _one_decimal(self, value: float, **_: Any) -> None:
        if round(value, 1) != value:
            raise ValidationError("从业年限最多一位小数 / Years take at most one decimal (e.g. 1.5)")


def _check_available_from(value: date) -> None:
    today = clock.today()
    if value < date(2000, 1, 1) or value > today + timedelta(days=730):
        raise ValidationError("日期须在2000年之后、两年之内 / Must be after 2000 and within two years")


class WorkerBase(StrictSchema):
    birth_date = refused(DERIVED_FROM_ID)
    sex = refused(DERIVED_FROM_ID)
    gender = refused(DERIVED_FROM_ID)
    age = refused(DERIVED_FROM_ID)
    name = text(64)
    phone = fields.String(required=True, validate=rule(worker_rules.check_phone))
    county_code = fields.String(required=True, validate=rule(region_codes.check_county))
    township = text(64, required=False, allow_none=True)
    village = text(64, required=False, allow_none=True)
    poverty_status = fields.String(required=True, validate=one_of(POVERTY_STATUSES))
    ethnicity = text(16, required=False, allow_none=True)
    languages = enum_list(LANGUAGES, min_items=1, load_default=lambda: ["zh"])
    education = fields.String(required=True, validate=one_of(EDUCATION_LEVELS))
    skills = fields.List(fields.Nested(WorkerSkillSchema), load_default=list,
                         validate=validate.Length(max=30))
    preferred_occupations = code_list(load_default=list)
    work_experience = fields.List(fields.Nested(WorkExperienceSchema), load_default=list,
                                  validate=validate.Length(max=20), metadata={
                                      "description": "Declared experience per occupation (optional); matching "
                                                     "counts it like the experience recorded as placements"})
    destinations = enum_list(DESTINATIONS, min_items=1, required=True)
    expected_monthly_wage = fields.Integer(required=True, validate=validate.Range(
        min=1, max=100_000, error="期望月薪须为1至100000元 / Must be between 1 and 100000 yuan"))
    needs_dormitory = fields.Boolean(load_default=False)
    available_from = fields.Date(load_default=clock.today, validate=_check_available_from)
    status = fields.String(load_default="seeking", validate=one_of(WORKER_STATUSES))
    training_wish = fields.String(allow_none=True, validate=one_of(worker_rules.TRAINING_WISHES), metadata={
        "description": "培训意愿: yes / no / undecided; derived from `training_wish_text` when only that is sent"})
    training_wish_text = fields.String(allow_none=True, validate=validate.Length(max=128), metadata={
        "description": "培训意愿 in the roster's own words (e.g. 电焊培训), kept as written"})
    remark = fields.String(allow_none=True, validate=validate.Length(max=500), metadata={
        "description": "备注: the bureau's note"})

    @post_load
    def _training_wish_from_text(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data.get("training_wish_text") and "training_wish" not in data:
            data["training_wish"] = worker_rules.training_wish_of(data["training_wish_text"])
        return data

    @validates("skills")
    def _unique_skills(self, value: list[dict[str, Any]], **_: Any) -> None:
        # Items with errors are reported by the nested schema already; check the rest.
        codes = [s["code"] for s in value if isinstance(s, dict) and "code" in s]
        if len(codes) != len(set(codes)):
            raise ValidationError("技能重复 / A skill is listed twice")

    @validates("work_experience")
    def _unique_occupations(self, value: list[dict[str, Any]], **_: Any) -> None:
        codes = [e["occupation_code"] for e in value if isinstance(e, dict) and "occupation_code" in e]
        if len(codes) != len(set(codes)):
            raise ValidationError("工种重复 / An occupation is listed twice")


class WorkerCreateSchema(WorkerBase):
    id_number = fields.String(required=True)

    @validates_schema(skip_on_field_errors=False)  # a bad ID is reported with the row's other errors
    def _check_id(self, data: dict[str, Any], **_: Any) -> None:
        if "id_number" not in data:
            return
        today = clock.today()
        try:
            _number, birth, _sex = worker_rules.check_id_number(data["id_number"], today=today)
            worker_rules.check_working_age(birth, today=today)
        except RuleViolation as exc:
            raise ValidationError(str(exc), field_name="id_number") from None


class RosterWorkerSchema(WorkerCreateSchema):
    """A row of a county roster (花名册) as kept: only 姓名 and 身份证号 are required. The county
    is filled in by the import (the bureau's one county, else the ID's region) before loading;
    what matching needs but the roster lacks is left empty and the worker is registered with
    ``profile_complete: false`` (``models.workers.service.MATCHING_FIELDS``)."""

    phone = fields.String(validate=rule(worker_rules.check_phone))
    poverty_status = fields.String(validate=one_of(POVERTY_STATUSES))
    education = fields.String(validate=one_of(EDUCATION_LEVELS))
    destinations = enum_list(DESTINATIONS, min_items=1)
    expected_monthly_wage = fields.Integer(validate=validate.Range(
        min=1, max=100_000, error="期望月薪须为1至100000元 / Must be between 1 and 100000 yuan"))


class WorkerPatchSchema(WorkerBase):
    """Every field optional; the ID number is fixed once registered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class SkillOut(Schema):
    code = fields.String()
    level = fields.Integer()
    certified = fields.Boolean()


class IdRegionOut(Schema):
    """Where the ID number was issued: its region code read in GB/T 2260, retired codes resolved."""

    code = fields.String(metadata={"description": "The ID number's first six digits"})
    name = fields.String(metadata={"description": "Its name in GB/T 2260 (the historical name of a retired code)"})
    level = fields.String(metadata={"description": "county or prefecture"})
    current = fields.Boolean(metadata={"description": "Whether the code is still in force"})
    current_code = fields.String(allow_none=True, metadata={
        "description": "The current county that took it over (152624 → 150921); null when not unambiguous"})
    current_name = fields.String(allow_none=True)


class WorkExperienceOut(Schema):
    occupation_code = fields.String()
    years = fields.Float()


class WorkerOut(Schema):
    id = fields.Integer()
    name = fields.String()
    id_number = fields.String(allow_none=True, metadata={
        "description": "Masked unless revealed (?reveal=true); null once the worker is erased"})
    phone = fields.String(allow_none=True, metadata={
        "description": "Masked unless revealed (?reveal=true); null once the worker is erased"})
    revealed = fields.Boolean()
    id_region = fields.Nested(IdRegionOut, allow_none=True, metadata={
        "description": "Where the ID number was issued (also in the masked view); null once erased"})
    age = fields.Integer(allow_none=True)
    sex = fields.String(allow_none=True)
    county_code = fields.String()
    county_name = fields.String()
    township = fields.String(allow_none=True)
    village = fields.String(allow_none=True)
    poverty_status = fields.String(allow_none=True)
    ethnicity = fields.String(allow_none=True)
    languages = fields.List(fields.String())
    education = fields.String(allow_none=True)
    skills = fields.List(fields.Nested(SkillOut))
    preferred_occupations = fields.List(fields.String())
    work_experience = fields.List(fields.Nested(WorkExperienceOut))
    destinations = fields.List(fields.String())
    expected_monthly_wage = fields.Integer(allow_none=True)
    needs_dormitory = fields.Boolean()
    available_from = fields.Date()
    status = fields.String()
    training_wish = fields.String(allow_none=True, metadata={"description": "培训意愿: yes / no / undecided"})
    training_wish_text = fields.String(allow_none=True, metadata={"description": "培训意愿 as written"})
    remark = fields.String(allow_none=True, metadata={"description": "备注"})
    profile_complete = fields.Boolean(metadata={
        "description": "False while a field matching needs is missing: the worker is not ranked, "
                       "recommended or referred until the profile is completed (PATCH)"})
    missing_fields = fields.List(fields.String(), metadata={"description": "What is still missing"})
    erased = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class WorkerQuery(PageQuery):
    county = fields.String()
    status = fields.String(validate=one_of(WORKER_STATUSES))
    poverty_status = fields.String(validate=one_of(POVERTY_STATUSES))
    occupation = fields.String()
    id_number = fields.String(metadata={"description": "Exact lookup through the keyed index"})
    phone = fields.String(metadata={"description": "Exact lookup through the keyed index"})
    profile_complete = fields.Boolean(metadata={
        "description": "false: the workers whose profile is still to complete (待完善), e.g. imported "
                       "from a roster without expected wage or destinations"})
    q = fields.String(validate=validate.Length(min=1, max=40), metadata={
        "description": "Find a worker: a name (exact or its beginning), a full ID number or a mobile "
                       "number, or the last 4–6 characters of the ID number (all numbers through "
                       "keyed indexes), within the caller's counties"})


class IdNumberCorrectionSchema(StrictSchema):
    """A mistyped ID number put right (``POST /api/v1/workers/{id}/id-number``)."""

    id_number = fields.String(required=True, validate=validate.Length(max=40), metadata={
        "description": "The correct 18-character ID number (checked like a registration)"})
    reason = fields.String(required=True, validate=validate.Length(
        min=4, max=500, error="请说明更正原因（4至500字） / Give the reason for the correction (4–500 characters)"),
        metadata={"description": "Why the registered number was wrong (e.g. 登记时录入错误，已核对身份证原件); audited"})


class RevealQuery(StrictSchema):
    reveal = fields.Boolean(load_default=False)
