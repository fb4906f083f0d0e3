"""Employers: own postings (create with the API's validation and law checks, edit, close),
candidates per posting with their reasons (the API's masked employer view, never a household's
poverty status or the priority bonus), invitations, applications and hires, departures.

Every rule is the API's: ``PostingCreateSchema``/``PostingPatchSchema`` and
``models.postings.service`` for postings, ``api.resources.matches.posting_matches`` for the
candidates, ``models.placements.applications`` for invitations and moves, and
``models.placements.service.end_placement`` for a departure. Another employer's posting,
application or placement is the 404 page (the API's ``load_*`` checks).
"""
from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from api import auth, db
from api.console.forms import Form, load_form
from api.console.frame import bp, console_page, nav_item, t
from api.resources.applications import (load_application, move_application, present_many as present_applications,
                                       refer_worker)
from api.resources.matches import posting_matches
from api.resources.placements import load_placement, present_many as present_placements
from api.resources.postings import list_query, load_posting, present as present_posting
from api.schemas.applications import ApplicationCreateSchema, TransitionSchema
from api.schemas.placements import PlacementEndSchema
from api.schemas.postings import PostingCreateSchema, PostingPatchSchema
from matching.profiles import EDUCATION_LEVELS, LANGUAGES
from models import clock
from models.employers import service as employer_service
from models.errors import DomainError
from models.placements import service as placement_service
from models.placements.service import CONTRACT_TYPES
from models.placements.tables import Application, DECLINE_REASONS, END_REASONS, Placement
from models.postings import service as posting_service
from models.postings.tables import Posting
from models.workers.tables import Worker

nav_item("招聘岗位", "Postings", "console.employer_postings", ("employer",), order=40,
         description_zh="发布、修改、关闭岗位，查看候选人、邀约与录用",
         description_en="Post, edit and close jobs; candidates, invitations and hires")

ROLES = ("employer",)
EDUCATION = {"none": ("不限", "Any"), "primary": ("小学", "Primary"), "junior": ("初中", "Junior secondary"),
             "senior": ("高中", "Senior secondary"), "vocational": ("中专/职高", "Vocational"),
             "college": ("大专", "College"), "bachelor": ("本科", "Bachelor")}
LANGUAGE_LABELS = {"zh": ("普通话", "Mandarin"), "mn": ("蒙古语", "Mongolian"), "en": ("英语", "English"),
                   "other": ("其他", "Other")}
STATUS = {"open": ("招聘中", "Open"), "filled": ("已招满", "Filled"), "closed": ("已关闭", "Closed"),
          "expired": ("已过期", "Expired")}
STATES = {"referred": ("已推荐", "Referred"), "interviewing": ("面试中", "Interviewing"), "hired": ("已录用", "Hired"),
          "rejected": ("未录用", "Rejected"), "withdrawn": ("已退出", "Withdrawn")}
DECLINE = {"lacking_skills": ("技能不足", "Lacking skills"), "wage_too_low": ("工资偏低", "Wage too low"),
           "too_far": ("距离太远", "Too far"), "hired_elsewhere": ("已在别处就业", "Hired elsewhere"),
           "did_not_attend": ("未到场", "Did not attend"), "dormitory_unavailable": ("无宿舍", "No dormitory"),
           "family": ("家庭原因", "Family"), "health": ("健康原因", "Health"), "other": ("其他", "Other")}
ENDS = {"contract_ended": ("合同到期", "Contract ended"), "quit_wage": ("因工资辞职", "Quit: wage"),
        "quit_homesick": ("想家辞职", "Quit: homesick"), "quit_conditions": ("因工作条件辞职", "Quit: conditions"),
        "quit_family": ("因家庭辞职", "Quit: family"), "quit_other": ("其他原因辞职", "Quit: other"),
        "dismissed": ("辞退", "Dismissed"), "employer_closed": ("单位停业", "Employer closed"), "other": ("其他", "Other")}
CONTRACTS = {"fixed_term": ("固定期限", "Fixed term"), "open_ended": ("无固定期限", "Open-ended"),
             "task_based": ("以完成任务为期限", "Task-based"), "dispatch": ("劳务派遣", "Agency (dispatch)"),
             "none": ("无书面合同", "No written contract")}
POSTING_FIELDS = ("title", "occupation_code", "district_code", "address", "openings", "wage_min", "wage_max",
                  "provides_dormitory", "provides_meals", "social_insurance", "age_min", "age_max",
                  "education_min", "preferred_skills", "languages", "contract_months", "start_date",
                  "expires_on", "description")
EDIT_FIELDS = tuple(f for f in POSTING_FIELDS if f not in ("occupation_code", "district_code"))


def options(labels: dict[str, tuple[str, str]], keys=None) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(k, t(*labels[k])) for k in (keys or labels)]


