"""Fairs: creation scope, status, operator scope, postings and check-in (validated like registration)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models.workers.tables import Worker
from tests.factories import AOHAN, ZHUOZI, id_number, posting_payload, worker_payload
from tests.role_tables.fairs import fair_payload, open_fair

URL = "/api/v1/fairs"


def test_bureau_creates_and_reads_fairs_of_its_own_counties_only(api):
    r = api.post("bureau", URL, json=fair_payload())
    assert r.status_code == 201
    fair = r.get_json()
    assert fair["status"] == "planned" and fair["ends_on"] == fair["starts_on"]
    assert fair["county_names"] == ["卓资县"] and fair["district_names"] == ["朝阳区"]
    assert api.post("bureau", URL, json=fair_payload(counties=[AOHAN])).status_code == 403
    assert api.post("bureau", URL, json=fair_payload(counties=[ZHUOZI, AOHAN])).status_code == 403
    assert api.get("bureau", f"{URL}/{fair['id']}").status_code == 200
    assert api.get("bureau_other", f"{URL}/{fair['id']}").status_code == 404
    assert api.get("bureau_other", URL).get_json()["total"] == 0
    assert api.get("bureau", URL).get_json()["total"] == 1
    assert api.get("employer", f"{URL}/{fair['id']}").status_code == 200  # a fair is a public event


@pytest.mark.parametrize("overrides,field", [
    ({"venue": None}, "venue"),
    ({"counties": ["110105"]}, "counties"),
    ({"counties": []}, "counties"),
    ({"districts": ["150921"]}, "districts"),
    ({"ends_on": "2025-03-01"}, "ends_on"),
    ({"mode": "hybrid"}, "mode"),
    ({"status": "open"}, "status"),
])
def test_invalid_fair_is_refused_field_by_field(api, overrides, field):
    r = api.post("admin", URL, json=fair_payload(**overrides))
    assert r.status_code == 422
    assert field in r.get_json()["errors"]["json"]


def test_online_fair_needs_no_venue(api):
    r = api.post("admin", URL, json=fair_payload(mode="online", venue=None, ends_on="2025-03-10"))
    assert r.status_code == 201 and r.get_json()["venue"] is None


def test_status_moves_planned_open_closed_and_never_back(api):
    created = api.post("bureau", URL, json=fair_payload())
    fid, etag = created.get_json()["id"], created.headers["ETag"]
    assert api.patch("bureau", f"{URL}/{fid}", json={"status": "open"}).status_code == 428
    opened = api.patch("bureau", f"{URL}/{fid}", json={"status": "open"}, headers={"If-Match": etag})
    assert opened.status_code == 200 and opened.get_json()["status"] == "open"
    closed = api.patch("bureau", f"{URL}/{fid}", json={"status": "closed"},
                       headers={"If-Match": opened.headers["ETag"]})
    assert closed.status_code == 200
    back = api.patch("bureau", f"{URL}/{fid}", json={"status": "open"}, headers={"If-Match": closed.headers["ETag"]})
    assert back.status_code == 409 and "status" in back.get_json()["errors"]["json"]


def test_fair_operator_sees_only_its_own_fairs(api, operator):
    mine, theirs = open_fair(api), open_fair(api, name="另一场招聘会")
    role = operator("op_mine", mine)
    worker = api.post("bureau", "/api/v1/workers", json=worker_payload()).get_json()["id"]
    assert [f["id"] for f in api.get(role, URL).get_json()["items"]] == [mine]
    assert api.get(role, f"{URL}/{mine}").status_code == 200
    for method, path, body in [
        ("GET", f"{URL}/{theirs}", None), ("GET", f"{URL}/{theirs}/attendees", None),
        ("POST", f"{URL}/{theirs}/attendees", {"worker_id": worker}),
        ("GET", f"{URL}/{theirs}/postings", None), ("POST", f"{URL}/{theirs}/plan", {}),
        ("GET", f"{URL}/{theirs}/matches?worker_id={worker}", None), ("GET", f"{URL}/{theirs}/summary", None),
    ]:
        assert api.request(method, role, path, json=body).status_code == 404, path
    assert api.post(role, f"{URL}/{mine}/attendees", json={"worker_id": worker}).status_code == 201


def test_employers_add_and_see_only_their_own_postings(api):
    fid = open_fair(api)
    own = api.post("employer", "/api/v1/postings", json=posting_payload(openings=4)).get_json()["id"]
    other = api.post("employer_other", "/api/v1/postings", json=posting_payload()).get_json()["id"]
    r = api.post("employer", f"{URL}/{fid}/postings", json={"posting_id": own})
    assert r.status_code == 201 and r.get_json()["slots"] == 8  # default: 2 × openings left
    refused = api.post("employer", f"{URL}/{fid}/postings", json={"posting_id": other})
    assert refused.status_code == 422 and "posting_id" in refused.get_json()["errors"]["json"]
    assert api.post("fair", f"{URL}/{fid}/postings", json={"posting_id": other}).status_code == 404
    assert api.post("admin", f"{URL}/{fid}/postings", json={"posting_id": other, "slots": 3}).status_code == 201
    again = api.post("employer", f"{URL}/{fid}/postings", json={"posting_id": own, "slots": 5})
    assert again.status_code == 200 and again.get_json()["slots"] == 5
    assert [p["id"] for p in api.get("employer", f"{URL}/{fid}/postings").get_json()] == [own]
    assert sorted(p["id"] for p in api.get("admin", f"{URL}/{fid}/postings").get_json()) == sorted([own, other])
    assert api.get("admin", f"{URL}/{fid}").get_json()["postings"] == 2


def test_check_in_by_id_number_and_worker_id_returns_the_same_attendee(api):
    fid = open_fair(api)
    registered = api.post("bureau", "/api/v1/workers", json=worker_payload()).get_json()
    r = api.post("admin", f"{URL}/{fid}/attendees", json={"id_number": id_number()})
    assert r.status_code == 201
    body = r.get_json()
    assert body["worker_id"] == registered["id"] and body["walk_in"] is False
    assert body["id_number"] == "150921********1239" and body["phone"] == "138****0123"
    again = api.post("admin", f"{URL}/{fid}/attendees", json={"worker_id": registered["id"]})
    assert again.status_code == 200 and again.get_json()["checked_in_at"] == body["checked_in_at"]
    listed = api.get("bureau", f"{URL}/{fid}/attendees").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id_number"] == "150921********1239"


def test_check_in_by_unknown_or_invalid_id_number_is_a_field_error(api):
    fid = open_fair(api)
    unknown = api.post("admin", f"{URL}/{fid}/attendees", json={"id_number": id_number(seq=555)})
    assert unknown.status_code == 422 and "worker" in unknown.get_json()["errors"]["json"]["id_number"][0]
    bad = api.post("admin", f"{URL}/{fid}/attendees", json={"id_number": "150921200405171230"})
    assert bad.status_code == 422 and "check character" in bad.get_json()["errors"]["json"]["id_number"][0]
    both = api.post("admin", f"{URL}/{fid}/attendees", json={"id_number": id_number(), "worker_id": 1})
    assert both.status_code == 422


@pytest.mark.parametrize("overrides", [
    {"id_number": "150921200405171230"},
    {"id_number": "1509212004051712"},
    {"phone": "12800000000"},
    {"county_code": "110105"},
    {"expected_monthly_wage": 0},
    {"sex": "M"},
    {"destinations": []},
])
def test_walk_in_is_validated_exactly_like_a_registration(api, overrides):
    fid = open_fair(api)
    payload = worker_payload(seq=301, **overrides)
    direct = api.post("bureau", "/api/v1/workers", json=payload)
    walk_in = api.post("admin", f"{URL}/{fid}/attendees", json={"worker": payload})
    assert direct.status_code == walk_in.status_code == 422
    assert walk_in.get_json()["errors"]["json"]["worker"] == direct.get_json()["errors"]["json"]


def test_walk_in_registers_a_new_worker_of_an_organising_county(api, operator, db_session):
    fid = open_fair(api)
    role = operator("op", fid)
    r = api.post(role, f"{URL}/{fid}/attendees", json={"worker": worker_payload(seq=302)})
    assert r.status_code == 201
    body = r.get_json()
    assert body["registered_now"] is True and body["walk_in"] is True
    assert api.get("bureau", f"/api/v1/workers/{body['worker_id']}").get_json()["county_code"] == ZHUOZI
    elsewhere = api.post(role, f"{URL}/{fid}/attendees", json={"worker": worker_payload(seq=303, county=AOHAN)})
    assert elsewhere.status_code == 403
    unknown_skill = worker_payload(seq=304, skills=[{"code": "no_such_skill", "level": 1}])
    r = api.post(role, f"{URL}/{fid}/attendees", json={"worker": unknown_skill})
    assert r.status_code == 422 and "skills" in r.get_json()["errors"]["json"]["worker"]


def test_walk_in_with_a_registered_id_number_checks_in_the_existing_worker(api, db_session):
    fid = open_fair(api)
    existing = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=310, phone="13800000310")).get_json()["id"]
    before = db_session.scalar(select(func.count()).select_from(Worker))
    r = api.post("admin", f"{URL}/{fid}/attendees",
                 json={"worker": worker_payload(seq=310, name="另一个名字", phone="13900000310")})
    assert r.status_code == 201
    body = r.get_json()
    assert body["worker_id"] == existing and body["registered_now"] is False
    assert body["name"] == "张三"  # the record's name stays; the difference is reported, not dropped
    assert body["phone_updated"] is True and body["details_not_applied"] == ["name"]
    assert db_session.scalar(select(func.count()).select_from(Worker)) == before
    stored = api.get("bureau", f"/api/v1/workers/{existing}?reveal=true").get_json()
    assert stored["phone"] == "13900000310" and stored["name"] == "张三"


def test_a_fair_reaches_only_the_workers_of_its_organising_counties(api, operator):
    fid = open_fair(api)  # organised by 卓资县
    operator("fair", fid)
    aohan = worker_payload(seq=311, county=AOHAN, phone="13800000311")
    other = api.post("bureau_other", "/api/v1/workers", json=aohan).get_json()["id"]
    by_id = api.post("fair", f"{URL}/{fid}/attendees", json={"worker_id": other})
    unknown = api.post("fair", f"{URL}/{fid}/attendees", json={"worker_id": 999_999})
    assert by_id.status_code == unknown.status_code == 422
    assert by_id.get_json()["errors"] == unknown.get_json()["errors"]
    # By ID number: a number registered in another county answers exactly like an unregistered one.
    registered_elsewhere = api.post("fair", f"{URL}/{fid}/attendees", json={"id_number": aohan["id_number"]})
    never_registered = api.post("fair", f"{URL}/{fid}/attendees",
                                json={"id_number": worker_payload(seq=312)["id_number"]})
    assert registered_elsewhere.status_code == never_registered.status_code == 422
    assert registered_elsewhere.get_json()["errors"] == never_registered.get_json()["errors"]
    # Registering that person as a walk-in of the organising county cannot take them over.
    takeover = api.post("fair", f"{URL}/{fid}/attendees", json={"worker": {**aohan, "county_code": ZHUOZI}})
    assert takeover.status_code == 422 and "id_number" in takeover.get_json()["errors"]["json"]["worker"]
    assert api.get("fair", f"{URL}/{fid}/attendees").get_json()["total"] == 0


def test_check_in_needs_an_open_fair(api):
    fid = api.post("bureau", URL, json=fair_payload()).get_json()["id"]
    worker = api.post("bureau", "/api/v1/workers", json=worker_payload()).get_json()["id"]
    r = api.post("admin", f"{URL}/{fid}/attendees", json={"worker_id": worker})
    assert r.status_code == 409
