"""Golden profiles: canonical workers against a fixed set of open postings, through the API.

For each profile the answering ranker (the heuristic when no model is active, and a ranker
trained on a small demo world and activated) gives a sensible top 3 with the expected facts and reasons: the security guard's top job is a
security posting in the paired district, a posting that lacks a required skill of the worker
never sits above one that fits, a missing required skill is always a listed reason, and no
reason pairs a favourable fact with 减分 / "lowers".
"""
from __future__ import annotations

import re
from typing import Any

import pytest

from tests.factories import CHAOYANG, HAIDIAN, ZHUOZI, posting_payload, worker_payload

DAXING, SIZIWANG = "110115", "150929"
SECURITY, DOMESTIC, COOK, WELDER = "4-07-05-01", "4-10-01-06", "4-03-02-01", "6-18-02-04"
TRUCK, CARE, CLEANER, LIVESTOCK, DAIRY = "4-02-02-02", "4-10-01-05", "4-09-08-01", "5-03-02-01", "6-02-04-01"


def need(code: str, level: int = 1, cert: bool = False) -> dict[str, Any]:
    return {"code": code, "min_level": level, "certificate_required": cert}


def has(code: str, level: int = 3, cert: bool = False) -> dict[str, Any]:
    return {"code": code, "level": level, "certified": cert}


POSTINGS: dict[str, dict[str, Any]] = {
    "security_paired": dict(title="小区保安", occupation_code=SECURITY, district_code=CHAOYANG,
                            required_skills=[need("security", 2, True)], wage_min=5500, wage_max=6500),
    "security_no_dorm": dict(title="写字楼保安", occupation_code=SECURITY, district_code=CHAOYANG,
                             required_skills=[need("security", 1)], wage_min=5500, wage_max=6500,
                             provides_dormitory=False),
    "security_haidian": dict(title="校园保安", occupation_code=SECURITY, district_code=HAIDIAN,
                             required_skills=[need("security", 1)], wage_min=5000, wage_max=6000),
    "cook": dict(title="食堂厨师", occupation_code=COOK, district_code=CHAOYANG,
                 required_skills=[need("chinese_cooking", 3, True), need("food_hygiene", 1)],
                 wage_min=7000, wage_max=9000),
    "welder": dict(title="钢结构焊工", occupation_code=WELDER, district_code=DAXING,
                   required_skills=[need("welding", 3, True)], wage_min=8000, wage_max=11000),
    "domestic": dict(title="住家家政服务员", occupation_code=DOMESTIC, district_code=HAIDIAN,
                     required_skills=[need("housekeeping", 2, True), need("home_cooking", 1)],
                     wage_min=7000, wage_max=9000),
    "truck": dict(title="货车司机", occupation_code=TRUCK, district_code=DAXING,
                  required_skills=[need("driving_truck", 3)], wage_min=8000, wage_max=12000),
    "care": dict(title="养老护理员", occupation_code=CARE, district_code=HAIDIAN,
                 required_skills=[need("elder_care", 2)], wage_min=5500, wage_max=8000),
    "cleaner_home": dict(title="县城保洁", occupation_code=CLEANER, district_code=ZHUOZI, address="卓资县卓资山镇",
                         required_skills=[need("cleaning")], wage_min=3200, wage_max=4000, provides_dormitory=False),
    "livestock_mn": dict(title="牧场饲养员", occupation_code=LIVESTOCK, district_code=SIZIWANG, address="四子王旗乌兰花镇",
                         required_skills=[need("livestock", 2)], languages=["mn"], wage_min=4500, wage_max=6000),
    "dairy": dict(title="乳品厂工人", occupation_code=DAIRY, district_code=SIZIWANG, address="四子王旗乌兰花镇",
                  required_skills=[need("dairy_processing", 2)], languages=[], wage_min=4800, wage_max=6000),
}

