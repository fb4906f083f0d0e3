"""/api/v1/fairs/{id}/… — ranked matches, the interview plan, printable lists and the summary.

Every ranked answer names the ranker that produced it. Workers appear masked everywhere
(employers: name and masked ID only), in JSON, workbooks and printable pages alike.
"""
from __future__ import annotations

from typing import Any

from flask import Response, current_app, render_template
from flask.views import MethodView
from flask_smorest import abort

from api.http import Blueprint
from api import auth, db, ranking
from api.auth import roles
from api.match_view import explained, facts_of, lasting_view, posting_brief, present_match, worker_brief
from api.resources.fairs import load_fair
from api.schemas.fairs import ExportQuery, FairMatchesOut, MatchesQuery, PlanIn, PlanOut, SummaryOut
from api.tabular.writers import XLSX_MIME, PrintSheet, a4_workbook, content_disposition, download
from matching.destinations import destination_tier
from models import clock
from models.fairs import booths as fair_booths, service as fair_service
from models.placements import applications as application_service
from models.workers import service as worker_service
from models.reference import gbt2260
from models.fairs.tables import Fair, FairInterview, FairPlan
from models.postings.tables import Posting
from models.workers.tables import Worker
from training.loading import posting_profile, worker_profiles
from training.fairs import compute_plan, plan_congestion, rank_fair_attendees, rank_fair_postings
from training.scoring import HEURISTIC

blp = Blueprint("fair_plans", __name__, url_prefix="/api/v1/fairs",
                description="Job fair matches, interview plans, printable lists and summaries")
PRINT_NOTE = ("★ 首选：计划录用的面试；○ 备选：首选未成功时的面试。稳定就业可能性为估计录用后在岗满90天的可能性（{ranker}）。"
              "身份证号已隐去中间位数；联系电话仅在劳动力被推荐到该岗位后显示。")
HTML_DOC = {"description": "A printable A4 page (format=html) or a workbook (format=xlsx)"}


def fair_people(fair: Fair) -> tuple[dict[int, Posting], dict[int, Worker]]:
    session = db.session()
    return ({p.id: p for _, p in fair_service.postings_of(session, fair.id)},
            {w.id: w for _, w in fair_service.attendees_of(session, fair.id)})


@blp.route("/<int:fair_id>/matches")
class FairMatches(MethodView):
    @roles("admin", "bureau", "employer", "fair")
    @blp.arguments(MatchesQuery, location="query")
    @blp.response(200, FairMatchesOut)
    def get(self, args: dict[str, Any], fair_id: int):
        """Ranked with reasons: `?worker_id=` the fair's postings for an attendee; `?posting_id=`
        the fair's attendees for a posting (employers: their own postings, workers masked)."""
        fair = load_fair(fair_id)
        principal = auth.current()
        employer_view = principal.role == "employer"
        postings, workers = fair_people(fair)
        scorer, today = ranking.scorer(), clock.today()
        if "worker_id" in args:
            if employer_view:
                abort(403, message="用人单位只能查看本单位岗位的候选人 / Employers rank attendees "
                                   "for their own postings only")
            worker = workers.get(args["worker_id"]) or abort(404)
            results = rank_fair_postings(db.session(), fair, worker, scorer, today=today, limit=args["limit"])
            person = worker_profiles(db.session(), [worker], as_of=today)[0]
            return {"ranker": scorer.name, "fair_id": fair.id,
                    "worker": worker_brief(worker, db.vault(), employer_view=False),
                    "items": [present_match(r, posting=posting_brief(postings[r.posting_id]),
                                            profiles=(person, posting_profile(postings[r.posting_id])))
                              for r in results]}
        posting = postings.get(args["posting_id"])
        if posting is None or (employer_view and posting.employer_id != principal.employer_id):
            abort(404)
        results = rank_fair_attendees(db.session(), fair, posting, scorer, today=today, limit=args["limit"],
                                      priority_weight=current_app.config["POVERTY_PRIORITY_WEIGHT"])
        auth.audit("fair.matches", "posting", posting.id, fair_id=fair.id, shown=len(results))
        job = posting_profile(posting)
        people = {p.worker_id: p for p in worker_profiles(
            db.session(), [workers[r.worker_id] for r in results], as_of=today)}
        return {"ranker": scorer.name, "fair_id": fair.id, "posting": posting_brief(posting),
                "items": [present_match(r, worker=worker_brief(workers[r.worker_id], db.vault(),
                                                                employer_view=employer_view),
                                        employer_view=employer_view, profiles=(people[r.worker_id], job))
                          for r in results]}


