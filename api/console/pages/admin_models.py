"""Administrators: ranker model versions with their held-out evaluation, activate, roll back
(``training.registry``, as ``/api/v1/models``)."""
from __future__ import annotations

import math
from typing import Any

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select

from api import db, ranking
from api.auth import audit
from api.console.frame import bp, console_page, nav_item, t
from models.errors import DomainError
from models.rankers.tables import ModelVersion
from training import registry
from training.evaluate import DIRECTIONS

nav_item("模型版本", "Model versions", "console.admin_models", ("admin",), order=84,
         description_zh="评估结果、启用与回滚", description_en="Evaluation, activate, roll back")

METRICS = ("ndcg@5", "ndcg@10", "recall@10", "mrr")
DIRECTION_LABELS = {"jobs_for_worker": ("为劳动力推荐岗位", "jobs for a worker"),
                    "workers_for_job": ("为岗位推荐劳动力", "workers for a job")}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not math.isnan(value) else None


def evaluation(metrics: dict[str, Any]) -> dict[str, Any] | None:
    """The stored held-out report as rows (direction × metric) of each scorer's value, and the
    bars of a chart (x, height in a 0–1 scale) — drawn as SVG in the template, no script."""
    scorers = metrics.get("scorers") if isinstance(metrics, dict) else None
    if not scorers:
        return None
    names = [n for n in ("ranker", "heuristic") if n in scorers] + sorted(set(scorers) - {"ranker", "heuristic"})
    rows, bars = [], []
    slot = 0
    for direction in DIRECTIONS:
        for metric in METRICS:
            values = {n: _number((scorers[n].get(direction) or {}).get(metric)) for n in names}
            if all(v is None for v in values.values()):
                continue
            rows.append({"direction": DIRECTION_LABELS[direction], "metric": metric, "values": values})
            for i, name in enumerate(names):
                if values[name] is not None:
                    bars.append({"slot": slot, "series": i, "name": name, "value": values[name],
                                 "label": f"{metric} {DIRECTION_LABELS[direction][1]}"})
            slot += 1
    return {"pairs": metrics.get("pairs"), "workers": metrics.get("workers"), "scorers": names,
            "rows": rows, "bars": bars, "slots": slot}


@bp.get("/admin/models")
@console_page("admin")
def admin_models():
    scorer = ranking.scorer()
    rows = db.session().scalars(select(ModelVersion).order_by(ModelVersion.id.desc())).all()
    return render_template("console/admin_models.html", rows=rows, answering=scorer.name,
                           fallback_reason=scorer.fallback_reason,
                           evaluations={r.version: evaluation(r.metrics or {}) for r in rows})


@bp.post("/admin/models/<string:version>/activate")
@console_page("admin")
def admin_models_activate(version: str):
    row = registry.activate(db.session(), version)
    audit("model.activate", "model", row.version)
    flash(t(f"已启用模型 {row.version}", f"Model {row.version} activated"), "ok")
    return redirect(url_for("console.admin_models"))


@bp.post("/admin/models/rollback")
@console_page("admin")
def admin_models_rollback():
    try:
        row = registry.rollback(db.session())
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("console.admin_models"))
    audit("model.rollback", "model", row.version)
    flash(t(f"已回滚到模型 {row.version}", f"Rolled back to model {row.version}"), "ok")
    return redirect(url_for("console.admin_models"))
