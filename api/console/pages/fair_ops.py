"""Job-fair operators: own fairs, a fair's page, check-in by ID number (a card reader types the
18 characters and Enter) or walk-in registration with the full worker form, the fair's ranked
matches, the interview plan, and the printable per-employer lists and per-attendee sheets.

Everything goes through what the API uses: ``api.resources.fairs`` (``load_fair``: a fair
outside the operator's ``fair_ids`` is a 404, ``find_attendee_worker``), ``models.fairs.service``
(status, check-in, plan storage), ``training.fairs`` (ranking, the planner) and the API's own
printable pages and workbooks (``api.resources.fair_plans``), served here under the
operator's session.
"""
from __future__ import annotations

from typing import Any

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.datastructures import ImmutableMultiDict

from api import auth, db, ranking
from api.console.forms import Form, flatten_messages, form_payload
from api.console.frame import bp, console_page, nav_item, t
from api.match_view import posting_brief, present_match, worker_brief
from api.resources.fairs import find_attendee_worker, list_query, load_fair, present as present_fair
from api.schemas.fairs import CheckInSchema
from api.schemas.workers import WorkerCreateSchema
from matching.profiles import DESTINATIONS, EDUCATION_LEVELS, LANGUAGES, POVERTY_STATUSES
from models import clock
from models.errors import DomainError
from models.fairs import booths as fair_booths, service as fair_service
from models.workers.rules import normalize_id_number
from training.fairs import compute_plan, rank_fair_attendees

nav_item("招聘会", "Job fairs", "console.fair_list", ("fair",), order=60,
         description_zh="签到、现场登记、面试安排与打印名单",
         description_en="Check-in, walk-ins, interview plan and printed lists")

ROLES = ("fair",)
FAIR_STATUS = {"planned": ("筹备中", "Planned"), "open": ("进行中", "Open"), "closed": ("已结束", "Closed")}
POVERTY = {"alleviated": ("脱贫人口", "Lifted out of poverty"), "monitored": ("防返贫监测对象", "Monitored"),
           "none": ("一般", "Neither")}
DESTINATION_LABELS = {"home_county": ("本县（旗）", "Home county"), "in_region": ("区内", "Inner Mongolia"),
                      "beijing": ("北京", "Beijing"), "other": ("其他地区", "Elsewhere")}
EDUCATION = {"none": ("未上学", "None"), "primary": ("小学", "Primary"), "junior": ("初中", "Junior secondary"),
             "senior": ("高中", "Senior secondary"), "vocational": ("中专/职高", "Vocational"),
             "college": ("大专", "College"), "bachelor": ("本科", "Bachelor")}
LANGUAGE_LABELS = {"zh": ("普通话", "Mandarin"), "mn": ("蒙古语", "Mongolian"), "en": ("英语", "English"),
                   "other": ("其他", "Other")}
SKILL_ROWS = 3


def booth_numbers(fair_id: int) -> dict[int, int]:
    return fair_booths.booth_numbers(db.session(), fair_id)


def _options(labels: dict[str, tuple[str, str]], keys) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(k, t(*labels[k])) for k in keys]


@bp.get("/fairs")
@console_page(*ROLES)
def fair_list():
    rows = [present_fair(f) for f in db.session().scalars(list_query({})).all()]
    return render_template("console/fair_list.html", rows=rows, status=FAIR_STATUS)


def _fair_page(fair_id: int, checkin: Form | None = None, status: int = 200, checked: dict | None = None):
    fair = load_fair(fair_id)
    session = db.session()
    postings = fair_service.postings_of(session, fair.id)
    attendees = fair_service.attendees_of(session, fair.id)
    plan, interviews = fair_service.plan_of(session, fair.id)
    employers: dict[int, str] = {}
    for _, p in postings:
        employers.setdefault(p.employer_id, p.employer.name)
    planned_workers = sorted({r.worker_id for r in interviews})
    return render_template(
        "console/fair_page.html", fair=present_fair(fair), postings=postings, status=FAIR_STATUS,
        attendees=[(a, worker_brief(w, db.vault(), employer_view=False)) for a, w in attendees],
        plan=plan, interviews=interviews, employers=employers, planned_workers=set(planned_workers),
        checkin=checkin or Form(), checked=checked, booths=booth_numbers(fair.id)), status