PROFILES: dict[str, dict[str, Any]] = {
    # 卓资县 security guard, certified, the issue's own example
    "security_guard": dict(skills=[has("security", 3, True)], preferred_occupations=[SECURITY],
                           expected_monthly_wage=5000, needs_dormitory=True),
    "domestic_helper": dict(skills=[has("housekeeping", 3, True), has("home_cooking", 2)],
                            preferred_occupations=[DOMESTIC], expected_monthly_wage=7000, destinations=["beijing"]),
    "welder": dict(skills=[has("welding", 4, True)], preferred_occupations=[WELDER], expected_monthly_wage=8000),
    "cook": dict(skills=[has("chinese_cooking", 3, True), has("food_hygiene", 2)], preferred_occupations=[COOK],
                 expected_monthly_wage=7000),
    "mongolian_only": dict(languages=["mn"], ethnicity="蒙古族", skills=[has("livestock", 3, True)],
                           preferred_occupations=[LIVESTOCK], expected_monthly_wage=4500,
                           destinations=["home_county", "in_region"]),
    "needs_dormitory": dict(skills=[has("security", 2, True)], preferred_occupations=[SECURITY],
                            expected_monthly_wage=5000, needs_dormitory=True),
}
EXPECTED_TOP = {"security_guard": "security_paired", "domestic_helper": "domestic", "welder": "welder",
                "cook": "cook", "mongolian_only": "livestock_mn", "needs_dormitory": "security_paired"}
FAVOURABLE_LOWERING = re.compile(r"减分|lower")
HEURISTIC_ONLY = pytest.mark.parametrize("answering", ["heuristic"], indirect=True)
"""Facts do not depend on the ranker: checked once."""


@pytest.fixture(params=["heuristic", "trained"])
def answering(request, runner) -> str:
    """Which ranker answers: the heuristic (no model), or a ranker trained on a small demo
    world (`jingmeng train --activate`) — its postings and workers stay in the world."""
    if request.param == "trained":
        seeded = runner.invoke(args=["seed", "demo", "--workers", "1500", "--postings", "150", "--seed", "2"])
        assert seeded.exit_code == 0, seeded.output
        trained = runner.invoke(args=["train", "--activate"])
        assert trained.exit_code == 0 and "status active" in trained.output, trained.output
    return request.param


@pytest.fixture
def golden(api, answering) -> dict[str, Any]:
    postings = {}
    for key, fields in POSTINGS.items():
        r = api.post("employer", "/api/v1/postings", json=posting_payload(**fields))
        assert r.status_code == 201, (key, r.get_json())
        postings[key] = r.get_json()["id"]
    workers = {}
    for k, (key, fields) in enumerate(PROFILES.items()):
        r = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=300 + k, phone=f"1390000{300 + k:04d}",
                                                                     name=f"样例{k}", **fields))
        assert r.status_code == 201, (key, r.get_json())
        workers[key] = r.get_json()["id"]
    return {"postings": postings, "workers": workers, "key_of": {v: k for k, v in postings.items()},
            "ranker": answering}


def matches(api, golden, profile: str) -> list[dict[str, Any]]:  # noqa: ANN001
    """The profile's matches among the fixed postings (a trained world has others too)."""
    r = api.get("bureau", f"/api/v1/workers/{golden['workers'][profile]}/matches", query_string={"limit": 100})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["ranker"] == "heuristic") == (golden["ranker"] == "heuristic"), body["ranker"]
    return [m for m in body["items"] if m["posting_id"] in golden["key_of"]]


