"""/api/v1/postings — job postings with headcounts."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import Select, or_, select

from api import auth, db
from api.auth import roles
from api.http import Blueprint, created, idempotent, page_schema, paginate, require_if_match, with_etag
from api.schemas.postings import PostingCreateSchema, PostingOut, PostingPatchSchema, PostingQuery
from flask import current_app
from models.employers import service as employer_service
from models.reference import gbt2260
from models.postings import service as posting_service
from models.postings.tables import Posting
from models.reference.regions import Pairing

blp = Blueprint("postings", __name__, url_prefix="/api/v1/postings",
                description="Job postings (招聘岗位) with headcounts")


def load_posting(posting_id: int) -> Posting:
    posting = db.session().get(Posting, posting_id)
    principal = auth.current()
    if posting is None or not principal.sees_employer(posting.employer_id):
        abort(404)
    return posting


def require_owner(posting: Posting) -> None:
    if not auth.current().owns_employer(posting.employer_id):
        abort(403)


def present(posting: Posting) -> dict[str, Any]:
    out = {c.key: getattr(posting, c.key) for c in Posting.__table__.columns if c.key != "version"}
    out["employer_name"] = posting.employer.name
    out["district_name"] = gbt2260.region_name(posting.district_code)
    return out


def list_query(args: dict[str, Any]) -> Select:
    """The postings the caller may list, filtered; shared by the list and the export."""
    stmt = auth.scope_by_employer(select(Posting).order_by(Posting.id), Posting.employer_id)
    if "employer_id" in args:
        stmt = stmt.where(Posting.employer_id == args["employer_id"])
    if "status" in args:
        stmt = stmt.where(Posting.status == args["status"])
    if "occupation" in args:
        stmt = stmt.where(Posting.occupation_code == args["occupation"])
    if "district" in args:
        stmt = stmt.where(Posting.district_code == args["district"])
    if "county" in args:
        paired = select(Pairing.district_code).where(Pairing.county_code == args["county"])
        stmt = stmt.where(or_(Posting.district_code == args["county"], Posting.district_code.in_(paired)))
    return stmt


@blp.route("")
class Postings(MethodView):
    @roles("admin", "bureau", "employer", "fair")
    @blp.arguments(PostingQuery, location="query")
    @blp.response(200, page_schema(PostingOut, "PostingPage"))
    def get(self, args: dict[str, Any]):
        """List postings (filters: status, occupation, district, county; employers see their own)."""
        page = paginate(list_query(args), args["page"], args["page_size"])
        page["items"] = [present(p) for p in page["items"]]
        return page

    @roles("admin", "employer")
    @idempotent
    @blp.arguments(PostingCreateSchema)
    @blp.response(201, PostingOut)
    def post(self, data: dict[str, Any]):
        """Create a posting. Gender restrictions or preferences are refused (就业促进法)."""
        principal, session = auth.current(), db.session()
        employer_id = principal.acting_employer(data.get("employer_id"))
        if employer_id is None:
            abort(422, errors={"json": {"employer_id": ["必填字段 / Missing data for required field."]}})
        if not principal.owns_employer(employer_id):
            abort(403, message="只能为本单位发布岗位 / You may post for your own employer only")
        employer_service.require_employer(session=session, employer_id=employer_id)
        posting_service.check_content(session=session, data=data,
                                      minimum_wage=current_app.config["BEIJING_MIN_WAGE"])
        posting = posting_service.create_posting(session=session, employer_id=employer_id, data=data)
        auth.audit("posting.create", "posting", posting.id)
        return created(present(posting), posting, f"/api/v1/postings/{posting.id}")


@blp.route("/<int:posting_id>")
class PostingItem(MethodView):
    @roles("admin", "bureau", "employer", "fair")
    @blp.response(200, PostingOut)
    def get(self, posting_id: int):
        """One posting."""
        posting = load_posting(posting_id)
        return with_etag(present(posting), posting)

    @roles("admin", "employer")
    @blp.arguments(PostingPatchSchema)
    @blp.response(200, PostingOut)
    @blp.alt_response(412, description="Stale If-Match")
    @blp.alt_response(428, description="If-Match missing")
    def patch(self, data: dict[str, Any], posting_id: int):
        """Edit a posting; send the ETag you read in `If-Match`."""
        posting = load_posting(posting_id)
        require_owner(posting)
        require_if_match(posting)
        posting_service.update_posting(session=db.session(), posting=posting, data=data,
                                       minimum_wage=current_app.config["BEIJING_MIN_WAGE"])
        auth.audit("posting.update", "posting", posting.id, fields=sorted(data))
        return with_etag(present(posting), posting)


@blp.route("/<int:posting_id>/close")
class PostingClose(MethodView):
    @roles("admin", "employer")
    @blp.response(200, PostingOut)
    def post(self, posting_id: int):
        """Close a posting to new referrals (open or filled → closed)."""
        posting = load_posting(posting_id)
        require_owner(posting)
        posting_service.close_posting(session=db.session(), posting=posting)
        auth.audit("posting.close", "posting", posting.id)
        return with_etag(present(posting), posting)
