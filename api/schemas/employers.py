"""Employer requests and responses."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from api.schemas.common import PageQuery, StrictSchema, rule, text
from models.employers import rules as employer_rules
from models.reference import region_codes


class EmployerBase(StrictSchema):
    name = text(128)
    district_code = fields.String(required=True, validate=rule(region_codes.check_beijing_district))
    industry = text(64)
    contact_name = text(64)
    contact_phone = fields.String(required=True, validate=rule(employer_rules.check_contact_phone))


class EmployerCreateSchema(EmployerBase):
    uscc = fields.String(required=True, validate=rule(employer_rules.check_uscc))
    verified = fields.Boolean(load_default=False, metadata={"description": "Administrators only"})


class EmployerPatchSchema(EmployerBase):
    verified = fields.Boolean(metadata={"description": "Administrators only"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, partial=True, **kwargs)


class EmployerOut(Schema):
    id = fields.Integer()
    name = fields.String()
    uscc = fields.String()
    district_code = fields.String()
    district_name = fields.String()
    industry = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String(metadata={"description": "Masked except for the employer and admins"})
    verified = fields.Boolean()
    created_at = fields.DateTime()


class EmployerQuery(PageQuery):
    district = fields.String()
    verified = fields.Boolean()