def employer_reasons(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What an employer may read of a match's reasons: never the priority-group policy reason
    (it would reveal a household's poverty or monitoring status)."""
    return [r for r in reasons if r.get("feature") != "priority_group"]


def choices() -> dict[str, Any]:
    return {"education": options(EDUCATION, EDUCATION_LEVELS), "languages": options(LANGUAGE_LABELS, LANGUAGES),
            "contracts": options(CONTRACTS, CONTRACT_TYPES), "declines": options(DECLINE, DECLINE_REASONS),
            "ends": options(ENDS, END_REASONS), "status_map": STATUS, "states": STATES, "end_labels": ENDS,
            "today": clock.today().isoformat()}


# --- postings -----------------------------------------------------------------------------------

@bp.get("/employer/postings")
@console_page(*ROLES)
def employer_postings():
    status = request.args.get("status")
    args = {"status": status} if status in STATUS else {}
    rows = db.session().scalars(list_query(args).order_by(None).order_by(Posting.id.desc()).limit(500)).all()
    return render_template("console/employer_postings.html", rows=rows, status=status, **choices())


def _posting_form_page(form: Form, posting: Posting | None, status: int = 200):
    return render_template("console/employer_posting_form.html", form=form, posting=posting,
                           **choices()), status


def _fill_defaults(form: Form) -> Form:
    today = clock.today()
    form.data.update({"openings": "1", "age_min": "18", "age_max": "55", "contract_months": "12",
                      "social_insurance": "true", "start_date": today.isoformat(), "education_min": "none",
                      "languages": ["zh"]})
    return form


@bp.route("/employer/postings/new", methods=["GET", "POST"])
@console_page(*ROLES)
def employer_posting_new():
    if request.method == "GET":
        return _posting_form_page(_fill_defaults(Form()), None)
    form = load_form(PostingCreateSchema(only=POSTING_FIELDS))
    if form.ok:
        principal, session = auth.current(), db.session()
        try:
            employer_service.require_employer(session=session, employer_id=principal.employer_id)
            posting_service.check_content(session=session, data=form.values,
                                          minimum_wage=current_app.config["BEIJING_MIN_WAGE"])
            posting = posting_service.create_posting(session=session, employer_id=principal.employer_id,
                                                     data=form.values)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            auth.audit("posting.create", "posting", posting.id)
            flash(t(f"已发布岗位「{posting.title}」", f"Posting “{posting.title}” published"), "ok")
            return redirect(url_for("console.employer_posting", posting_id=posting.id))
    return _posting_form_page(form, None, 422)


def own_posting(posting_id: int) -> Posting:
    """The caller's own posting; another employer's is a 404 (the API's ``load_posting``)."""
    return load_posting(posting_id)


def _initial(posting: Posting) -> Form:
    data = present_posting(posting)
    shown = {k: ("" if data.get(k) is None else data[k]) for k in EDIT_FIELDS}
    for k in ("start_date", "expires_on"):
        shown[k] = data[k].isoformat() if data.get(k) else ""
    for k in ("provides_dormitory", "provides_meals", "social_insurance"):
        shown[k] = "true" if data[k] else "false"
    shown["preferred_skills"] = ", ".join(data.get("preferred_skills") or [])
    shown["languages"] = list(data.get("languages") or [])
    return Form.initial(shown)


@bp.route("/employer/postings/<int:posting_id>/edit", methods=["GET", "POST"])
@console_page(*ROLES)
def employer_posting_edit(posting_id: int):
    posting = own_posting(posting_id)
    if request.method == "GET":
        return _posting_form_page(_initial(posting), posting)
    form = load_form(PostingPatchSchema(only=EDIT_FIELDS))
    if form.ok:
        try:
            posting_service.update_posting(session=db.session(), posting=posting, data=form.values,
                                           minimum_wage=current_app.config["BEIJING_MIN_WAGE"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            auth.audit("posting.update", "posting", posting.id, fields=sorted(form.values))
            flash(t("岗位已保存", "Posting saved"), "ok")
            return redirect(url_for("console.employer_posting", posting_id=posting.id))
    return _posting_form_page(form, posting, 422)


@bp.post("/employer/postings/<int:posting_id>/close")
@console_page(*ROLES)
def employer_posting_close(posting_id: int):
    posting = own_posting(posting_id)
    try:
        posting_service.close_posting(session=db.session(), posting=posting)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        auth.audit("posting.close", "posting", posting.id)
        flash(t("岗位已关闭", "Posting closed"), "ok")
    return redirect(url_for("console.employer_posting", posting_id=posting.id))


def _posting_page(posting: Posting, status: int = 200):
    session = db.session()
    candidates = posting_matches(posting, 20) if posting.status == "open" else {"items": [], "ranker": None}
    for item in candidates["items"]:
        item["reasons"] = employer_reasons(item["reasons"])
    rows = session.execute(
        select(Application, Worker, Posting).join(Worker, Worker.id == Application.worker_id)
        .join(Posting, Posting.id == Application.posting_id)
        .where(Application.posting_id == posting.id).order_by(Application.id)).all()
    applications = present_applications([tuple(r) for r in rows])
    placements = present_placements(list(session.scalars(
        select(Placement).where(Placement.posting_id == posting.id,
                                Placement.employer_id == posting.employer_id).order_by(Placement.id))))
    invited = {a["worker_id"] for a in applications}
    return render_template("console/employer_posting.html", posting=present_posting(posting),
                           candidates=candidates, invited=invited, applications=applications,
                           placements=placements, **choices()), status


@bp.get("/employer/postings/<int:posting_id>")
@console_page(*ROLES)
def employer_posting(posting_id: int):
    return _posting_page(own_posting(posting_id))


@bp.post("/employer/postings/<int:posting_id>/invite")
@console_page(*ROLES)
def employer_posting_invite(posting_id: int):
    posting = own_posting(posting_id)
    form = load_form(ApplicationCreateSchema(only=("worker_id",)))
    worker = db.session().get(Worker, form.values["worker_id"]) if form.ok else None
    if worker is None or worker.erased_at is not None:
        flash(t("劳动力不存在", "No such worker"), "error")
        return redirect(url_for("console.employer_posting", posting_id=posting.id))
    try:
        refer_worker(worker, posting)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(t(f"已邀约 {worker.name}", f"{worker.name} invited"), "ok")
    return redirect(url_for("console.employer_posting", posting_id=posting.id) + "#applications")


def _application_page(application_id: int, form: Form | None = None, status: int = 200):
    application, worker, posting = load_application(application_id)
    shown = present_applications([(application, worker, posting)])[0]
    form = form or Form()
    to = form.value("to")
    hire = form if to == "hired" else Form(data={
        "placement.start_date": clock.today().isoformat(), "placement.monthly_wage": str(posting.wage_min),
        "placement.contract_type": "fixed_term", "placement.contract_months": str(posting.contract_months),
        "placement.social_insurance": "true" if posting.social_insurance else "false",
        "placement.dormitory": "true" if posting.provides_dormitory else "false"})
    reject = form if to == "rejected" else Form()
    return render_template("console/employer_application.html", application=shown, form=form, hire=hire,
                           reject=reject, **choices()), status


@bp.get("/employer/applications/<int:application_id>")
@console_page(*ROLES)
def employer_application(application_id: int):
    return _application_page(application_id)


@bp.post("/employer/applications/<int:application_id>/move")
@console_page(*ROLES)
def employer_application_move(application_id: int):
    application, worker, posting = load_application(application_id)
    to = request.form.get("to", "").strip()
    form = load_form(TransitionSchema())  # the hire form sends placement.*, a decline reason.*
    if form.ok:
        try:
            move_application(application, form.values)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            flash(t(f"{worker.name}：{STATES[application.state][0]}",
                    f"{worker.name}: {STATES[application.state][1]}"), "ok")
            return redirect(url_for("console.employer_posting", posting_id=posting.id) + "#applications")
    if to not in ("hired", "rejected"):
        flash("；".join(m for ms in form.errors.values() for m in ms), "error")
        return redirect(url_for("console.employer_posting", posting_id=posting.id) + "#applications")
    return _application_page(application_id, form, 422)


def _end_page(placement: Placement, form: Form, status: int = 200):
    shown = present_placements([placement])[0]
    return render_template("console/employer_placement_end.html", placement=shown, form=form,
                           **choices()), status


@bp.get("/employer/placements/<int:placement_id>/end")
@console_page(*ROLES)
def employer_placement_end_form(placement_id: int):
    return _end_page(load_placement(placement_id), Form(data={"end_date": clock.today().isoformat()}))


@bp.post("/employer/placements/<int:placement_id>/end")
@console_page(*ROLES)
def employer_placement_end(placement_id: int):
    placement = load_placement(placement_id)
    form = load_form(PlacementEndSchema())
    if form.ok:
        data = form.values
        try:
            placement_service.end_placement(
                session=db.session(), placement=placement, end_date=data["end_date"],
                reason_code=data["reason"]["code"], reason_text=data["reason"].get("text"), today=clock.today())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            auth.audit("placement.end", "placement", placement.id, reason=placement.end_reason)
            flash(t("已记录离职", "Departure recorded"), "ok")
            if placement.posting_id is not None:
                return redirect(url_for("console.employer_posting", posting_id=placement.posting_id) + "#hires")
            return redirect(url_for("console.employer_postings"))
    return _end_page(placement, form, 422)
