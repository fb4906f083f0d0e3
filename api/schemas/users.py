"""Console accounts as a form or request body; the rules are in ``models.access.accounts``."""
from __future__ import annotations

from marshmallow import fields, validate

from api.schemas.common import StrictSchema, one_of, text
from models.access.tables import ROLES


class UserCreateSchema(StrictSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = text(64, required=False)
    role = fields.String(required=True, validate=one_of(ROLES))
    counties = fields.List(fields.String(validate=validate.Length(min=6, max=6)), load_default=list,
                           validate=validate.Length(max=200))
    employer_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    fair_ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)), load_default=list,
                           validate=validate.Length(max=200))
