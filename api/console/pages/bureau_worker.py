"""County bureaus: one worker's page — profile (masked; an audited reveal as
``GET /api/v1/workers/{id}?reveal=true``), ranked matches with their reasons (the functions of
``/api/v1/workers/{id}/matches``), refer to a posting, the applications and their moves,
placements with follow-ups due and a form to record one, and subsidy eligibility — every
action through the service its API resource calls, with the same object-level checks."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from api import auth, db, ranking
from api.console.forms import Form, load_form
from api.console.frame import bp, console_page, t
from api.console.pages import bureau_common as common
from api.match_view import posting_brief, present_match
from api.resources.applications import (load_application, move_application, present_many as present_applications,
                                       refer_worker)
from api.resources.placements import load_placement, present_many as present_placements
from api.resources.workers import correct_id_number, load_worker, present
from api.schemas.applications import TransitionSchema
from api.schemas.placements import FollowUpCreateSchema
from api.schemas.workers import IdNumberCorrectionSchema
from matching.rank import rank_postings_for_worker
from models import clock
from models.errors import DomainError
from models.placements import service as placement_service
from models.placements.tables import Application, Placement
from models.postings.tables import Posting
from models.subsidies import claims as claim_service
from models.workers.tables import Worker
from training.loading import worker_profiles

MATCH_LIMIT = 10


def matches_for(worker: Worker) -> dict[str, Any]:
    """Open postings ranked for the worker, exactly as ``GET /api/v1/workers/{id}/matches``."""
    today = clock.today()
    profile = worker_profiles(db.session(), [worker], as_of=today)[0]
    scorer, open_postings = ranking.scorer(), ranking.open_postings()
    results = rank_postings_for_worker(profile, open_postings.batch, scorer.score, today, MATCH_LIMIT,
                                       reference=scorer.reference, shortlist=scorer.shortlist)
    return {"ranker": scorer.name, "fallback_reason": scorer.fallback_reason,
            "items": [present_match(r, posting=posting_brief(open_postings.listings[r.posting_id]))
                      for r in results]}


def eligibility_for(worker: Worker) -> list[dict[str, Any]]:
    """What the worker could get under the policies in force, as ``…/eligibility`` shows it."""
    session, today = db.session(), clock.today()
    claims = claim_service.claims_by_key(session=session, worker_id=worker.id)
    out = []
    for f in claim_service.evaluate_worker(session=session, worker_id=worker.id, as_of=today):
        claim = claims.get((f.policy.key, f.evaluation.period_key))
        out.append({"placement_id": f.placement.id, "policy_name": f.policy.name, "policy_key": f.policy.key,
                    "eligible": f.evaluation.eligible, "amount_fen": f.evaluation.amount_fen,
                    "payee": f.evaluation.payee, "period_key": f.evaluation.period_key,
                    "qualified_on": f.evaluation.qualified_on, "conditions": f.evaluation.conditions_json(),
                    "evidence_accepted": list(f.evaluation.evidence_accepted),
                    "claim_id": claim.id if claim else None, "claim_state": claim.state if claim else None})
    return out


def worker_page(worker: Worker, *, reveal: bool = False, forms: dict[str, Form] | None = None,
                status: int = 200):
    session = db.session()
    rows = session.execute(select(Application, Worker, Posting).join(Worker, Worker.id == Application.worker_id)
                           .join(Posting, Posting.id == Application.posting_id)
                           .where(Application.worker_id == worker.id).order_by(Application.id.desc())).all()
    applications = present_applications([tuple(r) for r in rows])
    placements = present_placements(list(session.scalars(
        select(Placement).where(Placement.worker_id == worker.id).order_by(Placement.start_date.desc()))))
    follow_ups = placement_service.follow_ups_of(session=session, placement_ids=[p["id"] for p in placements])
    referred = {a["posting_id"] for a in applications if a["state"] in ("referred", "interviewing")}
    forms = forms or {}
    return render_template(
        "console/bureau_worker.html", worker=present(worker, reveal=reveal), matches=matches_for(worker),
        applications=applications, placements=placements, follow_ups=follow_ups, eligibility=eligibility_for(worker),
        referred=referred, forms=forms, empty=Form(data={"contact_date": clock.today().isoformat()}),
        hire_initial=Form(data={"placement.start_date": clock.today().isoformat(),
                                "placement.contract_months": "12", "placement.social_insurance": "true"}),
        common=common, today=clock.today()), status


@bp.get("/workers/<int:worker_id>")
@console_page("bureau", "admin")
def bureau_worker(worker_id: int):
    return worker_page(load_worker(worker_id))


@bp.post("/workers/<int:worker_id>/reveal")
@console_page("bureau", "admin")
def bureau_worker_reveal(worker_id: int):
    """Show the full ID number and phone once, on this answer only; audited like the API's reveal."""
    worker = load_worker(worker_id)
    auth.audit("worker.reveal", "worker", worker.id, fields=["id_number", "phone"])
    return worker_page(worker, reveal=True)


