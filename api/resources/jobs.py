"""/api/v1/jobs — scheduled job runs (任务运行记录), recorded by ``models.scheduling.runner``."""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from api import auth
from api.auth import roles
from api.http import Blueprint, paginate
from api import schedule  # noqa: F401  (registers the jobs)
from api.schemas.common import PageQuery
from models.scheduling.runner import JOBS, cron_for
from models.scheduling.tables import JobRun

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs",
                description="Scheduled jobs and their runs (admins and bureaus may read)")


class JobQuery(PageQuery):
    job = fields.String(validate=validate.OneOf(sorted(JOBS)))
    status = fields.String(validate=validate.Length(max=48))


class JobRunOut(Schema):
    id = fields.Integer()
    job = fields.String()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    status = fields.String()
    counts = fields.Dict()
    error = fields.String(allow_none=True)
    holder = fields.String()
    trigger = fields.String()


class JobDefinitionOut(Schema):
    id = fields.String()
    cron = fields.String()
    cron_setting = fields.String()
    description = fields.String()


class JobsOut(Schema):
    jobs = fields.List(fields.Nested(JobDefinitionOut))
    items = fields.List(fields.Nested(JobRunOut))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


@blp.route("")
class Jobs(MethodView):
    @roles("admin", "bureau")
    @blp.arguments(JobQuery, location="query")
    @blp.response(200, JobsOut)
    def get(self, args: dict[str, Any]):
        """The jobs with their cron settings, and their runs, newest first (filters: job, status)."""
        stmt = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc())
        if "job" in args:
            stmt = stmt.where(JobRun.job == args["job"])
        if "status" in args:
            stmt = stmt.where(JobRun.status == args["status"])
        page = paginate(stmt, args["page"], args["page_size"])
        if not auth.current().is_admin:  # tracebacks may quote data: administrators only
            page["items"] = [{**{c.key: getattr(r, c.key) for c in JobRun.__table__.columns}, "error": None}
                             for r in page["items"]]
        page["jobs"] = [{"id": s.id, "cron": cron_for(s, current_app.config), "cron_setting": s.cron_setting,
                         "description": s.description} for s in JOBS.values()]
        return page
