"""/api/v1/fairs — job fairs (招聘会), their postings and checked-in attendees.

Scope: admin sees every fair; a bureau the fairs its counties organise; a ``fair`` operator
only its own fairs (User.fair_ids); employers read fair details (a fair is a public event)
and handle only their own postings. A fair outside the caller's scope is a 404.
"""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import Select, String, cast, func, or_, select

from api import auth, db
from api.auth import roles
from api.http import Blueprint, created, idempotent, page_schema, paginate, require_if_match, with_etag
from api.match_view import posting_brief, worker_brief
from api.schemas.common import PageQuery
from api.schemas.fairs import (AttendeeOut, CheckInSchema, FairCreateSchema, FairOut, FairPatchSchema,
                               FairPostingIn, FairPostingOut, FairQuery)
from models import clock
from models.fairs import service as fair_service
from models.reference import gbt2260
from models.workers import service as worker_service
from models.fairs.tables import Fair, FairAttendee, FairPosting
from models.postings.tables import Posting
from models.workers.tables import Worker

blp = Blueprint("fairs", __name__, url_prefix="/api/v1/fairs",
                description="Job fairs (招聘会): postings, check-in, ranked matches, interview plans")


def may_see(fair: Fair) -> bool:
    principal = auth.current()
    if principal.is_admin or principal.role == "employer":
        return True
    if principal.role == "bureau":
        return bool(set(fair.counties or ()) & principal.counties)
    return principal.in_fair(fair.id)


def load_fair(fair_id: int) -> Fair:
    """The fair if it is in the caller's scope; 404 otherwise (no existence leak)."""
    fair = db.session().get(Fair, fair_id)
    if fair is None or not may_see(fair):
        abort(404)
    return fair


def present(fair: Fair) -> dict[str, Any]:
    session = db.session()
    out = {c.key: getattr(fair, c.key) for c in Fair.__table__.columns if c.key not in ("version", "created_by")}
    out["county_names"] = [gbt2260.region_name(c) for c in fair.counties]
    out["district_names"] = [gbt2260.region_name(d) for d in fair.districts]
    out["postings"] = session.scalar(select(func.count()).where(FairPosting.fair_id == fair.id))
    out["attendees"] = session.scalar(select(func.count()).where(FairAttendee.fair_id == fair.id))
    return out


def list_query(args: dict[str, Any]) -> Select:
    principal = auth.current()
    stmt = select(Fair).order_by(Fair.starts_on.desc(), Fair.id)
    if principal.role == "bureau":
        # JSON lists are compared as text so the same query runs on SQLite and PostgreSQL.
        stmt = stmt.where(or_(*[cast(Fair.counties, String).like(f'%"{c}"%') for c in sorted(principal.counties)]))
    elif principal.role == "fair":
        stmt = stmt.where(Fair.id.in_(sorted(principal.fair_ids)))
    if "status" in args:
        stmt = stmt.where(Fair.status == args["status"])
    return stmt


@blp.route("")
class Fairs(MethodView):
    @roles("admin", "bureau", "employer", "fair")
    @blp.arguments(FairQuery, location="query")
    @blp.response(200, page_schema(FairOut, "FairPage"))
    def get(self, args: dict[str, Any]):
        """List fairs in the caller's scope (filter: status)."""
        page = paginate(list_query(args), args["page"], args["page_size"])
        page["items"] = [present(f) for f in page["items"]]
        return page

    @roles("admin", "bureau")
    @idempotent
    @blp.arguments(FairCreateSchema)
    @blp.response(201, FairOut)
    def post(self, data: dict[str, Any]):
        """Create a fair (status planned); a bureau only for its own counties."""
        principal = auth.current()
        if not all(principal.covers_county(c) for c in data["counties"]):
            abort(403, message="只能为本县（旗）举办招聘会 / You may organise fairs for your own counties only")
        fair = fair_service.create_fair(session=db.session(), data=data, created_by=principal.user_id)
        auth.audit("fair.create", "fair", fair.id)
        return created(present(fair), fair, f"/api/v1/fairs/{fair.id}")


@blp.route("/<int:fair_id>")
class FairItem(MethodView):
    @roles("admin", "bureau", "employer", "fair")
    @blp.response(200, FairOut)
    def get(self, fair_id: int):
        """One fair."""
        fair = load_fair(fair_id)
        return with_etag(present(fair), fair)

    @roles("admin", "bureau", "fair")
    @blp.arguments(FairPatchSchema)
    @blp.response(200, FairOut)
    @blp.alt_response(409, description="Status transition not allowed")
    @blp.alt_response(412, description="Stale If-Match")
    @blp.alt_response(428, description="If-Match missing")
    def patch(self, data: dict[str, Any], fair_id: int):
        """Edit a fair or move its status (planned → open → closed); send the ETag in `If-Match`."""
        fair = load_fair(fair_id)
        require_if_match(fair)
        fair_service.update_fair(session=db.session(), fair=fair, data=data)
        auth.audit("fair.update", "fair", fair.id, fields=sorted(data))
        return with_etag(present(fair), fair)


def present_fair_posting(row: FairPosting, posting: Posting) -> dict[str, Any]:
    return {**posting_brief(posting), "slots": row.slots, "openings": posting.openings,
            "added_at": row.created_at}