def load_plan(fair: Fair) -> tuple[FairPlan, list[FairInterview]]:
    plan, rows = fair_service.plan_of(db.session(), fair.id)
    if plan is None:
        abort(404, message="尚未生成面试安排 / No interview plan yet")
    return plan, rows


def pair_facts_of(rows: list[FairInterview], postings: dict[int, Posting],
                  workers: dict[int, Worker]) -> dict[tuple[int, int], list[dict[str, Any]]]:
    """The checkable facts of each planned (worker, posting) pair."""
    today = clock.today()
    people = {p.worker_id: p for p in worker_profiles(
        db.session(), [workers[w] for w in sorted({r.worker_id for r in rows})], as_of=today)}
    jobs = {pid: posting_profile(p) for pid, p in postings.items()}
    out = {}
    for r in rows:
        person, job = people[r.worker_id], jobs[r.posting_id]
        tier = destination_tier(job.district_code, person.county_code, person.paired_districts)
        out[(r.worker_id, r.posting_id)] = facts_of(person, job, tier)
    return out


class Schedule:
    """Where and when the fair's interviews are: booth numbers and the time slot of a queue place
    (``models.fairs.booths`` with the ``FAIR_INTERVIEWS_START`` / ``FAIR_INTERVIEW_MINUTES`` settings)."""

    def __init__(self, fair: Fair) -> None:
        self.booths = fair_booths.booth_numbers(db.session(), fair.id)
        self.start = str(current_app.config["FAIR_INTERVIEWS_START"])
        self.minutes = int(current_app.config["FAIR_INTERVIEW_MINUTES"])

    def slot(self, booth_order: int) -> str:
        return fair_booths.interview_slot(booth_order, start=self.start, minutes=self.minutes)


