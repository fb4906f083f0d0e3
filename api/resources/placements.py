"""/api/v1/placements and follow-ups (就业记录 · 跟踪回访)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select

from api import auth, db
from api.auth import roles
from api.http import Blueprint, created, idempotent, page_schema, paginate, paginate_list, where_equal, with_etag
from api.resources.applications import worker_brief
from api.schemas.placements import (FollowUpCreateSchema, FollowUpList, FollowUpOut, OverdueOut,
                                    OverdueQuery, PlacementCreateSchema, PlacementEndSchema, PlacementOut,
                                    PlacementQuery, VerifyStartSchema)
from models import clock
from models.placements import service as placement_service
from models.placements.tables import FollowUp, Placement
from models.placements.service import TERMS
from models.postings.tables import Posting
from models.workers.tables import Worker

blp = Blueprint("placements", __name__, url_prefix="/api/v1",
                description="Placements, follow-up visits and stable-employment tracking (稳定就业)")


def load_placement(placement_id: int) -> Placement:
    """The placement if the caller's scope covers it (by the county snapshot); 404 otherwise."""
    placement = db.session().get(Placement, placement_id)
    if placement is None or not auth.current().covers_party(placement.county_code, placement.employer_id):
        abort(404)
    return placement


def tracking_fields(placement: Placement, follow_ups: list[FollowUp], as_of: date) -> dict[str, Any]:
    t = placement_service.track(placement, follow_ups, as_of=as_of)
    return {"months_employed": t.months_employed, "tracking_status": t.status,
            "next_follow_up": t.next_follow_up, "overdue_follow_ups": t.overdue}


def present_many(placements: list[Placement]) -> list[dict[str, Any]]:
    session, principal, today = db.session(), auth.current(), clock.today()
    follow_ups = placement_service.follow_ups_of(session=session, placement_ids=(p.id for p in placements))
    workers = {w.id: w for w in session.scalars(
        select(Worker).where(Worker.id.in_({p.worker_id for p in placements})))}
    employer = principal.role == "employer"
    out = []
    for p in placements:
        body = {c.key: getattr(p, c.key) for c in Placement.__table__.columns if c.key != "version"}
        if employer:
            del body["poverty_status"]  # sensitive (PIPL Art. 28): an employer never sees it
        body["recorded_at"] = p.created_at
        body["awaiting_start_evidence"] = p.awaiting_start_evidence
        body.update(tracking_fields(p, follow_ups[p.id], today))
        # The employer keeps the phone of a worker it employs while the job lasts.
        body["worker"] = worker_brief(workers[p.worker_id], full_phone=employer and p.end_date is None,
                                      reason="placement", ref=p.id)
        out.append(body)
    return out


@blp.route("/placements")
class Placements(MethodView):
    @roles("admin", "bureau", "employer")
    @blp.arguments(PlacementQuery, location="query")
    @blp.response(200, page_schema(PlacementOut, "PlacementPage"))
    def get(self, args: dict[str, Any]):
        """List placements: a bureau sees its counties' (by county at hiring), an employer its own."""
        stmt = auth.scope_by_party(select(Placement).order_by(Placement.id),
                                   county=Placement.county_code, employer=Placement.employer_id)
        stmt = where_equal(stmt, Placement, args, "worker_id", "posting_id", "destination")
        if "county" in args:
            stmt = stmt.where(Placement.county_code == args["county"])
        if "active" in args:
            stmt = stmt.where(Placement.end_date.is_(None) if args["active"] else Placement.end_date.is_not(None))
        page = paginate(stmt, args["page"], args["page_size"])
        page["items"] = present_many(list(page["items"]))
        return page

    @roles("admin", "bureau")
    @idempotent
    @blp.arguments(PlacementCreateSchema)
    @blp.response(201, PlacementOut)
    @blp.alt_response(409, description="No opening left, or the worker is already placed")
    def post(self, data: dict[str, Any]):
        """Record a job directly: on a posting (takes an opening) or found outside the service
        (`workplace_code`); counts in the new-employment report."""
        session = db.session()
        worker = session.get(Worker, data["worker_id"])
        if worker is None or not auth.current().covers_county(worker.county_code):
            abort(422, errors={"json": {"worker_id": ["劳动力不存在 / No such worker"]}})
        posting = None
        if "posting_id" in data:
            posting = session.get(Posting, data["posting_id"])
            if posting is None:
                abort(422, errors={"json": {"posting_id": ["岗位不存在 / No such posting"]}})
        placement = placement_service.record_placement(
            session=session, worker=worker, posting=posting, workplace_code=data.get("workplace_code"),
            terms={k: data[k] for k in TERMS}, today=clock.today(),
            minimum_wage=current_app.config["BEIJING_MIN_WAGE"], backdate_reason=data.get("backdate_reason"),
            grace_days=current_app.config["BACKDATE_GRACE_DAYS"])
        auth.audit("placement.create", "placement", placement.id, worker_id=worker.id,
                   backdated=placement.backdate_reason is not None)
        return created(present_many([placement])[0], placement, f"/api/v1/placements/{placement.id}")


