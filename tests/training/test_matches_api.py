"""Matches in both directions: constraints, explanations, masking, scope, ranker fallback."""
from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select, update

from matching.features import FEATURE_NAMES
from models.db import session_scope
from models.rankers.tables import ModelVersion
from tests.factories import AOHAN, posting_payload, worker_payload
from training import registry
from training.ranker import Ranker


@pytest.fixture
def world(api):
    """One worker of 卓资县 (security, certified, accepts Beijing) and three postings."""
    worker = api.post("bureau", "/api/v1/workers", json=worker_payload(
        skills=[{"code": "security", "level": 3, "certified": True}],
        destinations=["in_region", "beijing"])).get_json()["id"]
    fit = api.post("employer", "/api/v1/postings", json=posting_payload(
        title="保安", preferred_skills=["fire_safety"])).get_json()["id"]
    needs_cert = api.post("employer", "/api/v1/postings", json=posting_payload(
        title="电工", occupation_code="6-31-01-03", wage_min=6000, wage_max=8000,
        required_skills=[{"code": "electrician", "min_level": 2, "certificate_required": True}])).get_json()["id"]
    far = api.post("employer", "/api/v1/postings", json=posting_payload(
        title="天津保安", district_code="120110")).get_json()["id"]
    return {"worker": worker, "fit": fit, "needs_cert": needs_cert, "far": far}


def test_worker_matches_respect_constraints_and_explain(api, world):
    r = api.get("bureau", f"/api/v1/workers/{world['worker']}/matches")
    assert r.status_code == 200
    body = r.get_json()
    assert body["ranker"] == "heuristic" and body["fallback_reason"] == "no active model"
    ids = [m["posting_id"] for m in body["items"]]
    assert ids == [world["fit"]]  # certificate missing; Tianjin is "other", not accepted
    match = body["items"][0]
    assert match["matched_skills"] == ["security"] and match["missing_skills"] == []
    assert match["destination_tier"] == "paired_beijing" and match["paired"] is True
    assert match["posting"]["title"] == "保安" and match["reasons"]
    assert all({"code", "kind", "direction", "zh", "en", "text_zh", "text_en"} <= set(x) and "delta" not in x
               for x in match["reasons"])
    assert [f["code"] for f in match["facts"]][:2] == ["skill_held", "wage"]


def test_worker_matches_filters(api, world):
    path = f"/api/v1/workers/{world['worker']}/matches"
    assert api.get("bureau", path, query_string={"min_wage": 9000}).get_json()["items"] == []
    assert api.get("bureau", path, query_string={"district": "110108"}).get_json()["items"] == []
    assert len(api.get("bureau", path, query_string={"occupation": "4-07-05-01"}).get_json()["items"]) == 1


def test_worker_matches_are_scoped(api, world):
    path = f"/api/v1/workers/{world['worker']}/matches"
    assert api.get("bureau_other", path).status_code == 404
    assert api.get("employer", path).status_code == 403


def test_posting_matches_mask_workers_and_show_priority_to_bureaus_only(api, world):
    other = api.post("bureau", "/api/v1/workers", json=worker_payload(
        seq=555, phone="13800000555", poverty_status="none",
        skills=[{"code": "security", "level": 3, "certified": True}])).get_json()["id"]
    path = f"/api/v1/postings/{world['fit']}/matches"
    r = api.get("employer", path)
    assert r.status_code == 200
    items = r.get_json()["items"]
    assert {m["worker_id"] for m in items} == {world["worker"], other}
    for m in items:
        assert "phone" not in m["worker"] and "*" in m["worker"]["id_number"]
        assert not {"priority_bonus", "score", "model_score"} & set(m)
        assert all(x["feature"] != "priority_group" for x in m["reasons"])
    bureau = api.get("bureau", path).get_json()["items"]
    assert [m["worker_id"] for m in bureau] == [m["worker_id"] for m in items]  # the same order
    prioritized = next(m for m in bureau if m["worker_id"] == world["worker"])
    assert prioritized["priority_bonus"] > 0 and prioritized["reasons"][0]["feature"] == "priority_group"
    plain = next(m for m in bureau if m["worker_id"] == other)
    assert plain["priority_bonus"] == 0
    assert all(x["feature"] != "priority_group" for x in plain["reasons"])


def test_posting_matches_scope(api, world):
    path = f"/api/v1/postings/{world['fit']}/matches"
    assert api.get("employer_other", path).status_code == 404
    assert api.get("bureau_other", path).get_json()["items"] == []  # no 敖汉旗 workers
    api.post("bureau_other", "/api/v1/workers", json=worker_payload(
        county=AOHAN, seq=556, phone="13800000556"))
    seen = {m["worker"]["county_code"] for m in api.get("bureau_other", path).get_json()["items"]}
    assert seen == {AOHAN}
    assert api.get("fair", path).status_code == 403


def _store_model(app, activate: bool = True) -> str:
    rng = np.random.default_rng(0)
    X = rng.random((400, len(FEATURE_NAMES)))
    y = (X[:, 0] * 4).astype(int)
    ranker = Ranker(max_iter=5, min_samples_leaf=5, random_state=0).fit(X, y, qid=np.arange(400) // 10)
    with session_scope(app.extensions["jm.sessions"]) as session:
        row = registry.register(session, key=app.config["MODEL_SIGNING_KEY"], estimator=ranker,
                                calibrator=None, feature_names=FEATURE_NAMES, reference=np.median(X, axis=0),
                                metrics={}, trained_from=None, trained_to=None, evaluated_to=None)
        if activate:
            registry.activate(session, row.version)
        return row.version


def test_active_model_answers_and_is_named(api, app, world):
    version = _store_model(app)
    body = api.get("bureau", f"/api/v1/workers/{world['worker']}/matches").get_json()
    assert body["ranker"] == version and body["fallback_reason"] is None
    assert [m["posting_id"] for m in body["items"]] == [world["fit"]]


def test_tampered_artifact_falls_back_to_heuristic(api, app, world):
    version = _store_model(app)
    with session_scope(app.extensions["jm.sessions"]) as session:
        row = session.scalar(select(ModelVersion).where(ModelVersion.version == version))
        blob = bytearray(row.artifact)
        blob[len(blob) // 2] ^= 0xFF
        session.execute(update(ModelVersion).where(ModelVersion.id == row.id).values(artifact=bytes(blob)))
    body = api.get("bureau", f"/api/v1/workers/{world['worker']}/matches").get_json()
    assert body["ranker"] == "heuristic" and version in body["fallback_reason"]
    assert [m["posting_id"] for m in body["items"]] == [world["fit"]]


def test_models_api_activates_and_rolls_back(api, app):
    first = _store_model(app)
    second = _store_model(app, activate=False)
    listing = api.get("admin", "/api/v1/models").get_json()
    assert listing["answering"] == first and {m["version"] for m in listing["items"]} == {first, second}
    assert api.post("admin", f"/api/v1/models/{second}/activate").get_json()["status"] == "active"
    assert api.get("admin", "/api/v1/models").get_json()["answering"] == second
    assert api.post("admin", "/api/v1/models/rollback").get_json()["version"] == first
    assert api.post("admin", "/api/v1/models/nope/activate").status_code == 404
    assert api.post("bureau", "/api/v1/models/rollback").status_code == 403
