"""/api/v1/regions and /api/v1/pairings — GB/T 2260 reference data and 结对 pairings."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from api.http import Blueprint
from api import db
from api.auth import roles
from api.schemas.common import StrictSchema, one_of
from models.reference.regions import LEVELS, Pairing, Region

blp = Blueprint("regions", __name__, url_prefix="/api/v1",
                description="Regions (GB/T 2260) and Beijing–Inner Mongolia pairings")
ANY_ROLE = ("admin", "bureau", "employer", "fair")


class RegionOut(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()
    parent_code = fields.String(allow_none=True)


class RegionQuery(StrictSchema):
    province = fields.String(validate=validate.Regexp(r"^\d{2}$"))
    level = fields.String(validate=one_of(LEVELS))
    parent = fields.String()


class PairingOut(Schema):
    id = fields.Integer()
    district_code = fields.String()
    district_name = fields.String()
    county_code = fields.String()
    county_name = fields.String()
    since = fields.Date(allow_none=True)
    until = fields.Date(allow_none=True)


class PairingQuery(StrictSchema):
    county = fields.String()
    district = fields.String()


@blp.route("/regions")
class Regions(MethodView):
    @roles(*ANY_ROLE)
    @blp.arguments(RegionQuery, location="query")
    @blp.response(200, RegionOut(many=True))
    def get(self, args: dict[str, Any]):
        """Regions, filtered by province prefix, level or parent."""
        stmt = select(Region).order_by(Region.code)
        if "province" in args:
            stmt = stmt.where(Region.code.startswith(args["province"]))
        if "level" in args:
            stmt = stmt.where(Region.level == args["level"])
        if "parent" in args:
            stmt = stmt.where(Region.parent_code == args["parent"])
        return db.session().scalars(stmt).all()


@blp.route("/pairings")
class Pairings(MethodView):
    @roles(*ANY_ROLE)
    @blp.arguments(PairingQuery, location="query")
    @blp.response(200, PairingOut(many=True))
    def get(self, args: dict[str, Any]):
        """Beijing district ↔ Inner Mongolia county pairings."""
        session = db.session()
        stmt = select(Pairing).order_by(Pairing.district_code, Pairing.county_code)
        if "county" in args:
            stmt = stmt.where(Pairing.county_code == args["county"])
        if "district" in args:
            stmt = stmt.where(Pairing.district_code == args["district"])
        names = dict(session.execute(select(Region.code, Region.name)).all())
        return [
            {"id": p.id, "district_code": p.district_code, "district_name": names.get(p.district_code),
             "county_code": p.county_code, "county_name": names.get(p.county_code),
             "since": p.since, "until": p.until}
            for p in session.scalars(stmt)
        ]
