"""Report queries and responses (new employment, retention)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.schemas.common import StrictSchema

YEAR = validate.Range(min=2000, max=2100)


class NewEmploymentQuery(StrictSchema):
    county = fields.String(required=True)
    year = fields.Integer(required=True, validate=YEAR)


class CountOut(Schema):
    count = fields.Integer()
    alleviated = fields.Integer(metadata={"description": "of whom 脱贫人口"})


class NewEmploymentOut(Schema):
    county = fields.String()
    county_name = fields.String()
    year = fields.Integer()
    total = fields.Nested(CountOut)
    beijing = fields.Nested(CountOut)
    in_region = fields.Nested(CountOut, metadata={"description": "nearby within the region (incl. home county)"})
    other = fields.Nested(CountOut)


class RetentionQuery(StrictSchema):
    county = fields.String()
    year = fields.Integer(validate=YEAR, metadata={"description": "Placements started in that year"})
    as_of = fields.Date(metadata={"description": "Default: today (China Standard Time)"})


class CellOut(Schema):
    eligible = fields.Integer(metadata={"description": "placements old enough to tell"})
    retained = fields.Integer()
    share = fields.Float(allow_none=True)


class RetentionRow(Schema):
    key = fields.String()
    name = fields.String()
    placements = fields.Integer()
    m3 = fields.Nested(CellOut)
    m6 = fields.Nested(CellOut)
    m12 = fields.Nested(CellOut)


class RetentionOut(Schema):
    as_of = fields.Date()
    county = fields.String(allow_none=True)
    year = fields.Integer(allow_none=True)
    months = fields.List(fields.Integer())
    overall = fields.Nested(RetentionRow)
    by_county = fields.List(fields.Nested(RetentionRow))
    by_destination = fields.List(fields.Nested(RetentionRow))
    by_poverty_status = fields.List(fields.Nested(RetentionRow))
