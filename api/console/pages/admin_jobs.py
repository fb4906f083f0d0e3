"""Administrators: the scheduled jobs (cron) and their runs, newest first (as ``/api/v1/jobs``)."""
from __future__ import annotations

from flask import current_app, render_template, request
from sqlalchemy import func, select

from api import db
from api import schedule  # noqa: F401  (registers the jobs)
from api.console.frame import bp, console_page, nav_item
from models.scheduling.runner import JOBS, cron_for
from models.scheduling.tables import JobRun

nav_item("定时任务", "Scheduled jobs", "console.admin_jobs", ("admin",), order=88,
         description_zh="每次运行的结果与错误", description_en="Every run, its counts and errors")

PAGE_SIZE = 50


@bp.get("/admin/jobs")
@console_page("admin")
def admin_jobs():
    job = request.args.get("job") if request.args.get("job") in JOBS else None
    try:
        page = max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    stmt = select(JobRun)
    if job:
        stmt = stmt.where(JobRun.job == job)
    total = db.session().scalar(select(func.count()).select_from(stmt.subquery()))
    runs = db.session().scalars(stmt.order_by(JobRun.started_at.desc(), JobRun.id.desc())
                                .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    jobs = [{"id": s.id, "cron": cron_for(s, current_app.config), "description": s.description}
            for s in JOBS.values()]
    return render_template("console/admin_jobs.html", jobs=jobs, runs=runs, job=job, page=page, total=total,
                           pages=max(1, -(-total // PAGE_SIZE)))
