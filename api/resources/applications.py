"""/api/v1/applications — referrals by bureaus, invitations by employers, and their states."""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from api import auth, db
from api.auth import roles
from api.http import Blueprint, created, idempotent, page_schema, paginate, where_equal, with_etag
from api.schemas.applications import (ApplicationCreateSchema, ApplicationOut, ApplicationQuery,
                                      TransitionSchema)
from models import clock
from models.placements import applications as application_service
from models.reference import gbt2260
from models.workers import service as worker_service
from models.access.pii import mask_id_number, mask_phone
from models.placements.tables import Application, Placement, TRANSITIONS
from models.postings.tables import Posting
from models.workers.tables import Worker

blp = Blueprint("applications", __name__, url_prefix="/api/v1/applications",
                description="Referrals and invitations (推荐/邀约): referred → interviewing → hired | rejected | withdrawn")

def worker_brief(worker: Worker, *, full_phone: bool, reason: str, ref: int) -> dict[str, Any]:
    """The worker as another party sees it: ID masked; phone in full only if ``full_phone``
    (each such disclosure is audited with ``reason`` and the application/placement ``ref``)."""
    id_number, phone = worker_service.reveal(worker, db.vault())
    full_phone = full_phone and phone is not None
    if full_phone:
        auth.audit("worker.phone_disclosed", "worker", worker.id, to_employer=auth.current().employer_id,
                   via=reason, ref=ref)
    out = {
        "id": worker.id, "name": worker.name, "age": worker.age_on(clock.today()),
        "id_number": mask_id_number(id_number) if id_number else None,
        "phone": (phone if full_phone else mask_phone(phone)) if phone else None,
        "phone_full": full_phone, "county_code": worker.county_code,
        "county_name": gbt2260.region_name(worker.county_code),
    }
    if auth.current().role in ("bureau", "admin"):
        out["id_region"] = gbt2260.issuing_region(id_number[:6]) if id_number else None
    return out


def load_application(application_id: int) -> tuple[Application, Worker, Posting]:
    session = db.session()
    application = session.get(Application, application_id)
    if application is None:
        abort(404)
    worker, posting = session.get(Worker, application.worker_id), session.get(Posting, application.posting_id)
    if worker is None or posting is None or not auth.current().covers_party(worker.county_code,
                                                                             posting.employer_id):
        abort(404)
    return application, worker, posting


def present_many(rows: list[tuple[Application, Worker, Posting]]) -> list[dict[str, Any]]:
    session, principal = db.session(), auth.current()
    ids = [a.id for a, _, _ in rows]
    events = application_service.events_of(session=session, application_ids=ids)
    placements = application_service.placements_of(session=session, application_ids=ids)
    ended = application_service.ended_placements_of(session=session, application_ids=ids)
    out = []
    for application, worker, posting in rows:
        full = principal.role == "employer" and application_service.employer_may_contact(
            application, placement_ended=application.id in ended)
        out.append({
            **{k: getattr(application, k) for k in (
                "id", "worker_id", "posting_id", "state", "source", "reason_code", "reason_text",
                "created_at", "updated_at")},
            "posting_title": posting.title, "employer_id": posting.employer_id,
            "allowed_transitions": list(TRANSITIONS[application.state]),
            "placement_id": placements.get(application.id),
            "worker": worker_brief(worker, full_phone=full, reason="application", ref=application.id),
            "events": events[application.id],
        })
    return out


def refer_worker(worker: Worker, posting: Posting) -> Application:
    """Refer (bureau, admin) or invite (employer) through ``models.placements.applications.refer``,
    audited — what ``POST /api/v1/applications`` and the console's refer and invite buttons do."""
    principal = auth.current()
    application = application_service.refer(
        session=db.session(), worker=worker, posting=posting,
        source="employer" if principal.role == "employer" else "bureau", actor_user_id=principal.user_id)
    auth.audit("application.create", "application", application.id, source=application.source)
    return application


def move_application(application: Application, data: dict[str, Any]) -> Placement | None:
    """One move (``TransitionSchema`` data) through ``models.placements.applications.transition``,
    audited; the API's transitions endpoint and the console's move forms."""
    principal, before = auth.current(), application.state
    placement = application_service.transition(
        session=db.session(), application=application, to=data["to"], actor_user_id=principal.user_id,
        actor_role=principal.role, reason=data.get("reason"), terms=data.get("placement"), today=clock.today(),
        minimum_wage=current_app.config["BEIJING_MIN_WAGE"])
    auth.audit("application.transition", "application", application.id, from_state=before,
               to_state=application.state, placement_id=placement.id if placement else None)
    return placement


@blp.route("")
class Applications(MethodView):
    @roles("admin", "bureau", "employer")
    @blp.arguments(ApplicationQuery, location="query")
    @blp.response(200, page_schema(ApplicationOut, "ApplicationPage"))
    def get(self, args: dict[str, Any]):
        """List applications: a bureau sees its counties' workers, an employer its postings."""
        stmt = (select(Application, Worker, Posting).join(Worker, Worker.id == Application.worker_id)
                .join(Posting, Posting.id == Application.posting_id).order_by(Application.id))
        stmt = auth.scope_by_party(stmt, county=Worker.county_code, employer=Posting.employer_id)
        stmt = where_equal(stmt, Application, args, "worker_id", "posting_id", "state")
        page = paginate(stmt, args["page"], args["page_size"], rows=True)
        page["items"] = present_many(page["items"])
        return page

    @roles("admin", "bureau", "employer")
    @idempotent
    @blp.arguments(ApplicationCreateSchema)
    @blp.response(201, ApplicationOut)
    @blp.alt_response(409, description="Posting not open, or already referred")
    def post(self, data: dict[str, Any]):
        """Refer a worker of your county (bureau) or invite a seeking worker to your posting (employer)."""
        principal, session = auth.current(), db.session()
        worker, posting = session.get(Worker, data["worker_id"]), session.get(Posting, data["posting_id"])
        if worker is None or (principal.role == "bureau" and not principal.covers_county(worker.county_code)):
            abort(422, errors={"json": {"worker_id": ["劳动力不存在 / No such worker"]}})
        if posting is None or not principal.sees_employer(posting.employer_id):
            abort(422, errors={"json": {"posting_id": ["岗位不存在 / No such posting"]}})
        application = refer_worker(worker, posting)
        return created(present_many([(application, worker, posting)])[0], application,
                       f"/api/v1/applications/{application.id}")


@blp.route("/<int:application_id>")
class ApplicationItem(MethodView):
    @roles("admin", "bureau", "employer")
    @blp.response(200, ApplicationOut)
    def get(self, application_id: int):
        """One application with its history of events."""
        row = load_application(application_id)
        return with_etag(present_many([row])[0], row[0])


@blp.route("/<int:application_id>/transitions")
class ApplicationTransition(MethodView):
    @roles("admin", "bureau", "employer")
    @idempotent
    @blp.arguments(TransitionSchema)
    @blp.response(200, ApplicationOut)
    @blp.alt_response(409, description="Illegal transition, or no opening left when hiring")
    def post(self, data: dict[str, Any], application_id: int):
        """Move an application; `hired` carries `placement` fields and takes one opening,
        `rejected`/`withdrawn` carry a structured `reason`."""
        application, worker, posting = load_application(application_id)
        move_application(application, data)
        return with_etag(present_many([(application, worker, posting)])[0], application)
