"""GET /api/v1/occupations and /api/v1/skills: search by code prefix, name and alias."""
from __future__ import annotations

import pytest

OCC = "/api/v1/occupations"
SKILLS = "/api/v1/skills"


def codes(api, url, role="bureau", **query) -> list[str]:
    r = api.get(role, url, query_string=query)
    assert r.status_code == 200, r.get_json()
    return [item["code"] for item in r.get_json()["items"]]


def test_a_code_prefix_lists_the_codes_below_it(api) -> None:
    found = codes(api, OCC, q="4-09-08")
    assert found == ["4-09-08-00", "4-09-08-01", "4-09-08-02", "4-09-08-03"]


@pytest.mark.parametrize(("q", "first"), [
    ("保洁", "4-09-08-01"), ("挖掘机司机", "6-30-05-05"), ("外卖骑手", "4-10-08-01"),
    ("月嫂", "4-10-01-06"), ("保安员", "4-07-05-01"), ("forklift", "6-30-05-01"),
])
def test_a_name_or_alias_finds_the_occupation_exact_matches_first(api, q: str, first: str) -> None:
    assert codes(api, OCC, role="employer", q=q)[0] == first


def test_a_curated_occupation_carries_its_programme_data_and_the_rest_stay_empty(api) -> None:
    items = {i["code"]: i for i in api.get("fair", OCC, query_string={"q": "4-09-08"}).get_json()["items"]}
    cleaner = items["4-09-08-01"]
    assert cleaner["name_zh"] == "保洁员" and cleaner["green"] and cleaner["level"] == 4
    assert cleaner["category"] == "cleaning" and cleaner["skills"] == ["cleaning"] and cleaner["wage_min"]
    assert cleaner["parent_code"] == "4-09-08-00" and "清洁工" in cleaner["aliases"]
    assert items["4-09-08-02"]["category"] is None and items["4-09-08-02"]["skills"] == []


def test_level_filters_and_the_list_is_paginated(api) -> None:
    body = api.get("admin", OCC, query_string={"level": 1, "page_size": 5, "page": 2}).get_json()
    assert (body["total"], body["page"], body["page_size"]) == (8, 2, 5)
    assert [i["code"] for i in body["items"]] == ["6-00-00-00", "7-00-00-00", "8-00-00-00"]
    everything = api.get("admin", OCC, query_string={"level": 4}).get_json()
    assert everything["total"] >= 1600 and len(everything["items"]) == 50


def test_work_types_hang_under_their_occupation(api) -> None:
    assert codes(api, OCC, q="5-01-02-02") == ["5-01-02-02", "5-01-02-02-01", "5-01-02-02-02"]
    assert codes(api, OCC, q="草莓", level=5) == ["5-01-02-02-02"]


def test_wildcards_in_the_query_are_taken_literally(api) -> None:
    assert api.get("bureau", OCC, query_string={"q": "%"}).get_json()["total"] == 0
    assert api.get("bureau", OCC, query_string={"q": "_"}).get_json()["total"] == 0


def test_bad_parameters_are_refused(api) -> None:
    assert api.get("bureau", OCC, query_string={"level": 9}).status_code == 422
    assert api.get("bureau", SKILLS, query_string={"page_size": 500}).status_code == 422


def test_skills_are_found_by_code_prefix_name_and_synonym(api) -> None:
    assert codes(api, SKILLS, q="secur")[0] == "security"
    assert codes(api, SKILLS, q="保安")[0] == "security"
    assert codes(api, SKILLS, role="fair", q="安保") == ["security"]
    body = api.get("employer", SKILLS).get_json()
    assert body["total"] > 40 and {"code", "name_zh", "synonyms", "certifiable"} <= set(body["items"][0])


@pytest.mark.parametrize("url", [OCC, SKILLS])
def test_an_unauthenticated_call_is_refused(api, url: str) -> None:
    assert api.get(None, url, query_string={"q": "保洁"}).status_code == 401


def test_the_roster_templates_help_sheet_points_to_the_search(api) -> None:
    import io

    from openpyxl import load_workbook

    for role, url in (("bureau", "/api/v1/workers/import/template"), ("employer", "/api/v1/postings/import/template")):
        r = api.get(role, url)
        assert r.status_code == 200, url
        help_sheet = load_workbook(io.BytesIO(r.data)).worksheets[1]
        last = [c.value for c in list(help_sheet.iter_rows())[-1]]
        assert "GET /api/v1/occupations?q=" in last[-1] and "/api/v1/skills" in last[-1]


@pytest.mark.parametrize("role", ["admin", "bureau", "employer", "fair"])
def test_every_authenticated_role_searches_both_vocabularies(api, role: str) -> None:
    assert codes(api, OCC, role=role, q="保洁", level=4)[0] == "4-09-08-01"
    assert codes(api, OCC, role=role, q="挖掘机司机", level=3) == []  # a 职业, not a 小类
    assert codes(api, SKILLS, role=role, q="电焊")[0] == "welding"