def interview_view(row: FairInterview, posting: Posting, worker: Worker, *, employer_view: bool,
                   calibrated: bool, schedule: Schedule, for_employer: bool = False,
                   facts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One planned interview; ``for_employer`` (a list handed to the employer, whoever prints
    it) keeps no priority reason. ``facts`` give the pair's facts and missing-skill reasons."""
    facts = facts or []
    return {"worker": worker_brief(worker, db.vault(), employer_view=employer_view),
            "posting_id": posting.id, "posting_title": posting.title, "employer_id": posting.employer_id,
            "employer_name": posting.employer.name, "is_primary": row.is_primary, "p": row.p,
            "p_hired": row.p_hired, "p_lasting": row.p_lasting, "lasting": lasting_view(row.p_lasting),
            "booth_order": row.booth_order, "booth": schedule.booths.get(posting.id),
            "slot": schedule.slot(row.booth_order),
            "facts": facts,
            "reasons": explained(row.reasons, facts, employer_view=for_employer or employer_view),
            "kind": "首选（计划录用）" if row.is_primary else "备选",
            # 稳定就业可能性 only when a model with probabilities planned (the heuristic has none).
            "percent": f"{row.p_lasting:.0%}" if calibrated and row.p_lasting is not None else "—"}


def plan_view(fair: Fair, plan: FairPlan, rows: list[FairInterview]) -> dict[str, Any]:
    postings, workers = fair_people(fair)
    facts = pair_facts_of(rows, postings, workers)
    schedule = Schedule(fair)
    booths = []
    for pid, cap in plan.detail.get("postings", {}).items():
        mine = [r for r in rows if r.posting_id == int(pid)]
        booths.append({"posting_id": int(pid), "title": postings[int(pid)].title, **cap,
                       "interviews": len(mine), "planned_hires": sum(r.is_primary for r in mine)})
    return {
        "fair_id": fair.id, "ranker": plan.ranker, "attendee_limit": plan.attendee_limit,
        "status": plan.status, "expected_lasting_placements": plan.expected_lasting_placements,
        "computed_at": plan.computed_at, "attendees": plan.detail.get("attendees", 0),
        "allowed_pairs": plan.detail.get("allowed_pairs", 0),
        "congestion": plan_congestion(plan, rows).as_row(), "booths": booths,
        "interviews": [interview_view(r, postings[r.posting_id], workers[r.worker_id], employer_view=False,
                                      calibrated=plan.ranker != HEURISTIC, schedule=schedule,
                                      facts=facts[(r.worker_id, r.posting_id)])
                       for r in rows],
    }


@blp.route("/<int:fair_id>/plan")
class FairPlanResource(MethodView):
    @roles("admin", "bureau", "fair")
    @blp.response(200, PlanOut)
    def get(self, fair_id: int):
        """The stored interview plan with congestion figures."""
        fair = load_fair(fair_id)
        return plan_view(fair, *load_plan(fair))

    @roles("admin", "fair")
    @blp.arguments(PlanIn)
    @blp.response(201, PlanOut)
    @blp.alt_response(409, description="The fair is closed")
    def post(self, data: dict[str, Any], fair_id: int):
        """(Re)compute the plan: at most `limit` interviews per attendee (default 3), booth slots
        and openings respected, maximising expected lasting placements."""
        fair = load_fair(fair_id)
        fair_service.require_plannable(fair)
        scorer = ranking.scorer()
        computed = compute_plan(db.session(), fair, scorer, today=clock.today(), limit=data["limit"])
        fair_service.store_plan(
            session=db.session(), fair=fair, interviews=computed.interviews, ranker=scorer.name,
            limit=data["limit"], status=computed.status, expected=computed.expected,
            detail=computed.detail, computed_by=auth.current().user_id)
        auth.audit("fair.plan", "fair", fair.id, interviews=len(computed.interviews), ranker=scorer.name)
        return plan_view(fair, *fair_service.plan_of(db.session(), fair.id))


def organisers(fair: Fair) -> str:
    return "、".join(gbt2260.region_name(c) for c in [*fair.counties, *fair.districts])


def printable(template: str, filename: str, fair: Fair, plan: FairPlan, **context: Any) -> Response:
    html = render_template(template, fair=fair, organisers=organisers(fair), ranker=plan.ranker,
                           minutes=current_app.config["FAIR_INTERVIEW_MINUTES"],
                           printed_on=clock.today().isoformat(), **context)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Disposition"] = content_disposition(f"{filename}.html", "inline")
    response.headers["Cache-Control"] = "no-store"  # personal data must not sit in caches
    return response


def reasons_text(row: dict[str, Any]) -> str:
    """The printed reasons cell as text: the required skills held, then the reasons."""
    return "；".join([str(f["text_zh"]) for f in row["facts"] if f["code"] == "skill_held"]
                    + [str(r["text_zh"]) for r in row["reasons"]])


NOT_YET = "推荐后可见"
"""The contact cell of a candidate the employer may not call yet (DOMAIN: no phone before referral)."""


def contacts(fair: Fair, pairs: set[tuple[int, int]], workers: dict[int, Worker]) -> dict[tuple[int, int], str]:
    """The phone of each (worker, posting) pair whose employer may call the worker now
    (``employer_may_contact`` of their application); each disclosure is audited."""
    out = {}
    for worker_id, posting_id in sorted(application_service.contactable(session=db.session(), pairs=pairs)):
        _, phone = worker_service.reveal(workers[worker_id], db.vault())
        if phone:
            out[(worker_id, posting_id)] = phone
            auth.audit("worker.phone_disclosed", "worker", worker_id, via="fair_interview_list", ref=fair.id,
                       posting_id=posting_id)
    return out


@blp.route("/<int:fair_id>/interview-lists/<int:employer_id>")
class FairInterviewList(MethodView):
    @roles("admin", "bureau", "employer", "fair")
    @blp.arguments(ExportQuery, location="query")
    @blp.response(200, content_type="text/html", **HTML_DOC)
    def get(self, args: dict[str, Any], fair_id: int, employer_id: int):
        """One employer's interview list for the fair (employers: their own), by booth queue."""
        fair = load_fair(fair_id)
        principal = auth.current()
        if principal.role == "employer" and principal.employer_id != employer_id:
            abort(404)
        plan, rows = load_plan(fair)
        postings, workers = fair_people(fair)
        mine = [p for p in postings.values() if p.employer_id == employer_id]
        if not mine:
            abort(404)
        employer_view = principal.role == "employer"
        listed = [r for r in rows if r.posting_id in {p.id for p in mine}]
        facts = pair_facts_of(listed, postings, workers)
        phones = contacts(fair, {(r.worker_id, r.posting_id) for r in listed}, workers)
        schedule = Schedule(fair)
        booths = [{"title": p.title, "district_name": gbt2260.region_name(p.district_code),
                   "booth": schedule.booths.get(p.id),
                   "openings_left": plan.detail["postings"].get(str(p.id), {}).get("openings_left", p.openings_left),
                   "slots": plan.detail["postings"].get(str(p.id), {}).get("slots", 0),
                   "rows": [{**interview_view(r, p, workers[r.worker_id], employer_view=employer_view,
                                              calibrated=plan.ranker != HEURISTIC, for_employer=True,
                                              schedule=schedule, facts=facts[(r.worker_id, p.id)]),
                             "contact": phones.get((r.worker_id, p.id), NOT_YET)}
                            for r in listed if r.posting_id == p.id]} for p in mine]
        employer_name = mine[0].employer.name
        auth.audit("fair.export", "fair", fair.id, kind="interview_list", employer_id=employer_id,
                   format=args["format"])
        title = f"面试名单_{employer_name}_{fair.starts_on}"
        if args["format"] == "html":
            return printable("fairs/interview_list.html", f"interview-list-{fair.id}-{employer_id}", fair, plan,
                             employer_name=employer_name, booths=booths)
        headers = ["展位号", "岗位", "排队号", "时段", "姓名", "身份证号", "联系电话", "户籍旗县", "类型",
                   "稳定就业可能性（录用后满90天）", "推荐理由", "面试结果", "签字"]
        data = [[b["booth"], b["title"], r["booth_order"], r["slot"], r["worker"]["name"], r["worker"]["id_number"],
                 r["contact"], r["worker"]["county_name"], r["kind"],
                 r["lasting"]["zh"].split("：", 1)[1] if r["lasting"] and r["percent"] != "—" else "—",
                 reasons_text(r), "", ""]
                for b in booths for r in b["rows"]]
        sheet = PrintSheet("面试名单", [f"面试名单（用人单位）：{employer_name}",
                                       f"{fair.name} · {fair.starts_on} · {organisers(fair)}"], headers, data,
                           widths=[6, 14, 6, 12, 8, 19, 13, 10, 9, 9, 40, 10, 10],
                           note=PRINT_NOTE.format(ranker=plan.ranker))
        return download(a4_workbook([sheet]), f"{title}.xlsx", XLSX_MIME)


@blp.route("/<int:fair_id>/attendees/<int:worker_id>/sheet")
class FairAttendeeSheet(MethodView):
    @roles("admin", "bureau", "fair")
    @blp.arguments(ExportQuery, location="query")
    @blp.response(200, content_type="text/html", **HTML_DOC)
    def get(self, args: dict[str, Any], fair_id: int, worker_id: int):
        """One attendee's interview sheet: where to go, in which order, and why."""
        fair = load_fair(fair_id)
        plan, rows = load_plan(fair)
        postings, workers = fair_people(fair)
        worker = workers.get(worker_id) or abort(404)
        mine = sorted((r for r in rows if r.worker_id == worker_id), key=lambda r: (not r.is_primary, -r.p))
        facts = pair_facts_of(mine, postings, workers)
        schedule = Schedule(fair)
        items = [{**interview_view(r, postings[r.posting_id], worker, employer_view=False,
                                   calibrated=plan.ranker != HEURISTIC, schedule=schedule,
                                   facts=facts[(r.worker_id, r.posting_id)]),
                  "title": postings[r.posting_id].title,
                  "district_name": gbt2260.region_name(postings[r.posting_id].district_code),
                  "wage_min": postings[r.posting_id].wage_min, "wage_max": postings[r.posting_id].wage_max,
                  "provides_dormitory": postings[r.posting_id].provides_dormitory} for r in mine]
        brief = worker_brief(worker, db.vault(), employer_view=False)
        auth.audit("fair.export", "fair", fair.id, kind="attendee_sheet", worker_id=worker_id,
                   format=args["format"])
        if args["format"] == "html":
            return printable("fairs/attendee_sheet.html", f"attendee-sheet-{fair.id}-{worker_id}", fair, plan,
                             worker=brief, rows=items)
        headers = ["顺序", "用人单位", "岗位", "工作地点", "月薪下限", "月薪上限", "宿舍", "展位号", "时段", "排队号",
                   "类型", "推荐理由", "面试结果", "签字"]
        data = [[k, i["employer_name"], i["title"], i["district_name"], i["wage_min"], i["wage_max"],
                 "提供" if i["provides_dormitory"] else "不提供", i["booth"], i["slot"], i["booth_order"], i["kind"],
                 reasons_text(i), "", ""] for k, i in enumerate(items, 1)]
        info = [["姓名", brief["name"]], ["身份证号", brief["id_number"]], ["户籍旗县", brief["county_name"]],
                ["招聘会", fair.name], ["日期", fair.starts_on]]
        sheets = [PrintSheet("面试安排", [f"求职者面试安排单：{brief['name']}（{brief['id_number'] or '—'}，"
                                         f"{brief['county_name']}）", f"{fair.name} · {fair.starts_on}"], headers, data,
                             widths=[5, 14, 12, 9, 7, 7, 6, 6, 12, 6, 9, 36, 10, 10],
                             note=PRINT_NOTE.format(ranker=plan.ranker)),
                  PrintSheet("求职者", [], ["项目", "内容"], info, widths=[12, 40])]
        return download(a4_workbook(sheets), f"面试安排_{brief['name']}_{fair.starts_on}.xlsx", XLSX_MIME)


@blp.route("/<int:fair_id>/summary")
class FairSummary(MethodView):
    @roles("admin", "bureau", "fair")
    @blp.response(200, SummaryOut)
    @blp.alt_response(409, description="The fair has not closed yet")
    def get(self, fair_id: int):
        """After the fair closes: attendees, interviews, hires at the fair and their 90-day
        retention, by county and poverty status."""
        fair = load_fair(fair_id)
        out = fair_service.summary(session=db.session(), fair=fair, today=clock.today())
        for group in out["groups"]:
            group["county_name"] = gbt2260.region_name(group["county_code"])
        return {"fair_id": fair.id, "name": fair.name, "starts_on": fair.starts_on, "ends_on": fair.ends_on,
                "status": fair.status, **out}