@bp.get("/fairs/<int:fair_id>")
@console_page(*ROLES)
def fair_page(fair_id: int):
    return _fair_page(fair_id)


@bp.post("/fairs/<int:fair_id>/check-in")
@console_page(*ROLES)
def fair_check_in(fair_id: int):
    fair = load_fair(fair_id)
    typed = request.form.get("id_number", "")
    number = normalize_id_number(typed)
    form = Form(data={"id_number": number})
    try:
        data = CheckInSchema().load({"id_number": number})
        fair_service.require_status(fair, "open", action=fair_service.CHECK_IN)
        worker, _, _ = find_attendee_worker(fair, data)
        row, created = fair_service.check_in(session=db.session(), fair=fair, worker=worker, walk_in=False,
                                             by=auth.current().user_id)
    except ValidationError as err:
        form.errors = flatten_messages(err.messages)
    except DomainError as exc:
        form.add_domain_error(exc)
    else:
        auth.audit("fair.check_in", "fair", fair.id, worker_id=worker.id, walk_in=False)
        brief = worker_brief(worker, db.vault(), employer_view=False)
        flash(t(f"已签到：{brief['name']}（{brief['id_number']}）", f"Checked in: {brief['name']} ({brief['id_number']})")
              if created else t(f"{brief['name']} 已签到过", f"{brief['name']} was already checked in"), "ok")
        return redirect(url_for("console.fair_page", fair_id=fair.id) + "#check-in")
    if "id_number" in form.errors and any("未登记" in m for m in form.errors["id_number"]):
        form.errors["id_number"] = [t("该身份证号未登记，请现场登记", "Not registered: use the walk-in registration")]
    return _fair_page(fair.id, checkin=form, status=422)


def _walk_in_page(fair, form: Form, status: int = 200):  # noqa: ANN001
    return render_template(
        "console/fair_walk_in.html", fair=present_fair(fair), form=form, skill_rows=range(SKILL_ROWS),
        counties=[(c, n) for c, n in zip(fair.counties, present_fair(fair)["county_names"])],
        poverty=_options(POVERTY, POVERTY_STATUSES), destinations=_options(DESTINATION_LABELS, DESTINATIONS),
        education=_options(EDUCATION, EDUCATION_LEVELS), languages=_options(LANGUAGE_LABELS, LANGUAGES)), status


def walk_in_payload() -> dict[str, Any]:
    """The worker form as the API's ``worker`` body: skills from the numbered rows."""
    payload = form_payload(WorkerCreateSchema())
    if "id_number" in payload:
        payload["id_number"] = normalize_id_number(payload["id_number"])
    skills = []
    for k in range(SKILL_ROWS):
        code = request.form.get(f"skills.{k}.code", "").strip()
        if code:
            skill: dict[str, Any] = {"code": code, "certified": request.form.getlist(f"skills.{k}.certified")[-1:]
                                     == ["true"]}
            if request.form.get(f"skills.{k}.level", "").strip():
                skill["level"] = request.form[f"skills.{k}.level"].strip()
            skills.append(skill)
    payload["skills"] = skills
    return payload


@bp.route("/fairs/<int:fair_id>/walk-in", methods=["GET", "POST"])
@console_page(*ROLES)
def fair_walk_in(fair_id: int):
    fair = load_fair(fair_id)
    if request.method == "GET":
        return _walk_in_page(fair, Form(data={"county_code": (fair.counties or [""])[0], "languages": ["zh"],
                                              "destinations": ["in_region", "beijing"]}))
    form = Form(data={k: (request.form.getlist(k) if len(request.form.getlist(k)) > 1 else request.form.get(k))
                      for k in request.form if k != "csrf_token"})
    try:
        data = CheckInSchema().load({"worker": walk_in_payload()})
        fair_service.require_status(fair, "open", action=fair_service.CHECK_IN)
        worker, registered, _ = find_attendee_worker(fair, data)
        row, created = fair_service.check_in(session=db.session(), fair=fair, worker=worker,
                                             walk_in=registered, by=auth.current().user_id)
    except ValidationError as err:
        form.errors = {k.removeprefix("worker."): v for k, v in flatten_messages(err.messages).items()}
    except DomainError as exc:
        form.add_domain_error(exc)
    else:
        auth.audit("fair.check_in", "fair", fair.id, worker_id=worker.id, walk_in=registered)
        flash(t(f"已登记并签到：{worker.name}", f"Registered and checked in: {worker.name}") if registered
              else t(f"该身份证号已登记，已为 {worker.name} 签到", f"Already registered: {worker.name} checked in"), "ok")
        return redirect(url_for("console.fair_page", fair_id=fair.id) + "#attendees")
    return _walk_in_page(fair, form, 422)


