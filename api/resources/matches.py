"""Ranked, explained matches: jobs for a worker and workers for a job.

Every response names the ranker that answered (a model version, or ``heuristic`` when no
model is active or the active one was refused) and explains each match with the features
that moved the model's own score (faithful: score change when a feature takes its typical
value).
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from api.http import Blueprint
from api import auth, db, ranking
from api.auth import roles
from api.match_view import MatchOut, batch_profiles, posting_brief, present_match, worker_brief
from api.resources.postings import load_posting
from api.resources.workers import load_worker
from api.schemas.common import StrictSchema
from matching.constraints import AVAILABILITY_HORIZON_DAYS
from matching.rank import rank_postings_for_worker, rank_workers_for_posting
from models import clock
from models.workers.tables import Worker
from training.loading import posting_profile, worker_profiles
from training.scoring import lasting_in_batch, lasting_of_pairs

blp = Blueprint("matches", __name__, url_prefix="/api/v1",
                description="Ranked matches with reasons (岗位推荐 / 人岗匹配)")
MAX_CANDIDATE_WORKERS = 50_000


class WorkerMatchQuery(StrictSchema):
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))
    district = fields.List(fields.String(), metadata={"description": "Workplace codes (repeatable)"})
    occupation = fields.List(fields.String(), metadata={"description": "Occupation codes (repeatable)"})
    min_wage = fields.Integer(validate=validate.Range(min=1))


class PostingMatchQuery(StrictSchema):
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))


class MatchList(Schema):
    ranker = fields.String(metadata={"description": "Model version that answered, or `heuristic`"})
    fallback_reason = fields.String(allow_none=True)
    items = fields.List(fields.Nested(MatchOut))


@blp.route("/workers/<int:worker_id>/matches")
class WorkerMatches(MethodView):
    @roles("admin", "bureau")
    @blp.arguments(WorkerMatchQuery, location="query")
    @blp.response(200, MatchList)
    def get(self, args: dict[str, Any], worker_id: int):
        """Open postings ranked for a worker (hard constraints first, then lasting-employment score)."""
        worker = load_worker(worker_id)
        today = clock.today()
        profile = worker_profiles(db.session(), [worker], as_of=today)[0]
        scorer, open_postings = ranking.scorer(), ranking.open_postings()
        results = rank_postings_for_worker(
            profile, open_postings.batch, scorer.score, today, args["limit"],
            occupations=args.get("occupation"), districts=args.get("district"), min_wage=args.get("min_wage"),
            reference=scorer.reference, shortlist=scorer.shortlist)
        shown = batch_profiles(open_postings.batch, (r.posting_id for r in results))
        lasting = lasting_in_batch(scorer, profile, open_postings.batch, [r.posting_id for r in results], today)
        return {"ranker": scorer.name, "fallback_reason": scorer.fallback_reason,
                "items": [present_match(r, posting=posting_brief(open_postings.listings[r.posting_id]),
                                        profiles=(profile, shown[r.posting_id]), lasting=p)
                          for r, p in zip(results, lasting)]}


@blp.route("/postings/<int:posting_id>/matches")
class PostingMatches(MethodView):
    @roles("admin", "bureau", "employer")
    @blp.arguments(PostingMatchQuery, location="query")
    @blp.response(200, MatchList)
    def get(self, args: dict[str, Any], posting_id: int):
        """Seeking workers ranked for a posting; employers see them masked, bureaus only their counties.

        脱贫人口 and 监测对象 get the configured priority weight (`POVERTY_PRIORITY_WEIGHT`),
        shown to bureaus and administrators as the first reason whenever it applies; employers
        get the same order without the bonus, the scores or that reason (PIPL Art. 28).
        """
        return posting_matches(load_posting(posting_id), args["limit"])


def posting_matches(posting, limit: int) -> dict[str, Any]:
    """Seeking workers ranked for ``posting`` as the caller may see them (the API's answer and
    the console's candidate list): employers their own postings only (404), workers masked."""
    principal = auth.current()
    if principal.role == "employer" and posting.employer_id != principal.employer_id:
        abort(404)
    today = clock.today()
    session = db.session()
    stmt = (select(Worker).where(Worker.status == "seeking", Worker.erased_at.is_(None),
                                 Worker.profile_complete.is_(True),
                                 Worker.available_from <= today + timedelta(days=AVAILABILITY_HORIZON_DAYS))
            .order_by(Worker.id.desc()).limit(MAX_CANDIDATE_WORKERS))
    if principal.role == "bureau":
        stmt = stmt.where(Worker.county_code.in_(sorted(principal.counties)))
    workers = session.scalars(stmt).all()
    scorer = ranking.scorer()
    job, people = posting_profile(posting), worker_profiles(session, workers, as_of=today)
    profile_of = {p.worker_id: p for p in people}
    retention = ranking.open_postings().employers  # the day's employer history, cached with the index
    results = rank_workers_for_posting(
        job, people, scorer.score, today,
        limit, priority_weight=current_app.config["POVERTY_PRIORITY_WEIGHT"],
        retention=retention, reference=scorer.reference)
    lasting = lasting_of_pairs(scorer, [(profile_of[r.worker_id], job) for r in results], today, retention)
    by_id = {w.id: w for w in workers}
    employer_view = principal.role == "employer"
    if employer_view:
        auth.audit("posting.matches", "posting", posting.id, workers=[r.worker_id for r in results])
    return {"ranker": scorer.name, "fallback_reason": scorer.fallback_reason,
            "items": [present_match(r, worker=worker_brief(by_id[r.worker_id], db.vault(),
                                                           employer_view=employer_view),
                                    employer_view=employer_view, profiles=(profile_of[r.worker_id], job),
                                    lasting=p)
                      for r, p in zip(results, lasting)]}
