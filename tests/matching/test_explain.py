"""Reasons in plain language: facts first, model reasons worded by fact and effect together."""
from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings, strategies as st

from matching.explain import explain
from matching.facts import listed_reasons, pair_facts
from matching.features import FEATURE_INDEX, FEATURE_NAMES, profile_features
from matching.heuristic import TYPICAL_VECTOR, heuristic_scores
from matching.profiles import SkillRequirement, WorkerSkill
from tests.matching.conftest import TODAY

DECIMAL = re.compile(r"\d\.\d")
NAMES = {"S001": ("保安", "security guard"), "S002": ("消防", "fire safety"), "S003": ("电工", "electrician")}


def skill_name(code: str) -> tuple[str, str]:
    return NAMES.get(code, (code, code))


def region_name(code: str) -> str:
    return {"110105": "朝阳区", "110108": "海淀区", "150921": "卓资县"}.get(code, code)


def texts(reasons) -> list[str]:  # noqa: ANN001
    return [r[k] for r in reasons for k in ("zh", "en", "text_zh", "text_en")]


def test_a_favourable_fact_that_the_model_scores_down_is_not_listed_as_lowering() -> None:
    X = np.zeros((1, len(FEATURE_NAMES)))
    X[0, FEATURE_INDEX["occupation_preferred"]] = 1.0
    X[0, FEATURE_INDEX["meals_provided"]] = 1.0
    odd = np.zeros(len(FEATURE_NAMES))
    odd[FEATURE_INDEX["occupation_preferred"]] = -2.0  # a model that learned the asked-for job lasts less
    odd[FEATURE_INDEX["meals_provided"]] = 0.5
    reasons = explain(lambda A: A @ odd, X, reference=np.zeros(len(FEATURE_NAMES)))[0]
    assert [(r["code"], r["effect"]) for r in reasons] == [("meals", "raises")]
    assert not any("求职意向" in t for t in texts(reasons))


def test_the_destination_is_one_place_reason_never_a_list_of_places_it_is_not() -> None:
    """Against the heuristic's typical pair (a job in the region), a paired-district job gets
    one reason about its place, not “否：区内就近就业（减分）”."""
    X = np.zeros((1, len(FEATURE_NAMES)))
    X[0] = TYPICAL_VECTOR
    X[0, FEATURE_INDEX["tier_in_region"]] = 0.0
    X[0, FEATURE_INDEX["tier_paired_beijing"]] = 1.0
    reasons = explain(heuristic_scores, X, reference=TYPICAL_VECTOR, top_k=22)[0]
    places = [r for r in reasons if r["code"] == "place"]
    assert len(places) == 1 and places[0]["effect"] == "raises" and "结对" in places[0]["zh"]
    assert not any(t.startswith(("否", "not:")) or "区内" in t for t in texts(reasons))


rows = st.lists(st.floats(-1, 3, allow_nan=False), min_size=len(FEATURE_NAMES), max_size=len(FEATURE_NAMES))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(rows, min_size=1, max_size=4), weights=rows)
def test_no_reason_pairs_a_favourable_fact_with_lowering_and_none_shows_decimals(rows, weights) -> None:  # noqa: ANN001
    X = np.array(rows)
    for tier in range(5):  # one destination tier per row, as the features are built
        X[:, FEATURE_INDEX["tier_home_county"] + tier] = 0.0
    X[:, FEATURE_INDEX["tier_paired_beijing"]] = 1.0
    w = np.array(weights)
    for score in (heuristic_scores, lambda A: A @ w):
        for reasons in explain(score, X, reference=TYPICAL_VECTOR):
            assert len(reasons) <= 3
            for r in reasons:
                assert r["kind"] == "model" and r["strength"] in (1, 2, 3)
                assert not (r["direction"] == "favourable" and r["effect"] == "lowers")
                assert not (r["direction"] == "unfavourable" and r["effect"] == "raises")
                if r["direction"] == "favourable":
                    assert "减分" not in r["zh"] and "lowers" not in r["en"]
                assert not DECIMAL.search(r["zh"]) and not DECIMAL.search(r["en"])


