"""Worker registration: validation, duplicates, scope, masking, reveal, concurrency, erasure."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import clock
from models.access.tables import AuditEntry
from models.workers.tables import Worker
from tests.factories import AOHAN, ZHUOZI, id_number, worker_payload

URL = "/api/v1/workers"


def _with_check(body: str) -> str:
    from stdnum.cn import ric

    return body + ric.calc_check_digit(body + "0")


def create(api, role="bureau", **overrides):
    return api.post(role, URL, json=worker_payload(**overrides))


def test_register_masks_id_and_phone_and_derives_birth_and_sex(api):
    r = create(api)
    assert r.status_code == 201
    body = r.get_json()
    assert body["id_number"] == "150921********1239"
    assert body["phone"] == "138****0123"
    assert body["sex"] == "M" and body["age"] == clock.today().year - 2004 - (
        (clock.today().month, clock.today().day) < (5, 17))
    assert r.headers["ETag"] == f'"{body["id"]}-1"'


@pytest.mark.parametrize("field,value,fragment", [
    ("id_number", "150921200405171230", "check character"),
    ("id_number", _with_check("15092120041317123"), "birth date is not a real date"),
    ("id_number", _with_check("99092120040517123"), "region code never existed"),
    ("id_number", "1509212004051712", "18 characters"),
    ("id_number", id_number(birth=clock.today() - timedelta(days=365 * 15)), "minimum working age"),
    ("phone", "12800000000", "mainland mobile"),
    ("phone", "1380000000", "mainland mobile"),
    ("county_code", "110105", "Inner Mongolia"),
    ("county_code", "150900", "Inner Mongolia"),
    ("county_code", "159999", "Inner Mongolia"),
    ("poverty_status", "poor", "Must be one of"),
    ("education", "phd", "Must be one of"),
    ("destinations", ["moon"], "Must be one of"),
    ("destinations", [], "Length"),
    ("languages", ["xx"], "Must be one of"),
    ("expected_monthly_wage", 0, "between 1 and 100000"),
    ("expected_monthly_wage", -5, "between 1 and 100000"),
    ("available_from", "1999-01-01", "after 2000"),
    ("available_from", "2026-02-30", "Not a valid date"),
    ("skills", [{"code": "security", "level": 6}], "Must be greater"),
    ("skills", [{"code": "no_such_skill", "level": 2}], "Unknown skill code"),
    ("preferred_occupations", ["9-99-99-99"], "Unknown occupation code"),
    ("birth_date", "1990-01-01", "Derived from the ID number"),
    ("sex", "F", "Derived from the ID number"),
    ("favourite_colour", "red", "Unknown field"),
])
def test_each_validation_rule_gives_a_field_level_422(api, db_session, field, value, fragment):
    r = create(api, **{field: value})
    assert r.status_code == 422, r.get_json()
    body = r.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert " / " in body["message"]
    messages = body["errors"]["json"][field]
    flat = str(messages)
    assert fragment in flat and " / " in flat
    assert db_session.scalar(select(Worker.id)) is None  # nothing half-written


def test_missing_required_fields_are_listed_together(api):
    r = api.post("bureau", URL, json={"name": "李四"})
    assert r.status_code == 422
    missing = r.get_json()["errors"]["json"]
    assert {"id_number", "phone", "county_code", "poverty_status", "education",
            "destinations", "expected_monthly_wage"} <= set(missing)


def test_duplicate_id_number_is_409_with_existing_worker_id(api):
    first = create(api).get_json()
    again = create(api, phone="13900009999")  # same ID, other phone
    assert again.status_code == 409
    assert again.get_json()["errors"]["existing_worker_id"] == first["id"]


def test_bureau_cannot_see_or_edit_another_countys_worker(api):
    wid = create(api).get_json()["id"]
    assert api.get("bureau_other", f"{URL}/{wid}").status_code == 404
    assert api.patch("bureau_other", f"{URL}/{wid}", json={"name": "x"},
                     headers={"If-Match": '"1-1"'}).status_code == 404
    assert api.post("bureau_other", f"{URL}/{wid}/erase").status_code == 404
    assert api.get("bureau_other", URL).get_json()["total"] == 0


def test_bureau_cannot_register_into_another_county(api):
    r = api.post("bureau_other", URL, json=worker_payload(county=ZHUOZI))
    assert r.status_code == 403


def test_reveal_shows_full_numbers_and_is_audited(api, db_session):
    wid = create(api).get_json()["id"]
    masked = api.get("bureau", f"{URL}/{wid}").get_json()
    assert "*" in masked["id_number"] and masked["revealed"] is False
    full = api.get("bureau", f"{URL}/{wid}?reveal=true").get_json()
    assert full["id_number"] == worker_payload()["id_number"] and full["phone"] == "13800000123"
    reveals = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "worker.reveal")).all()
    assert [(a.entity_id, a.detail["fields"]) for a in reveals] == [(str(wid), ["id_number", "phone"])]


def test_lookup_by_id_number_uses_the_keyed_index(api):
    wid = create(api).get_json()["id"]
    create(api, seq=124, phone="13800000124")
    found = api.get("bureau", URL, query_string={"id_number": worker_payload()["id_number"]}).get_json()
    assert [w["id"] for w in found["items"]] == [wid]
    by_phone = api.get("bureau", URL, query_string={"phone": "13800000124"}).get_json()
    assert by_phone["total"] == 1


def test_list_filters_and_paginates_with_total(api):
    for seq in range(5):
        create(api, seq=200 + seq, phone=f"137000002{seq:02d}",
               poverty_status="monitored" if seq % 2 else "none")
    page = api.get("bureau", URL, query_string={"page_size": 2, "page": 2}).get_json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["page"] == 2
    monitored = api.get("bureau", URL, query_string={"poverty_status": "monitored"}).get_json()
    assert monitored["total"] == 2
    by_occ = api.get("bureau", URL, query_string={"occupation": "4-07-05-01"}).get_json()
    assert by_occ["total"] == 5


def test_patch_needs_if_match_and_refuses_a_stale_etag(api):
    created = create(api)
    wid, etag = created.get_json()["id"], created.headers["ETag"]
    assert api.patch("bureau", f"{URL}/{wid}", json={"expected_monthly_wage": 6000}).status_code == 428
    ok = api.patch("bureau", f"{URL}/{wid}", json={"expected_monthly_wage": 6000}, headers={"If-Match": etag})
    assert ok.status_code == 200 and ok.get_json()["expected_monthly_wage"] == 6000
    assert ok.headers["ETag"] != etag
    stale = api.patch("bureau", f"{URL}/{wid}", json={"expected_monthly_wage": 6500}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert api.get("bureau", f"{URL}/{wid}").get_json()["expected_monthly_wage"] == 6000


def test_patch_validates_like_create(api):
    created = create(api)
    wid, etag = created.get_json()["id"], created.headers["ETag"]
    r = api.patch("bureau", f"{URL}/{wid}", json={"phone": "123", "id_number": "x"}, headers={"If-Match": etag})
    assert r.status_code == 422
    assert set(r.get_json()["errors"]["json"]) == {"phone", "id_number"}


def test_idempotency_key_replays_the_first_response(api, db_session):
    headers = {"Idempotency-Key": "retry-1"}
    first = api.post("bureau", URL, json=worker_payload(), headers=headers)
    again = api.post("bureau", URL, json=worker_payload(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(db_session.scalars(select(Worker.id)).all()) == 1
    other = api.post("bureau", URL, json=worker_payload(seq=300, phone="13800000300"), headers=headers)
    assert other.status_code == 422


def test_erasure_wipes_personal_fields_but_keeps_counts(api, db_session):
    wid = create(api).get_json()["id"]
    create(api, seq=301, phone="13800000301")
    r = api.post("bureau", f"{URL}/{wid}/erase")
    assert r.status_code == 200
    body = r.get_json()
    assert body["erased"] and body["id_number"] is None and body["phone"] is None and body["age"] is None
    row = db_session.get(Worker, wid)
    assert row.id_number_enc is None and row.phone_enc is None and row.birth_date is None
    assert row.county_code == ZHUOZI and row.poverty_status == "alleviated"
    assert api.get("bureau", URL, query_string={"county": ZHUOZI}).get_json()["total"] == 2
    # The same person can be registered again after erasure.
    assert create(api).status_code == 201


def test_no_plain_id_number_or_phone_in_the_sqlite_file(api, app, database):
    if database.backend != "sqlite":
        pytest.skip("byte search applies to the SQLite file")
    payloads = [worker_payload(seq=400 + i, phone=f"1360000{400 + i:04d}") for i in range(5)]
    for p in payloads:
        assert api.post("bureau", URL, json=p).status_code == 201
    app.extensions["jm.engine"].dispose()  # checkpoint the WAL into the file
    path = database.url.removeprefix("sqlite:///")
    raw = b"".join(open(f, "rb").read() for f in [path] + [path + s for s in ("-wal",) if __import__("os").path.exists(path + s)])
    for p in payloads:
        assert p["id_number"].encode() not in raw
        assert p["phone"].encode() not in raw
    assert "张三".encode() in raw  # the search itself works on this file


def test_aohan_bureau_registers_its_own_workers(api):
    r = api.post("bureau_other", URL, json=worker_payload(county=AOHAN, seq=7, phone="13800000007"))
    assert r.status_code == 201 and r.get_json()["county_name"] == "敖汉旗"


def test_malformed_skill_items_get_field_level_errors_by_position(api):
    r = create(api, skills=[{"code": "security"}, 0, None, {"code": 5}, {"code": "security"}])
    assert r.status_code == 422
    skills = r.get_json()["errors"]["json"]["skills"]
    assert {"1", "2", "3", "_schema"} <= set(skills)  # positions of bad items, and the repeat


def test_ids_beyond_64_bits_are_not_found_and_huge_numbers_are_422(api):
    assert api.get("bureau", f"{URL}/{2**70}").status_code == 404
    r = api.get("admin", "/api/v1/postings", query_string={"employer_id": 2**70})
    assert r.status_code == 422 and "out of range" in r.get_json()["message"]
