"""A clerk finds a worker (issue 11): ``GET /api/v1/workers?q=`` by name (exact or its
beginning), full ID number or mobile number — within the caller's counties only."""
from __future__ import annotations

import pytest

from tests.factories import AOHAN, ZHUOZI, id_number, worker_payload


@pytest.fixture
def people(api):
    made = {}
    for seq, (name, county) in enumerate([("王秀兰", ZHUOZI), ("王秀英", ZHUOZI), ("李王", ZHUOZI),
                                          ("王秀兰", AOHAN), ("张_三", ZHUOZI)], start=1):
        role = "bureau" if county == ZHUOZI else "bureau_other"
        response = api.post(role, "/api/v1/workers", json=worker_payload(seq=seq, county=county, name=name))
        assert response.status_code == 201, response.get_json()
        made[(name, county)] = response.get_json()["id"]
    return made


def _names(api, q: str, role: str = "bureau") -> list[str]:
    response = api.get(role, "/api/v1/workers", query_string={"q": q})
    assert response.status_code == 200, response.get_json()
    return sorted(w["name"] for w in response.get_json()["items"])


def test_a_name_matches_exactly_or_by_its_beginning_in_the_callers_counties(api, people):
    assert _names(api, "王秀兰") == ["王秀兰"]            # the 敖汉旗 namesake is out of reach
    assert _names(api, "王秀") == ["王秀兰", "王秀英"]
    assert _names(api, "王") == ["王秀兰", "王秀英"]        # 李王 does not begin with 王
    assert _names(api, "王秀兰", role="bureau_other") == ["王秀兰"]
    assert _names(api, "赵") == []


def test_like_wildcards_in_a_name_are_literal(api, people):
    assert _names(api, "张_") == ["张_三"]
    assert _names(api, "%") == [] and _names(api, "_") == []


def test_a_full_id_number_or_mobile_finds_the_worker_through_the_keyed_index(api, people):
    number = id_number(ZHUOZI, seq=2)
    assert _names(api, number) == ["王秀英"]
    assert _names(api, number.lower() if number.endswith("X") else f" {number} ") == ["王秀英"]
    assert _names(api, "13800000003") == ["李王"]
    assert _names(api, id_number(AOHAN, seq=4)) == []       # registered in 敖汉旗, not here
    assert _names(api, id_number(AOHAN, seq=4), role="bureau_other") == ["王秀兰"]


def test_the_search_is_refused_when_empty_or_too_long(api):
    assert api.get("bureau", "/api/v1/workers?q=").status_code == 422
    assert api.get("bureau", "/api/v1/workers", query_string={"q": "x" * 41}).status_code == 422
