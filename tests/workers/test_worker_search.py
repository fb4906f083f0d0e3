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


def _same_tail(tail_of: str, county: str) -> str:
    """A valid ID number of ``county`` ending like ``tail_of`` (found by moving the birth date)."""
    from datetime import date, timedelta

    day = date(1980, 1, 1)
    while True:
        number = id_number(county, birth=day, seq=int(tail_of[-4:-1]))
        if number[-4:] == tail_of[-4:]:
            return number
        day += timedelta(days=1)


def test_the_last_four_to_six_id_characters_find_a_worker_within_the_callers_counties(api, db_session):
    from sqlalchemy import select

    from models.workers.tables import Worker

    mine = id_number(ZHUOZI, seq=417)
    theirs = _same_tail(mine, AOHAN)
    assert theirs[-4:] == mine[-4:] and theirs[-6:] != mine[-6:]
    api.post("bureau", "/api/v1/workers", json=worker_payload(name="乌云", id_number=mine, phone="13800000417"))
    api.post("bureau_other", "/api/v1/workers", json=worker_payload(
        name="其其格", county=AOHAN, id_number=theirs, phone="13800000418"))
    assert _names(api, mine[-4:]) == ["乌云"]
    assert _names(api, mine[-5:]) == ["乌云"] and _names(api, mine[-6:]) == ["乌云"]
    assert _names(api, mine[-4:], role="bureau_other") == ["其其格"]
    assert _names(api, theirs[-6:]) == []            # the other county's worker stays out of reach
    admin = api.get("admin", "/api/v1/workers", query_string={"q": mine[-4:]}).get_json()["items"]
    assert sorted(w["name"] for w in admin) == ["乌云", "其其格"]
    assert _names(api, mine[-3:]) == [] and _names(api, mine[-7:]) == []
    # Only keyed digests are stored: no column holds the tail itself.
    row = db_session.scalar(select(Worker).where(Worker.name == "乌云"))
    digests = [row.id_tail4_index, row.id_tail5_index, row.id_tail6_index]
    assert all(len(d) == 64 and mine[-4:] not in d for d in digests) and len(set(digests)) == 3


def test_an_x_tail_is_found_however_it_is_typed(api):
    seq = next(s for s in range(100, 200) if id_number(ZHUOZI, seq=s).endswith("X"))
    number = id_number(ZHUOZI, seq=seq)
    api.post("bureau", "/api/v1/workers", json=worker_payload(name="巴特尔", id_number=number, phone="13800000419"))
    assert _names(api, number[-4:].lower()) == ["巴特尔"]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number[-5:])
    assert _names(api, full_width) == ["巴特尔"]


def test_workers_reindex_fills_the_tail_indexes_of_rows_migrated_without_the_key(api, runner, db_session):
    from sqlalchemy import update

    from models.workers.tables import Worker

    number = id_number(ZHUOZI, seq=421)
    api.post("bureau", "/api/v1/workers", json=worker_payload(name="图雅", id_number=number, phone="13800000421"))
    db_session.execute(update(Worker).values(id_tail4_index=None, id_tail5_index=None, id_tail6_index=None))
    db_session.commit()
    assert _names(api, number[-4:]) == []
    result = runner.invoke(args=["workers", "reindex"])
    assert result.exit_code == 0 and "reindexed 1 workers" in result.output
    assert _names(api, number[-4:]) == ["图雅"]


def test_erasing_a_worker_drops_the_tail_indexes(api):
    number = id_number(ZHUOZI, seq=433)
    worker = api.post("bureau", "/api/v1/workers", json=worker_payload(
        name="宝音", id_number=number, phone="13800000433")).get_json()
    assert api.post("bureau", f"/api/v1/workers/{worker['id']}/erase").status_code == 200
    assert _names(api, number[-4:]) == []
