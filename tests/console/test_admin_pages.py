"""Administrators' model versions, scheduled job runs and subsidy policies pages — each calls the
same service as its API resource."""
from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from models import clock
from models.access.tables import AuditEntry
from models.db import session_scope
from models.scheduling.runner import run_job
from models.subsidies import policies as subsidy_service
from tests.factories import ZHUOZI


def _store_model(app, seed: int) -> str:
    """A small real ranker with a held-out report from ``training.evaluate``."""
    from training import registry
    from training.evaluate import DIRECTIONS, ranking_metrics
    from matching.features import FEATURE_NAMES
    from training.ranker import Ranker

    rng = np.random.default_rng(seed)
    X = rng.random((600, len(FEATURE_NAMES)))
    y = (X[:, 0] * 4 + rng.random(600)).astype(int)
    qid = np.arange(600) // 10
    train, test = qid < 40, qid >= 40
    ranker = Ranker(max_iter=5, min_samples_leaf=5, random_state=seed).fit(X[train], y[train], qid=qid[train])
    report = {"pairs": int(test.sum()), "workers": int(len(np.unique(qid[test]))), "postings": 10, "scorers": {}}
    for name, score in (("ranker", ranker.predict(X[test])), ("heuristic", X[test][:, 1])):
        report["scorers"][name] = {d: ranking_metrics(y[test], np.asarray(score, dtype=float), qid[test])
                                   for d in DIRECTIONS}
    with session_scope(app.extensions["jm.sessions"]) as session:
        row = registry.register(session, key=app.config["MODEL_SIGNING_KEY"], estimator=ranker, calibrator=None,
                                feature_names=FEATURE_NAMES, reference=np.median(X, axis=0), metrics=report,
                                trained_from=None, trained_to=None, evaluated_to=None)
        return row.version


def test_models_page_shows_evaluation_and_activates_and_rolls_back(console_as, app, api, db_session):
    first, second = _store_model(app, 1), _store_model(app, 2)
    admin = console_as("admin")
    page = admin.get("/console/admin/models").get_data(as_text=True)
    assert first in page and second in page and "heuristic" in page
    assert "ndcg@10" in page and "<svg" in page and 'class="series-0"' in page
    assert admin.post(f"/console/admin/models/{first}/activate").status_code == 302
    assert api.get("admin", "/api/v1/models").get_json()["answering"] == first
    admin.post(f"/console/admin/models/{second}/activate")
    assert api.get("admin", "/api/v1/models").get_json()["answering"] == second
    assert admin.post("/console/admin/models/rollback").status_code == 302
    assert api.get("admin", "/api/v1/models").get_json()["answering"] == first
    assert admin.post("/console/admin/models/no-such/activate").status_code == 404
    actions = db_session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "model")).all()
    assert actions == ["model.activate", "model.activate", "model.rollback"]


def test_rollback_without_an_earlier_version_says_so(console_as):
    admin = console_as("admin")
    page = admin.post("/console/admin/models/rollback", follow_redirects=True).get_data(as_text=True)
    assert "没有可回滚的版本" in page


def test_job_runs_are_listed_newest_first_with_their_errors_for_admins(console_as, app):
    for job in ("posting_expiry", "followups"):
        run_job(job, sessions=app.extensions["jm.sessions"], engine=app.extensions["jm.engine"],
                config=dict(app.config), today=clock.today(), vault=app.extensions["jm.vault"], holder="test")
    admin = console_as("admin")
    text = admin.get("/console/admin/jobs").get_data(as_text=True)
    assert text.index("followups</td>") < text.index("posting_expiry</td>")
    assert "retraining" in text  # the job definitions with their cron
    only = admin.get("/console/admin/jobs?job=posting_expiry").get_data(as_text=True)
    assert "posting_expiry</td>" in only and "followups</td>" not in only
    assert admin.get("/console/admin/jobs?page=abc").status_code == 200


def test_a_template_is_enabled_for_a_county(console_as, api, db_session):
    from api.commands.subsidies import load_templates

    load_templates(db_session)
    db_session.commit()
    admin = console_as("admin")
    page = admin.get("/console/admin/policies").get_data(as_text=True)
    assert "template-transport" in page
    done = admin.post("/console/admin/policies", data={
        "template": "template-transport", "county_code": ZHUOZI, "valid_from": "2026-01-01",
        "valid_to": "", "name": "", "enabled": ["false", "true"]})
    assert done.status_code == 302, done.get_data(as_text=True)[-3000:]
    policy = subsidy_service.current_by_key(db_session, f"{ZHUOZI}-transport-2026")
    assert policy is not None and policy.enabled and policy.county_code == ZHUOZI
    listed = api.get("bureau", f"/api/v1/subsidy-policies?county={ZHUOZI}").get_json()["items"]
    assert [p["key"] for p in listed] == [policy.key]
    again = admin.post("/console/admin/policies", data={
        "template": "template-transport", "county_code": ZHUOZI, "valid_from": "2026-01-01"})
    assert again.status_code == 422 and "exists" in again.get_data(as_text=True)


@pytest.mark.parametrize("data, field", [
    ({"template": "template-transport", "county_code": "110105", "valid_from": "2026-01-01"}, "county_code"),
    ({"template": "template-transport", "county_code": ZHUOZI, "valid_from": "2026-13-01"}, "valid_from"),
    ({"template": "template-transport", "county_code": ZHUOZI, "valid_from": "2026-05-01",
      "valid_to": "2026-01-01"}, "valid_to"),
    ({"template": "no-such-template", "county_code": ZHUOZI, "valid_from": "2026-01-01"}, "template"),
])
def test_policy_form_errors_are_beside_the_fields(console_as, db_session, data, field):
    from api.commands.subsidies import load_templates

    load_templates(db_session)
    db_session.commit()
    page = console_as("admin").post("/console/admin/policies", data=data)
    assert page.status_code == 422
    assert f'id="f-{field}-error"' in page.get_data(as_text=True)


def test_admin_pages_are_for_administrators_only(console_as):
    bureau = console_as("bureau")
    for path in ("/console/admin/models", "/console/admin/jobs", "/console/admin/policies"):
        assert bureau.get(path).status_code == 403, path
    assert bureau.post("/console/admin/models/rollback").status_code == 403
