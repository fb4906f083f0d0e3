"""/api/v1/workers — registration by county bureaus, masked by default, audited reveal."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import Select, String, cast, select

from api import auth, db
from api.auth import roles
from api.http import Blueprint, created, idempotent, page_schema, paginate, require_if_match, where_equal, with_etag
from api.schemas.workers import (IdNumberCorrectionSchema, RevealQuery, WorkerCreateSchema, WorkerOut,
                                 WorkerPatchSchema, WorkerQuery)
from models import clock
from models.reference import gbt2260
from models.workers import service as worker_service
from models.access.pii import mask_id_number, mask_phone
from models.workers.tables import Worker

blp = Blueprint("workers", __name__, url_prefix="/api/v1/workers",
                description="Rural workers registered by county employment bureaus (劳动力登记)")


def load_worker(worker_id: int) -> Worker:
    """The worker if the caller's scope covers its county; 404 otherwise (no existence leak)."""
    worker = db.session().get(Worker, worker_id)
    if worker is None or not auth.current().covers_county(worker.county_code):
        abort(404)
    return worker


def present(worker: Worker, *, reveal: bool = False) -> dict[str, Any]:
    """Response fields; ID number and phone masked unless ``reveal`` (audited by the caller)."""
    id_number, phone = worker_service.reveal(worker, db.vault())
    out = {c: getattr(worker, c) for c in worker_service.PROFILE_FIELDS}
    out.update(
        id=worker.id, revealed=reveal, profile_complete=worker.profile_complete,
        missing_fields=list(worker.missing_fields or ()), sex=worker.sex, age=worker.age_on(clock.today()),
        county_name=gbt2260.region_name(worker.county_code), erased=worker.erased_at is not None,
        created_at=worker.created_at, updated_at=worker.updated_at,
        id_number=(id_number if reveal else mask_id_number(id_number)) if id_number else None,
        phone=(phone if reveal else mask_phone(phone)) if phone else None,
        id_region=gbt2260.issuing_region(id_number[:6]) if id_number else None,
    )
    return out


def list_query(args: dict[str, Any]) -> Select:
    """The workers the caller may list, filtered; shared by the list and the export."""
    stmt = auth.scope_by_county(select(Worker).order_by(Worker.id), Worker.county_code)
    if "county" in args:
        stmt = stmt.where(Worker.county_code == args["county"])
    stmt = where_equal(stmt, Worker, args, "status", "poverty_status", "profile_complete")
    if "occupation" in args:
        stmt = stmt.where(cast(Worker.preferred_occupations, String).like(f'%"{args["occupation"]}"%'))
    if "id_number" in args:
        stmt = stmt.where(Worker.id_number_index == worker_service.id_index(db.vault(), args["id_number"]))
    if "phone" in args:
        try:
            stmt = stmt.where(Worker.phone_index == worker_service.phone_index(db.vault(), args["phone"]))
        except ValueError:
            abort(422, errors={"query": {"phone": ["手机号格式错误 / Not a mainland mobile number"]}})
    if "q" in args:
        stmt = stmt.where(worker_service.search_condition(db.vault(), args["q"]))
    return stmt


@blp.route("")
class Workers(MethodView):
    @roles("admin", "bureau")
    @blp.arguments(WorkerQuery, location="query")
    @blp.response(200, page_schema(WorkerOut, "WorkerPage"))
    def get(self, args: dict[str, Any]):
        """List workers of the caller's counties (filters: county, status, poverty_status, occupation,
        profile_complete; `q` finds by name, ID number, its last 4–6 characters, or phone)."""
        page = paginate(list_query(args), args["page"], args["page_size"])
        page["items"] = [present(w) for w in page["items"]]
        return page

    @roles("admin", "bureau")
    @idempotent
    @blp.arguments(WorkerCreateSchema)
    @blp.response(201, WorkerOut)
    @blp.alt_response(409, description="ID number already registered; `errors.existing_worker_id`")
    def post(self, data: dict[str, Any]):
        """Register a worker. Birth date and sex are derived from the ID number."""
        if not auth.current().covers_county(data["county_code"]):
            abort(403, message="只能登记本县（旗）劳动力 / You may register workers of your own counties only")
        worker = worker_service.register_worker(
            session=db.session(), vault=db.vault(), data=data, today=clock.today(),
            created_by=auth.current().user_id)
        auth.audit("worker.create", "worker", worker.id)
        return created(present(worker), worker, f"/api/v1/workers/{worker.id}")