def facts(item: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [f for f in item["facts"] if f["code"] == code]


def check_reasons(item: dict[str, Any]) -> None:
    """What holds for every match of every profile."""
    missing = [r["skill_code"] for r in item["reasons"] if r["code"] == "skill_missing"]
    assert missing == item["missing_skills"] == [f["skill_code"] for f in facts(item, "skill_missing")]
    assert item["reasons"][:len(missing)] == [r for r in item["reasons"] if r["code"] == "skill_missing"]
    assert sum(r["kind"] == "model" for r in item["reasons"]) <= 3
    for r in item["reasons"]:
        assert not re.search(r"\d\.\d", r["zh"] + r["en"]), r  # no raw model numbers
        if r["direction"] == "favourable":
            assert not FAVOURABLE_LOWERING.search(r["zh"] + r["en"]) and r.get("effect") != "lowers", r
        if r["direction"] == "unfavourable":
            assert r.get("effect") != "raises", r
    codes = {f["code"] for f in item["facts"]}
    assert {"wage", "place", "dormitory", "meals", "contract", "social_insurance"} <= codes
    assert codes & {"skill_held", "skill_missing", "skills_none_required"}


def test_golden_profiles_facts_and_reasons(api, golden):
    for profile in PROFILES:
        items = matches(api, golden, profile)
        assert items, profile
        for item in items:
            check_reasons(item)
        fitting = [m for m in items if not m["missing_skills"]]
        assert fitting and all(facts(m, "skill_held") for m in fitting), profile
        assert all(r["kind"] != "fact" for m in fitting for r in m["reasons"]), profile




@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_golden_profile_top_three(api, golden, profile):
    items = matches(api, golden, profile)
    keys = [golden["key_of"][m["posting_id"]] for m in items]
    assert keys[0] == EXPECTED_TOP[profile], keys
    # a posting the worker lacks a required skill for never sits above one that fits
    fits = [not m["missing_skills"] for m in items]
    assert fits == sorted(fits, reverse=True), list(zip(keys, fits))
    if PROFILES[profile]["preferred_occupations"] == [SECURITY]:
        assert set(keys[:3]) == {"security_paired", "security_no_dorm", "security_haidian"}, keys
    if profile == "needs_dormitory":
        assert keys.index("security_paired") < keys.index("security_no_dorm"), keys


@HEURISTIC_ONLY
def test_security_guard_sees_the_paired_district_and_the_certificate(api, golden):
    items = matches(api, golden, "security_guard")
    keys = [golden["key_of"][m["posting_id"]] for m in items]
    paired = items[keys.index("security_paired")]
    held = facts(paired, "skill_held")[0]
    assert (held["skill_code"], held["level"], held["certified"], held["certificate_required"]) == (
        "security", 3, True, True)
    assert "保安" in held["zh"] and "有证" in held["zh"] and "须持证" in held["zh"]
    place = facts(paired, "place")[0]
    assert place["paired"] is True and "朝阳区" in place["zh"] and "卓资县的结对区" in place["zh"]
    haidian = items[keys.index("security_haidian")]
    assert "不是卓资县的结对区" in facts(haidian, "place")[0]["zh"]
    wage = facts(paired, "wage")[0]
    assert (wage["wage_min"], wage["wage_max"], wage["expected_wage"]) == (5500, 6500, 5000)
    assert "5500–6500 元" in wage["zh"] and "期望 5000 元" in wage["zh"] and wage["direction"] == "favourable"
    # the cook, welder and domestic postings need certificates he lacks: never offered
    assert not {"cook", "welder", "domestic"} & set(keys)
    # jobs he lacks the skills for come with the missing skills as reasons
    truck = items[keys.index("truck")]
    assert truck["reasons"][0]["code"] == "skill_missing" and "货车驾驶" in truck["reasons"][0]["zh"]


@HEURISTIC_ONLY
def test_mongolian_only_speaker_gets_only_jobs_without_mandarin(api, golden):
    items = matches(api, golden, "mongolian_only")
    keys = {golden["key_of"][m["posting_id"]] for m in items}
    assert keys == {"livestock_mn", "dairy"}  # every other posting requires Mandarin
    mn = items[[golden["key_of"][m["posting_id"]] for m in items].index("livestock_mn")]
    assert "蒙古语" in facts(mn, "language")[0]["zh"] and facts(mn, "language")[0]["direction"] == "favourable"
    dairy = next(m for m in items if golden["key_of"][m["posting_id"]] == "dairy")
    assert dairy["reasons"][0]["code"] == "skill_missing" and "乳品加工" in dairy["reasons"][0]["zh"]


@HEURISTIC_ONLY
def test_a_worker_needing_a_dormitory_sees_it_stated_and_ranked(api, golden):
    items = matches(api, golden, "needs_dormitory")
    keys = [golden["key_of"][m["posting_id"]] for m in items]
    with_dorm, without = items[keys.index("security_paired")], items[keys.index("security_no_dorm")]
    assert facts(with_dorm, "dormitory")[0]["direction"] == "favourable"
    no_dorm = facts(without, "dormitory")[0]
    assert no_dorm["direction"] == "unfavourable" and no_dorm["zh"] == "需要住宿，但岗位不提供宿舍"
    listed = [r for r in without["reasons"] if r["code"] == "dormitory"]
    assert all(r["direction"] == "unfavourable" and r["effect"] == "lowers" for r in listed)


@HEURISTIC_ONLY
def test_employers_get_the_same_facts_for_their_candidates(api, golden):
    items = api.get("employer", f"/api/v1/postings/{golden['postings']['cook']}/matches").get_json()["items"]
    cook = next(m for m in items if m["worker_id"] == golden["workers"]["cook"])
    assert [f["skill_code"] for f in facts(cook, "skill_held")] == ["chinese_cooking", "food_hygiene"]
    for item in items:
        check_reasons(item)