@blp.route("/<int:fair_id>/postings")
class FairPostings(MethodView):
    @roles("admin", "bureau", "employer", "fair")
    @blp.response(200, FairPostingOut(many=True))
    def get(self, fair_id: int):
        """The fair's postings with their interview slots; employers see their own only."""
        fair = load_fair(fair_id)
        return [present_fair_posting(r, p) for r, p in fair_service.postings_of(
            db.session(), fair.id, employer_id=auth.current().employer_scope)]

    @roles("admin", "employer", "fair")
    @idempotent
    @blp.arguments(FairPostingIn)
    @blp.response(201, FairPostingOut)
    @blp.alt_response(409, description="The fair is closed")
    def post(self, data: dict[str, Any], fair_id: int):
        """Add a posting (employers: their own) with interview slots (default 2 × openings left).

        Adding a posting that is already there sets its slots again (200)."""
        fair = load_fair(fair_id)
        principal = auth.current()
        posting = db.session().get(Posting, data["posting_id"])
        if posting is None or not principal.sees_employer(posting.employer_id):
            abort(422, errors={"json": {"posting_id": ["岗位不存在 / No such posting"]}})
        row, created = fair_service.add_posting(session=db.session(), fair=fair, posting=posting,
                                                slots=data.get("slots"), added_by=principal.user_id)
        auth.audit("fair.posting.add", "fair", fair.id, posting_id=posting.id, slots=row.slots)
        return present_fair_posting(row, posting), 201 if created else 200


def present_attendee(row: FairAttendee, worker: Worker, *, registered_now: bool = False,
                     phone_updated: bool = False, not_applied: list[str] | None = None) -> dict[str, Any]:
    return {**worker_brief(worker, db.vault(), employer_view=False), "worker_id": worker.id,
            "walk_in": row.walk_in, "registered_now": registered_now, "checked_in_at": row.checked_in_at,
            "phone_updated": phone_updated, "details_not_applied": not_applied or []}


def find_attendee_worker(fair: Fair, data: dict[str, Any]) -> tuple[Worker, bool, dict[str, Any]]:
    """The worker to check in, whether a walk-in was registered now, and what a repeated
    registration changed (422/403 on failure). Workers of other counties than the fair's
    organising ones answer exactly like unknown ones."""
    session, vault = db.session(), db.vault()
    if "worker_id" in data:
        worker = session.get(Worker, data["worker_id"])
        if worker is None or not fair_service.admits(fair, worker):
            abort(422, errors={"json": {"worker_id": ["劳动力不存在 / No such worker"]}})
        return worker, False, {}
    if "id_number" in data:
        worker = worker_service.find_registered(session=session, vault=vault, id_number=data["id_number"],
                                                today=clock.today())
        if not fair_service.admits(fair, worker):
            raise worker_service.not_registered()
        return worker, False, {}
    registration = data["worker"]
    if registration["county_code"] not in fair.counties:
        abort(403, message="现场登记仅限本招聘会主办旗县的劳动力 / Walk-ins may be registered only "
                           "for the fair's organising counties")
    existing = worker_service.find_by_id_number(session=session, vault=vault, id_number=registration["id_number"])
    if existing is not None:
        if not fair_service.admits(fair, existing):
            abort(422, errors={"json": {"worker": {"id_number": [
                "此人不能在本场登记，请到其登记旗县的就业部门办理 / This person cannot be registered at this "
                "fair; the bureau of the county where they are registered can help"]}}})
        updated, differing = worker_service.refresh_from_walk_in(session=session, vault=vault, worker=existing,
                                                                 data=registration)
        if updated:
            auth.audit("worker.update", "worker", existing.id, via="fair", fair_id=fair.id, fields=["phone"])
        return existing, False, {"phone_updated": updated, "not_applied": differing}
    worker = worker_service.register_worker(session=session, vault=vault, data=registration, today=clock.today(),
                                            created_by=auth.current().user_id, under="worker")
    auth.audit("worker.create", "worker", worker.id, via="fair", fair_id=fair.id)
    return worker, True, {}


@blp.route("/<int:fair_id>/attendees")
class FairAttendees(MethodView):
    @roles("admin", "bureau", "fair")
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_schema(AttendeeOut, "AttendeePage"))
    def get(self, args: dict[str, Any], fair_id: int):
        """Checked-in attendees (masked)."""
        fair = load_fair(fair_id)
        stmt = (select(FairAttendee).where(FairAttendee.fair_id == fair.id).order_by(FairAttendee.id))
        page = paginate(stmt, args["page"], args["page_size"])
        session = db.session()
        page["items"] = [present_attendee(a, session.get(Worker, a.worker_id)) for a in page["items"]]
        return page

    @roles("admin", "fair")
    @idempotent
    @blp.arguments(CheckInSchema)
    @blp.response(201, AttendeeOut)
    @blp.alt_response(409, description="The fair is not open")
    def post(self, data: dict[str, Any], fair_id: int):
        """Check an attendee in by `worker_id`, by `id_number`, or register a walk-in (`worker`).

        A walk-in is validated exactly like a registration (fields under `errors.json.worker`);
        if the ID number is already registered in an organising county, that worker is checked
        in instead: a new phone given at the desk replaces the stored one (`phone_updated`),
        other differing fields are listed in `details_not_applied` for the bureau to review.
        Only workers of the fair's organising counties can be checked in; others answer like
        unregistered ones. Checking the same worker in again returns the first check-in (200)."""
        fair = load_fair(fair_id)
        fair_service.require_status(fair, "open", action=fair_service.CHECK_IN)
        worker, registered, refreshed = find_attendee_worker(fair, data)
        row, created = fair_service.check_in(session=db.session(), fair=fair, worker=worker,
                                             walk_in=registered, by=auth.current().user_id)
        auth.audit("fair.check_in", "fair", fair.id, worker_id=worker.id, walk_in=registered)
        return present_attendee(row, worker, registered_now=registered, **refreshed), 201 if created else 200
