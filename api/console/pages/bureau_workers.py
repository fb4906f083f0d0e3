"""County bureaus: the worker list (search and filters as ``GET /api/v1/workers``), register a
worker and edit one — ``models.workers.service`` through the API's ``WorkerCreateSchema`` and
``WorkerPatchSchema``, scoped and audited as the API resource does."""
from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError
from sqlalchemy import select

from api import auth, db
from api.console.forms import Form, flatten_messages, form_payload, load_form
from api.console.frame import bp, console_page, nav_item, t
from api.console.pages import bureau_common as common
from api.resources.workers import list_query, load_worker, present
from api.schemas.workers import WorkerCreateSchema, WorkerPatchSchema, WorkerQuery
from models import clock
from models.errors import Conflict, DomainError
from models.placements import service as placement_service
from models.reference.regions import Region
from models.workers import service as worker_service
from models.workers.tables import Worker

nav_item("劳动力", "Workers", "console.bureau_workers", ("bureau", "admin"), order=10,
         description_zh="查询、登记、修改劳动力信息", description_en="Find, register and edit workers")
nav_item("登记劳动力", "Register a worker", "console.bureau_worker_new", ("bureau", "admin"), order=11,
         description_zh="可用身份证读卡器录入", description_en="A card reader can type the ID number")

PAGE_SIZE = 20
LIST_FILTERS = ("q", "status", "poverty_status", "profile_complete", "page")
PROFILE = {"false": ("待完善", "Incomplete"), "true": ("已完善", "Complete")}
"""The ``profile_complete`` filter of ``GET /api/v1/workers`` (待完善: not ranked or referred yet)."""


def county_choices() -> list[tuple[str, str]] | None:
    """The counties a bureau user may register in (None: an administrator types the code)."""
    principal = g.principal
    if principal.county_scope is None:
        return None
    rows = db.session().execute(select(Region.code, Region.name).where(
        Region.code.in_(sorted(principal.counties))).order_by(Region.code)).all()
    return [(code, f"{name}（{code}）") for code, name in rows]


def worker_payload(schema) -> dict[str, Any]:
    """The form as the API's JSON body: skills typed as ``code:level[:证]`` become objects."""
    payload = form_payload(schema)
    payload.pop("skills", None)
    if "skills" in request.form:
        payload["skills"] = common.skills_from_text(request.form.get("skills", ""))
    return payload


def load_worker_form(schema) -> Form:
    return load_form(schema, payload=worker_payload(schema))


def render_form(form: Form, worker: Worker | None = None, status: int = 200):
    return render_template("console/bureau_worker_form.html", form=form, worker=worker,
                           counties=county_choices(), common=common), status


@bp.get("/workers")
@console_page("bureau", "admin")
def bureau_workers():
    raw = {k: v for k, v in request.args.items() if k in LIST_FILTERS and v.strip()}
    overdue = request.args.get("overdue") == "1"
    errors: dict[str, list[str]] = {}
    try:
        args = WorkerQuery().load({**raw, "page_size": PAGE_SIZE})
    except ValidationError as err:
        errors = flatten_messages(err.messages)
        args = WorkerQuery().load({"page_size": PAGE_SIZE})
    stmt = list_query(args)
    if overdue:
        late = placement_service.overdue_follow_ups(session=db.session(), counties=g.principal.county_scope,
                                                    as_of=clock.today())
        stmt = stmt.where(Worker.id.in_(sorted({p.worker_id for p, _, _ in late}) or [0]))
    from api.http import paginate

    page = paginate(stmt, args["page"], args["page_size"])
    items = [present(w) for w in page["items"]]
    pages = max(1, -(-page["total"] // PAGE_SIZE))
    filters = {**{k: raw[k] for k in raw if k != "page"}, **({"overdue": "1"} if overdue else {})}
    return render_template("console/bureau_workers.html", items=items, page=page, pages=pages, filters=filters,
                           form=Form(data={**raw, "overdue": "true" if overdue else ""}, errors=errors),
                           common=common, profile=PROFILE), (422 if errors else 200)


@bp.route("/workers/new", methods=["GET", "POST"])
@console_page("bureau", "admin")
def bureau_worker_new():
    if request.method == "GET":
        counties = county_choices()
        return render_form(Form(data={"county_code": counties[0][0] if counties and len(counties) == 1 else "",
                                      "languages": ["zh"], "status": "seeking",
                                      "available_from": clock.today().isoformat()}))
    form = load_worker_form(WorkerCreateSchema())
    if form.ok and not auth.current().covers_county(form.values["county_code"]):
        form.add_error("county_code", "只能登记本县（旗）劳动力 / You may register workers of your own counties only")
    if form.ok:
        try:
            worker = worker_service.register_worker(
                session=db.session(), vault=db.vault(), data=form.values, today=clock.today(),
                created_by=auth.current().user_id)
        except Conflict as exc:
            form.add_error("id_number", exc.message)
            form.existing_worker_id = exc.detail.get("existing_worker_id")  # type: ignore[attr-defined]
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            auth.audit("worker.create", "worker", worker.id)
            flash(t(f"已登记 {worker.name}", f"{worker.name} registered"), "ok")
            return redirect(url_for("console.bureau_worker", worker_id=worker.id))
    return render_form(form, status=422)


def initial(worker: Worker) -> Form:
    shown = present(worker)
    data = {k: shown[k] for k in worker_service.PROFILE_FIELDS}
    # The textareas hold text as a clerk types it: a list would come back as "['4-07-05-01']".
    data.update(phone="", skills=common.skills_to_text(worker.skills or []), version=str(worker.version),
                preferred_occupations=", ".join(worker.preferred_occupations or []),
                available_from=worker.available_from.isoformat(), needs_dormitory=worker.needs_dormitory,
                expected_monthly_wage=str(worker.expected_monthly_wage))
    return Form.initial(data)


@bp.route("/workers/<int:worker_id>/edit", methods=["GET", "POST"])
@console_page("bureau", "admin")
def bureau_worker_edit(worker_id: int):
    worker = load_worker(worker_id)  # another county's worker: 404, as in the API
    if request.method == "GET":
        return render_form(initial(worker), worker)
    form = load_worker_form(WorkerPatchSchema())
    if request.form.get("version") != str(worker.version):
        form.add_error("_form", "此记录已被他人修改，请重新打开后再改 / Someone changed this record meanwhile; "
                                "open it again")
    if form.ok and "county_code" in form.values and not auth.current().covers_county(form.values["county_code"]):
        form.add_error("county_code", "不能转到非本辖区 / You may not move a worker outside your counties")
    if form.ok:
        try:
            worker_service.update_worker(session=db.session(), vault=db.vault(), worker=worker, data=form.values)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            auth.audit("worker.update", "worker", worker.id, fields=sorted(form.values))
            flash(t("已保存", "Saved"), "ok")
            return redirect(url_for("console.bureau_worker", worker_id=worker.id))
    return render_form(form, worker, status=422)