@bp.post("/workers/<int:worker_id>/id-number")
@console_page("bureau", "admin")
def bureau_worker_id_number(worker_id: int):
    """Correct a mistyped ID number, exactly as ``POST /api/v1/workers/{id}/id-number``."""
    worker = load_worker(worker_id)
    form = load_form(IdNumberCorrectionSchema())
    if form.ok:
        try:
            correction = correct_id_number(worker, form.values["id_number"], form.values["reason"])
        except DomainError as exc:
            form.add_domain_error(exc)
            if holder := (exc.detail or {}).get("existing_worker_id"):
                form.add_error("id_number", f"已登记编号 / registered as worker #{holder}")
        else:
            flash(t(f"身份证号已更正为 {correction.masked}", f"ID number corrected to {correction.masked}"), "ok")
            return redirect(url_for("console.bureau_worker", worker_id=worker.id))
    return worker_page(worker, forms={"id-number": form}, status=422)


@bp.post("/workers/<int:worker_id>/refer")
@console_page("bureau", "admin")
def bureau_worker_refer(worker_id: int):
    worker = load_worker(worker_id)
    principal, session = auth.current(), db.session()
    raw = request.form.get("posting_id", "")
    posting = session.get(Posting, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if posting is None or not principal.sees_employer(posting.employer_id):
        flash(t("岗位不存在", "No such posting"), "error")
        return redirect(url_for("console.bureau_worker", worker_id=worker.id, _anchor="matches"))
    try:
        refer_worker(worker, posting)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("console.bureau_worker", worker_id=worker.id, _anchor="matches"))
    flash(t(f"已推荐到「{posting.title}」", f"Referred to “{posting.title}”"), "ok")
    return redirect(url_for("console.bureau_worker", worker_id=worker.id, _anchor="applications"))


@bp.post("/workers/<int:worker_id>/applications/<int:application_id>/move")
@console_page("bureau", "admin")
def bureau_application_move(worker_id: int, application_id: int):
    """One move of the state machine; hiring carries the placement terms, a decline its reason."""
    worker = load_worker(worker_id)
    application, _, _ = load_application(application_id)
    if application.worker_id != worker.id:
        abort(404)
    form = load_form(TransitionSchema())
    if form.ok:
        try:
            move_application(application, form.values)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            flash(t(f"申请已变为：{common.label(common.APPLICATION_STATE, application.state)}",
                    f"Application moved to {common.label(common.APPLICATION_STATE, application.state)}"), "ok")
            return redirect(url_for("console.bureau_worker", worker_id=worker.id, _anchor=f"application-{application.id}"))
    key = f"move-{application.id}-{request.form.get('to', '')}"
    return worker_page(worker, forms={key: form}, status=422)


@bp.post("/workers/<int:worker_id>/placements/<int:placement_id>/follow-ups")
@console_page("bureau", "admin")
def bureau_follow_up(worker_id: int, placement_id: int):
    worker = load_worker(worker_id)
    placement = load_placement(placement_id)
    if placement.worker_id != worker.id:
        abort(404)
    form = load_form(FollowUpCreateSchema())
    if form.ok:
        try:
            follow_up = placement_service.add_follow_up(session=db.session(), placement=placement, data=form.values,
                                                        recorded_by=auth.current().user_id, today=clock.today())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            auth.audit("follow_up.create", "placement", placement.id, follow_up_id=follow_up.id)
            flash(t("回访已记录", "Follow-up recorded"), "ok")
            return redirect(url_for("console.bureau_worker", worker_id=worker.id, _anchor=f"placement-{placement.id}"))
    return worker_page(worker, forms={f"follow-{placement.id}": form}, status=422)