@blp.route("/placements/<int:placement_id>")
class PlacementItem(MethodView):
    @roles("admin", "bureau", "employer")
    @blp.response(200, PlacementOut)
    def get(self, placement_id: int):
        """One placement with months employed, tracking status and due follow-ups."""
        placement = load_placement(placement_id)
        return with_etag(present_many([placement])[0], placement)


@blp.route("/placements/<int:placement_id>/end")
class PlacementEnd(MethodView):
    @roles("admin", "bureau", "employer")
    @idempotent
    @blp.arguments(PlacementEndSchema)
    @blp.response(200, PlacementOut)
    @blp.alt_response(409, description="Already ended")
    def post(self, data: dict[str, Any], placement_id: int):
        """End a job (离职): frees the posting's opening; the worker is seeking again."""
        placement = load_placement(placement_id)
        placement_service.end_placement(
            session=db.session(), placement=placement, end_date=data["end_date"],
            reason_code=data["reason"]["code"], reason_text=data["reason"].get("text"), today=clock.today())
        auth.audit("placement.end", "placement", placement.id, reason=placement.end_reason)
        return with_etag(present_many([placement])[0], placement)


@blp.route("/placements/<int:placement_id>/verify-start")
class PlacementVerifyStart(MethodView):
    @roles("admin", "bureau")
    @blp.arguments(VerifyStartSchema)
    @blp.response(200, PlacementOut)
    @blp.alt_response(409, description="Not back-dated, or already verified")
    def post(self, data: dict[str, Any], placement_id: int):
        """Verify a back-dated placement's start date against a document (核验开始日期): until
        this step, the eligibility check creates no subsidy claim for it."""
        placement = load_placement(placement_id)
        placement_service.verify_start(session=db.session(), placement=placement, evidence=data["evidence"],
                                       verified_by=auth.current().user_id)
        auth.audit("placement.verify_start", "placement", placement.id, evidence=data["evidence"])
        return with_etag(present_many([placement])[0], placement)


@blp.route("/placements/<int:placement_id>/follow-ups")
class PlacementFollowUps(MethodView):
    @roles("admin", "bureau")
    @blp.response(200, FollowUpList)
    def get(self, placement_id: int):
        """Follow-up visits of a placement, oldest first, with its tracking status."""
        placement = load_placement(placement_id)
        items = placement_service.follow_ups_of(session=db.session(), placement_ids=[placement.id])[placement.id]
        return {"items": items, **tracking_fields(placement, items, clock.today())}

    @roles("admin", "bureau")
    @idempotent
    @blp.arguments(FollowUpCreateSchema)
    @blp.response(201, FollowUpOut)
    def post(self, data: dict[str, Any], placement_id: int):
        """Record a follow-up visit or call (跟踪回访)."""
        placement = load_placement(placement_id)
        follow_up = placement_service.add_follow_up(
            session=db.session(), placement=placement, data=data,
            recorded_by=auth.current().user_id, today=clock.today())
        auth.audit("follow_up.create", "placement", placement.id, follow_up_id=follow_up.id)
        return follow_up


@blp.route("/follow-ups/overdue")
class OverdueFollowUps(MethodView):
    @roles("admin", "bureau")
    @blp.arguments(OverdueQuery, location="query")
    @blp.response(200, page_schema(OverdueOut, "OverduePage"))
    def get(self, args: dict[str, Any]):
        """Overdue follow-ups (more than 14 days past the 1/3/6/12-month or scheduled date), most overdue first."""
        principal = auth.current()
        if "county" in args and not principal.covers_county(args["county"]):
            abort(403, message="只能查看本辖区 / You may see your own counties only")
        counties = {args["county"]} if "county" in args else principal.county_scope
        rows = placement_service.overdue_follow_ups(session=db.session(), counties=counties,
                                                    as_of=args.get("as_of") or clock.today())
        page = paginate_list(rows, args["page"], args["page_size"])
        workers = {w.id: w for w in db.session().scalars(
            select(Worker).where(Worker.id.in_({p.worker_id for p, _, _ in page["items"]})))}
        page["items"] = [
            {"placement_id": p.id, "county_code": p.county_code, "start_date": p.start_date,
             "months": due.months, "due": due.due, "days_overdue": due.days_overdue, "last_contact": last,
             "worker": worker_brief(workers[p.worker_id], full_phone=False, reason="overdue", ref=p.id)}
            for p, due, last in page["items"]]
        return page