@blp.route("/<int:worker_id>")
class WorkerItem(MethodView):
    @roles("admin", "bureau")
    @blp.arguments(RevealQuery, location="query")
    @blp.response(200, WorkerOut)
    def get(self, args: dict[str, Any], worker_id: int):
        """One worker; `?reveal=true` shows the full ID number and phone and is audited."""
        worker = load_worker(worker_id)
        if args["reveal"]:
            auth.audit("worker.reveal", "worker", worker.id, fields=["id_number", "phone"])
        return with_etag(present(worker, reveal=args["reveal"]), worker)

    @roles("admin", "bureau")
    @blp.arguments(WorkerPatchSchema)
    @blp.response(200, WorkerOut)
    @blp.alt_response(412, description="Stale If-Match")
    @blp.alt_response(428, description="If-Match missing")
    def patch(self, data: dict[str, Any], worker_id: int):
        """Update a worker; send the ETag you read in `If-Match`."""
        worker = load_worker(worker_id)
        require_if_match(worker)
        if "county_code" in data and not auth.current().covers_county(data["county_code"]):
            abort(403, message="不能转到非本辖区 / You may not move a worker outside your counties")
        worker_service.update_worker(session=db.session(), vault=db.vault(), worker=worker, data=data)
        auth.audit("worker.update", "worker", worker.id, fields=sorted(data))
        return with_etag(present(worker), worker)


def correct_id_number(worker: Worker, id_number: str, reason: str) -> worker_service.IdNumberCorrection:
    """The correction and its audit row, shared by the API and the console."""
    correction = worker_service.correct_id_number(session=db.session(), vault=db.vault(), worker=worker,
                                                  id_number=id_number, reason=reason.strip(), today=clock.today())
    auth.audit("worker.id_number_corrected", "worker", worker.id, reason=reason.strip(),
               previous=correction.previous_masked, corrected=correction.masked,
               birth_date_changed=correction.birth_date_changed, sex_changed=correction.sex_changed)
    return correction


@blp.route("/<int:worker_id>/id-number")
class WorkerIdNumber(MethodView):
    @roles("admin", "bureau")
    @blp.arguments(IdNumberCorrectionSchema)
    @blp.response(200, WorkerOut)
    @blp.alt_response(409, description="Another worker holds that ID number (`errors.existing_worker_id`), "
                                       "or the worker's personal data was erased")
    def post(self, data: dict[str, Any], worker_id: int):
        """Correct a mistyped ID number (the bureau of the worker's county, or an administrator).

        The number is checked like a registration and against every registered worker (keyed
        index); birth date, sex and the search indexes follow it. The reason and the masked old
        and new numbers are written to the audit log."""
        worker = load_worker(worker_id)
        correct_id_number(worker, data["id_number"], data["reason"])
        return with_etag(present(worker), worker)


@blp.route("/<int:worker_id>/erase")
class WorkerErase(MethodView):
    @roles("admin", "bureau")
    @blp.response(200, WorkerOut)
    def post(self, worker_id: int):
        """Erase a worker's personal data on request (PIPL Art. 47); aggregate counts are kept."""
        worker = load_worker(worker_id)
        worker_service.erase_worker(session=db.session(), worker=worker)
        auth.audit("worker.erase", "worker", worker.id)
        return with_etag(present(worker), worker)
