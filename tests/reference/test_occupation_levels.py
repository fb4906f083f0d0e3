"""Occupation levels: matching compares 职业 codes, so a wish or a posting given as a 大类, 中类
or 小类 is refused naming the level to give and some occupations under it; ``?parent=`` lists
the codes right under a group."""
from __future__ import annotations

from collections import Counter

import pytest

from models.reference.service import group_prefix
from seed import classification, taxonomy
from tests.factories import posting_payload, worker_payload
from tests.tabular.sheets import WORKER_HEADERS, upload, worker_row, xlsx

OCC = "/api/v1/occupations"


def _codes(api, **query) -> list[str]:
    r = api.get("bureau", OCC, query_string={"page_size": 200, **query})
    assert r.status_code == 200, r.get_json()
    return [i["code"] for i in r.get_json()["items"]]


@pytest.mark.parametrize(("code", "level_word"), [
    ("4-00-00-00", "大类"), ("4-10-00-00", "中类"), ("4-09-08-00", "小类")])
def test_a_workers_wish_for_a_group_is_refused_naming_a_narrower_level(api, code, level_word) -> None:
    r = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=1, preferred_occupations=[code]))
    assert r.status_code == 422, r.get_json()
    [message] = r.get_json()["errors"]["json"]["preferred_occupations"]
    assert f"是{level_word}" in message and "职业（第4级）" in message and "too broad to match" in message
    assert f"GET /api/v1/occupations?parent={code}" in message
    example = message.split("如 ")[1].split(" ")[0]
    levels = {r["code"]: r["level"] for r in classification.table_rows(taxonomy.occupations())}
    assert example.startswith(group_prefix(code)) and levels[example] == 4


def test_a_posting_for_a_group_is_refused_and_an_occupation_coded_minus_00_is_accepted(api) -> None:
    r = api.post("employer", "/api/v1/postings", json=posting_payload(occupation_code="4-09-08-00"))
    assert r.status_code == 422
    assert "4-09-08-01 保洁员" in r.get_json()["errors"]["json"]["occupation_code"][0]
    # 4-01-01-00 采购员 is a 小类 that is its own only 职业: an occupation, not a group.
    ok = api.post("employer", "/api/v1/postings", json=posting_payload(occupation_code="4-01-01-00", title="采购员"))
    assert ok.status_code == 201, ok.get_json()
    wish = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=2, preferred_occupations=["4-01-01-00"]))
    assert wish.status_code == 201, wish.get_json()


def test_a_roster_naming_a_group_gets_the_same_advice(api) -> None:
    rows = [worker_row(1, 意向工种="居民服务人员"), worker_row(2, 意向工种="保洁；4-09-08-00")]
    body = upload(api, "bureau", "/api/v1/workers/import", xlsx(WORKER_HEADERS, rows), mode="valid_rows").get_json()
    assert body["created"] == 0
    messages = {e["row"]: e["message"] for e in body["rows"]}
    assert "4-10-00-00（居民服务人员）是中类" in messages[2] and "parent=4-10-00-00" in messages[2]
    assert "4-09-08-00（环境卫生服务人员）是小类" in messages[3]


def test_parent_lists_the_codes_right_under_a_group(api) -> None:
    assert _codes(api, parent="4-09-08-00") == ["4-09-08-01", "4-09-08-02", "4-09-08-03"]
    medium = api.get("fair", OCC, query_string={"parent": "4-10-00-00", "page_size": 200}).get_json()["items"]
    assert {i["parent_code"] for i in medium} == {"4-10-00-00"} and {i["level"] for i in medium} <= {3, 4}
    assert "4-10-01-00" in [i["code"] for i in medium]
    assert _codes(api, parent="4-00-00-00", level=2)[:2] == ["4-01-00-00", "4-02-00-00"]
    assert _codes(api, parent="5-01-02-02") == ["5-01-02-02-01", "5-01-02-02-02"]  # 工种 under a 职业
    assert _codes(api, parent="4-09-08-00", q="垃圾") == ["4-09-08-02", "4-09-08-03"]
    assert _codes(api, parent="4-09-08-01") == []  # a 职业 without 工种
    unknown = api.get("employer", OCC, query_string={"parent": "9-99-99-99"})
    assert unknown.status_code == 422 and "parent" in unknown.get_json()["errors"]["query"]


def test_walking_down_from_the_major_groups_reaches_every_code() -> None:
    rows = classification.table_rows(taxonomy.occupations())
    children = Counter(r["parent_code"] for r in rows)
    by_parent: dict[str | None, list[str]] = {}
    for r in rows:
        by_parent.setdefault(r["parent_code"], []).append(r["code"])
    seen, todo = set(), list(by_parent[None])
    while todo:
        code = todo.pop()
        seen.add(code)
        todo.extend(by_parent.get(code, []))
    assert seen == {r["code"] for r in rows} and children[None] == 8


def test_a_group_with_nothing_finer_under_it_is_usable_as_it_is(api) -> None:
    # 2-01-99-00 其他科学研究人员 (a 其他 小类) and 8-00-00-00 have no 职业 under them.
    for seq, code in ((1, "2-01-99-00"), (2, "8-00-00-00")):
        r = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=seq, preferred_occupations=[code]))
        assert r.status_code == 201, r.get_json()
    assert taxonomy.too_broad("8-00-00-00") is None and taxonomy.too_broad("4-10-00-00")
