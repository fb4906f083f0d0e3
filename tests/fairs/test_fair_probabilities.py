"""The planner maximises P(hired | interviewed) × P(lasting | hired); printouts and match answers
show P(lasting | hired) as 稳定就业可能性 in words and percent."""
from __future__ import annotations

import numpy as np
import pytest

from matching.features import FEATURE_INDEX, FEATURE_NAMES
from models.db import session_scope
from tests.fairs.test_fair_plans import URL, _fair_with_capacity
from training import registry
from training.probabilities import OutcomeModels, StageProbability
from training.ranker import Ranker


def _store_model_with_probabilities(app) -> None:
    rng = np.random.default_rng(0)
    X = rng.random((3000, len(FEATURE_NAMES)))
    X[:, FEATURE_INDEX["wage_ratio"]] *= 2
    y = (X[:, 0] * 4).astype(int)
    ranker = Ranker(max_iter=5, min_samples_leaf=5, random_state=0).fit(X, y, qid=np.arange(len(y)) // 10)
    wage = X[:, FEATURE_INDEX["wage_ratio"]]
    hire = (rng.random(len(y)) < 0.2 + 0.3 * X[:, 0]).astype(int)
    lasting = (rng.random(len(y)) < np.clip(0.2 + 0.3 * wage, 0, 0.95)).astype(int)
    outcomes = OutcomeModels(StageProbability(method="sigmoid", cv=3, random_state=0).fit(X, hire),
                             StageProbability(method="sigmoid", cv=3, random_state=0).fit(X, lasting))
    with session_scope(app.extensions["jm.sessions"]) as session:
        row = registry.register(session, key=app.config["MODEL_SIGNING_KEY"], estimator=ranker, calibrator=None,
                                feature_names=FEATURE_NAMES, reference=np.median(X, axis=0), metrics={},
                                trained_from=None, trained_to=None, evaluated_to=None, outcomes=outcomes)
        registry.activate(session, row.version)


def test_the_plan_uses_both_probabilities_and_the_printouts_show_the_lasting_one(api, app) -> None:
    _store_model_with_probabilities(app)
    fid, postings, workers = _fair_with_capacity(api, [2, 1, 2], [3, 2, 3], attendees=6)
    plan = api.post("admin", f"{URL}/{fid}/plan", json={"limit": 2}).get_json()
    assert plan["ranker"] != "heuristic" and plan["interviews"]
    for i in plan["interviews"]:
        assert 0 < i["p_hired"] < 1 and 0 < i["p_lasting"] < 1
        assert i["p"] == pytest.approx(i["p_hired"] * i["p_lasting"])
        assert i["lasting"]["percent"] == f"{i['p_lasting']:.0%}" and i["lasting"]["zh"].startswith("稳定就业可能性：")
    assert plan["expected_lasting_placements"] == pytest.approx(
        sum(i["p"] for i in plan["interviews"] if i["is_primary"]))
    employer = api.tokens["_employer_id"]
    printed = api.get("admin", f"{URL}/{fid}/interview-lists/{employer}").get_data(as_text=True)
    assert "稳定就业可能性" in printed and "稳定就业概率" not in printed
    shown = {f"{i['lasting']['zh'].split('：', 1)[1]}" for i in plan["interviews"]}
    assert any(words in printed for words in shown)
    assert len({i["lasting"]["percent"] for i in plan["interviews"]}) > 1  # not one figure for all
    sheet = api.get("admin", f"{URL}/{fid}/attendees/{plan['interviews'][0]['worker']['id']}/sheet")
    assert "稳定就业可能性" in sheet.get_data(as_text=True)


def test_match_answers_carry_the_lasting_probability_only_when_a_model_gives_one(api, app) -> None:
    fid, postings, workers = _fair_with_capacity(api, [2], [3], attendees=1)
    heuristic = api.get("bureau", f"/api/v1/workers/{workers[0]}/matches").get_json()
    assert heuristic["items"] and all(m["lasting"] is None for m in heuristic["items"])
    _store_model_with_probabilities(app)
    for path, role in ((f"/api/v1/workers/{workers[0]}/matches", "bureau"),
                       (f"/api/v1/postings/{postings[0]}/matches", "employer")):
        items = api.get(role, path).get_json()["items"]
        assert items
        for m in items:
            assert 0 < m["lasting"]["probability"] < 1 and m["lasting"]["zh"].startswith("稳定就业可能性：")
            assert m["lasting"]["percent"] in m["lasting"]["zh"]