@bp.get("/fairs/<int:fair_id>/matches")
@console_page(*ROLES)
def fair_matches(fair_id: int):
    fair = load_fair(fair_id)
    session = db.session()
    scorer, today = ranking.scorer(), clock.today()
    workers = {w.id: w for _, w in fair_service.attendees_of(session, fair.id)}
    booths = []
    for _, posting in fair_service.postings_of(session, fair.id):
        results = rank_fair_attendees(session, fair, posting, scorer, today=today, limit=10,
                                      priority_weight=current_app.config["POVERTY_PRIORITY_WEIGHT"])
        booths.append({"posting": posting_brief(posting), "items": [
            present_match(r, worker=worker_brief(workers[r.worker_id], db.vault(), employer_view=False))
            for r in results]})
    auth.audit("fair.matches", "fair", fair.id, postings=len(booths))
    return render_template("console/fair_matches.html", fair=present_fair(fair), booths=booths, ranker=scorer.name,
                           numbers=booth_numbers(fair.id))


@bp.post("/fairs/<int:fair_id>/plan")
@console_page(*ROLES)
def fair_plan(fair_id: int):
    fair = load_fair(fair_id)
    try:
        limit = int(request.form.get("limit", "3"))
        if not 1 <= limit <= 20:
            raise ValueError
    except ValueError:
        flash(t("每人面试场数须为1至20", "Interviews per attendee: 1 to 20"), "error")
        return redirect(url_for("console.fair_page", fair_id=fair.id) + "#plan")
    try:
        fair_service.require_plannable(fair)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("console.fair_page", fair_id=fair.id) + "#plan")
    scorer = ranking.scorer()
    computed = compute_plan(db.session(), fair, scorer, today=clock.today(), limit=limit)
    fair_service.store_plan(session=db.session(), fair=fair, interviews=computed.interviews, ranker=scorer.name,
                            limit=limit, status=computed.status, expected=computed.expected,
                            detail=computed.detail, computed_by=auth.current().user_id)
    auth.audit("fair.plan", "fair", fair.id, interviews=len(computed.interviews), ranker=scorer.name)
    flash(t(f"已生成面试安排：{len(computed.interviews)} 场", f"Interview plan made: {len(computed.interviews)} interviews"),
          "ok")
    return redirect(url_for("console.fair_page", fair_id=fair.id) + "#plan")


def _api_view(endpoint: str, **kwargs: Any) -> Response:
    """The API's own printable page or workbook, answered for the operator's session
    (``g.principal`` is the operator: the API view's scope checks apply unchanged)."""
    fmt = request.args.get("format", "html")
    if fmt not in ("html", "xlsx"):
        fmt = "html"
    g.print_stylesheet = url_for("console.fair_print_css")
    view = current_app.view_functions[endpoint]
    args = request.args
    request.args = ImmutableMultiDict({"format": fmt})  # the API's strict ExportQuery: format only
    try:
        return current_app.make_response(view(**kwargs))
    finally:
        request.args = args


@bp.get("/fairs/<int:fair_id>/print/employer/<int:employer_id>")
@console_page(*ROLES)
def fair_print_employer(fair_id: int, employer_id: int):
    return _api_view("fair_plans.FairInterviewList", fair_id=fair_id, employer_id=employer_id)


@bp.get("/fairs/<int:fair_id>/print/attendee/<int:worker_id>")
@console_page(*ROLES)
def fair_print_attendee(fair_id: int, worker_id: int):
    return _api_view("fair_plans.FairAttendeeSheet", fair_id=fair_id, worker_id=worker_id)


@bp.get("/fairs/print.css")
@console_page(*ROLES)
def fair_print_css():
    """The printable pages' style as a stylesheet (the console's CSP allows no inline style)."""
    css = render_template("fairs/_print.css")
    return Response(css, mimetype="text/css")
