"""/api/v1/reports — the new-employment table (新增就业) and retention (稳岗率) by county."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import abort

from api.http import Blueprint
from api import auth, db
from api.auth import roles
from api.schemas.reports import NewEmploymentOut, NewEmploymentQuery, RetentionOut, RetentionQuery
from models import clock
from models.placements import reports as report_service

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports",
                description="Published-figure reports on placements (by the county at hiring)")


def require_county(county: str) -> None:
    if not auth.current().covers_county(county):
        abort(403, message="只能查看本辖区 / You may see your own counties only")


@blp.route("/new-employment")
class NewEmployment(MethodView):
    @roles("admin", "bureau")
    @blp.arguments(NewEmploymentQuery, location="query")
    @blp.response(200, NewEmploymentOut)
    def get(self, args: dict[str, Any]):
        """新增就业 of a county in a year: total, Beijing, nearby (in_region), other — each with
        its 脱贫 count. A worker counts once, by the first placement started that year."""
        require_county(args["county"])
        return report_service.new_employment(session=db.session(), county=args["county"], year=args["year"])


@blp.route("/retention")
class Retention(MethodView):
    @roles("admin", "bureau")
    @blp.arguments(RetentionQuery, location="query")
    @blp.response(200, RetentionOut)
    def get(self, args: dict[str, Any]):
        """Share still employed 3, 6 and 12 months after start, by county, destination and
        poverty status; only placements old enough by `as_of` count in each denominator."""
        principal = auth.current()
        if "county" in args:
            require_county(args["county"])
        return report_service.retention(
            session=db.session(), counties=principal.county_scope,
            county=args.get("county"), year=args.get("year"), as_of=args.get("as_of") or clock.today())