def test_facts_name_each_required_skill_with_level_and_certificate(make_worker, make_posting) -> None:  # noqa: ANN001
    worker = make_worker(skills=(WorkerSkill("S001", 3, certified=True),), expected_monthly_wage=6000,
                         needs_dormitory=True)
    posting = make_posting(required_skills=(SkillRequirement("S001", 2, certificate_required=True),
                                            SkillRequirement("S003", 3, certificate_required=True)),
                           wage_min=4500, wage_max=5500, provides_dormitory=False, district_code="110108")
    facts = pair_facts(worker, posting, "other_beijing", skill_name=skill_name, region_name=region_name)
    by_code = {}
    for f in facts:
        by_code.setdefault(f["code"], []).append(f)
    held, missing = by_code["skill_held"][0], by_code["skill_missing"][0]
    assert held["zh"] == "具备岗位要求技能：保安（本人中级，有证；要求初级及以上，须持证）"
    assert (missing["skill_code"], missing["level"], missing["min_level"], missing["certificate_required"]) == (
        "S003", None, 3, True)
    assert "电工" in missing["zh"] and "须持证" in missing["zh"] and "electrician" in missing["en"]
    wage = by_code["wage"][0]
    assert wage["direction"] == "unfavourable" and "4500–5500 元" in wage["zh"] and "低 500 元" in wage["zh"]
    place = by_code["place"][0]
    assert place["paired"] is False and "不是卓资县的结对区（结对区：朝阳区）" in place["zh"]
    assert by_code["dormitory"][0]["direction"] == "unfavourable"
    assert {"meals", "contract", "social_insurance", "language"} <= set(by_code)
    assert not any(DECIMAL.search(t) for t in texts(facts))


def test_a_missing_required_skill_is_always_the_first_listed_reason(make_worker, make_posting) -> None:  # noqa: ANN001
    worker = make_worker(skills=(WorkerSkill("S001", 3, certified=True),))
    posting = make_posting(required_skills=(SkillRequirement("S001", 1), SkillRequirement("S003", 2)))
    facts = pair_facts(worker, posting, "paired_beijing", skill_name=skill_name, region_name=region_name)
    X = profile_features([worker], [posting], TODAY)
    # whatever the model says (here: nothing about skills at all), the missing skill is listed
    quiet = np.zeros(len(FEATURE_NAMES))
    quiet[FEATURE_INDEX["meals_provided"]] = 1.0
    for score in (heuristic_scores, lambda A: A @ quiet):
        reasons = listed_reasons(facts, explain(score, X, reference=TYPICAL_VECTOR)[0])
        assert reasons[0]["code"] == "skill_missing" and reasons[0]["skill_code"] == "S003"
        assert sum(r["kind"] == "model" for r in reasons) <= 3
        assert sum(r["code"] == "skill_missing" for r in reasons) == 1
    skilled = TYPICAL_VECTOR.copy()
    skilled[FEATURE_INDEX["required_skill_coverage"]] = 1.0  # against a typical pair holding every skill
    folded = listed_reasons(facts, explain(heuristic_scores, X, reference=skilled)[0])
    assert folded[0]["effect"] == "lowers" and "减分" in folded[0]["zh"]
    assert not any(r["code"] == "required_skills" for r in folded)  # said once, by the fact


def test_an_employer_effect_reads_as_its_direction() -> None:
    """The model's employer effects (training.employer_effects) in words: workers apply to
    this employer more than to similar jobs raises the score; fewer of its hires stay, lowers."""
    X = np.zeros((1, len(FEATURE_NAMES)))
    X[0, FEATURE_INDEX["employer_response_effect"]] = 0.4
    X[0, FEATURE_INDEX["employer_lasting_effect"]] = -0.3
    weights = np.zeros(len(FEATURE_NAMES))
    weights[FEATURE_INDEX["employer_response_effect"]] = 1.0
    weights[FEATURE_INDEX["employer_lasting_effect"]] = 1.0
    reasons = {r["code"]: r for r in explain(lambda A: A @ weights, X, reference=np.zeros(len(FEATURE_NAMES)))[0]}
    assert reasons["employer_response_effect"]["effect"] == "raises"
    assert "比条件相近的岗位多" in reasons["employer_response_effect"]["zh"]
    assert reasons["employer_lasting_effect"]["effect"] == "lowers"
    assert "比条件相近的少" in reasons["employer_lasting_effect"]["zh"] and "fewer" in reasons["employer_lasting_effect"]["en"]
