"""/api/v1/employers — Beijing employers (用人单位); only administrators verify them."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from api import auth, db
from api.auth import roles
from api.http import Blueprint, created, idempotent, page_schema, paginate, require_if_match, with_etag
from api.schemas.employers import EmployerCreateSchema, EmployerOut, EmployerPatchSchema, EmployerQuery
from models.reference import gbt2260
from models.employers import service as employer_service
from models.employers.tables import Employer
from models.access.pii import mask_phone

blp = Blueprint("employers", __name__, url_prefix="/api/v1/employers",
                description="Employers posting jobs (用人单位)")


def load_employer(employer_id: int) -> Employer:
    employer = db.session().get(Employer, employer_id)
    principal = auth.current()
    if employer is None or not principal.sees_employer(employer_id):
        abort(404)
    return employer


def present(employer: Employer) -> dict[str, Any]:
    phone = employer_service.contact_phone(employer, db.vault())
    if phone and not auth.current().owns_employer(employer.id):
        phone = mask_phone(phone)
    return {
        "id": employer.id, "name": employer.name, "uscc": employer.uscc,
        "district_code": employer.district_code,
        "district_name": gbt2260.region_name(employer.district_code),
        "industry": employer.industry, "contact_name": employer.contact_name,
        "contact_phone": phone, "verified": employer.verified, "created_at": employer.created_at,
    }


@blp.route("")
class Employers(MethodView):
    @roles("admin", "bureau", "employer", "fair")
    @blp.arguments(EmployerQuery, location="query")
    @blp.response(200, page_schema(EmployerOut, "EmployerPage"))
    def get(self, args: dict[str, Any]):
        """List employers (an employer sees only itself)."""
        stmt = auth.scope_by_employer(select(Employer).order_by(Employer.id), Employer.id)
        if "district" in args:
            stmt = stmt.where(Employer.district_code == args["district"])
        if "verified" in args:
            stmt = stmt.where(Employer.verified == args["verified"])
        page = paginate(stmt, args["page"], args["page_size"])
        page["items"] = [present(e) for e in page["items"]]
        return page

    @roles("admin")
    @idempotent
    @blp.arguments(EmployerCreateSchema)
    @blp.response(201, EmployerOut)
    def post(self, data: dict[str, Any]):
        """Register an employer (administrators)."""
        employer = employer_service.register_employer(session=db.session(), vault=db.vault(), data=data)
        auth.audit("employer.create", "employer", employer.id)
        return created(present(employer), employer, f"/api/v1/employers/{employer.id}")


@blp.route("/<int:employer_id>")
class EmployerItem(MethodView):
    @roles("admin", "bureau", "employer", "fair")
    @blp.response(200, EmployerOut)
    def get(self, employer_id: int):
        """One employer."""
        employer = load_employer(employer_id)
        return with_etag(present(employer), employer)

    @roles("admin", "employer")
    @blp.arguments(EmployerPatchSchema)
    @blp.response(200, EmployerOut)
    @blp.alt_response(412, description="Stale If-Match")
    @blp.alt_response(428, description="If-Match missing")
    def patch(self, data: dict[str, Any], employer_id: int):
        """Update an employer; `verified` may be set by administrators only."""
        employer = load_employer(employer_id)
        require_if_match(employer)
        if "verified" in data and not auth.current().is_admin:
            abort(403, message="只有管理员可以认证用人单位 / Only administrators verify employers")
        employer_service.update_employer(session=db.session(), vault=db.vault(), employer=employer, data=data)
        auth.audit("employer.update", "employer", employer.id, fields=sorted(data))
        return with_etag(present(employer), employer)
