"""A worker's answers carry where the ID number was issued (``id_region``): the code, its GB/T
2260 name, and a retired code resolved to the current county where that is unambiguous — in
the bureau's masked and revealed views, never in an employer's."""
from __future__ import annotations

from datetime import date

from tests.factories import ZHUOZI, id_number, worker_payload
from tests.placements.placement_helpers import new_posting, new_worker, refer


def _register(api, region: str, seq: int) -> int:
    return new_worker(api, seq=seq, id_number=id_number(region, date(1970, 3, 8), seq))


def test_a_retired_code_is_shown_with_the_county_that_took_it_over(api) -> None:
    worker_id = _register(api, "152624", 11)  # 乌兰察布盟卓资县, re-coded 150921 in 2003
    expected = {"code": "152624", "name": "卓资县", "level": "county", "current": False,
                "current_code": "150921", "current_name": "卓资县"}
    assert api.get("bureau", f"/api/v1/workers/{worker_id}").get_json()["id_region"] == expected  # masked view
    assert api.get("bureau", f"/api/v1/workers/{worker_id}?reveal=true").get_json()["id_region"] == expected
    assert api.get("admin", "/api/v1/workers").get_json()["items"][0]["id_region"] == expected


def test_a_current_code_is_its_own_county_and_a_retired_one_without_a_sure_successor_keeps_its_name(api) -> None:
    current = _register(api, ZHUOZI, 12)
    assert api.get("bureau", f"/api/v1/workers/{current}").get_json()["id_region"] == {
        "code": "150921", "name": "卓资县", "level": "county", "current": True,
        "current_code": "150921", "current_name": "卓资县"}
    moved = _register(api, "152621", 13)  # 武川县 went from 乌兰察布盟 to 呼和浩特市 with its name
    assert api.get("bureau", f"/api/v1/workers/{moved}").get_json()["id_region"]["current_code"] == "150125"
    gone = _register(api, "152121", 14)  # 布特哈旗, split up: no single successor
    region = api.get("bureau", f"/api/v1/workers/{gone}").get_json()["id_region"]
    assert (region["name"], region["current"], region["current_code"], region["current_name"]) == (
        "布特哈旗", False, None, None)


def test_employers_never_get_it_bureaus_do_in_every_worker_view(api) -> None:
    worker_id = _register(api, "152624", 15)
    posting_id = new_posting(api, age_max=60)
    bureau_matches = api.get("bureau", f"/api/v1/postings/{posting_id}/matches").get_json()["items"]
    employer_matches = api.get("employer", f"/api/v1/postings/{posting_id}/matches").get_json()["items"]
    assert bureau_matches and employer_matches
    assert bureau_matches[0]["worker"]["id_region"]["current_code"] == "150921"
    assert "id_region" not in employer_matches[0]["worker"]
    application = refer(api, worker_id, posting_id).get_json()["id"]
    assert api.get("bureau", f"/api/v1/applications/{application}").get_json()["worker"]["id_region"]["code"] == "152624"
    assert "id_region" not in api.get("employer", f"/api/v1/applications/{application}").get_json()["worker"]


def test_an_erased_worker_has_none(api) -> None:
    worker_id = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=16)).get_json()["id"]
    assert api.post("bureau", f"/api/v1/workers/{worker_id}/erase").get_json()["id_region"] is None


def test_the_export_names_the_issuing_region(api) -> None:
    from tests.tabular.sheets import sheet_rows

    _register(api, "152624", 17)
    _register(api, "152121", 18)
    rows = sheet_rows(api.get("bureau", "/api/v1/workers/export").data)
    column = rows[0].index("身份证发证地区")
    assert [r[column] for r in rows[1:]] == ["卓资县（原卓资县 152624）", "布特哈旗（已撤销 152121）"]
