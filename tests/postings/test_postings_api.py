"""Postings: validation (incl. the Employment Promotion Law), ownership, edits, closing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import clock
from models.postings.tables import Posting
from tests.factories import posting_payload

URL = "/api/v1/postings"


def create(api, role="employer", **overrides):
    employer_id = overrides.pop("employer_id", None)
    if role == "admin" and employer_id is None:
        employer_id = api.tokens["_employer_id"]
    return api.post(role, URL, json=posting_payload(employer_id, **overrides))


def test_employer_creates_a_posting_for_itself(api):
    r = create(api)
    assert r.status_code == 201
    body = r.get_json()
    assert body["employer_id"] == api.tokens["_employer_id"]
    assert body["openings_left"] == body["openings"] == 5 and body["status"] == "open"


@pytest.mark.parametrize("overrides,field,fragment", [
    ({"gender": "male"}, "gender", "Employment Promotion Law"),
    ({"sex": "F"}, "sex", "Employment Promotion Law"),
    ({"title": "保安（限男性）"}, "title", "Employment Promotion Law"),
    ({"description": "女性优先，包吃住"}, "description", "Employment Promotion Law"),
    ({"title": "Security guard, men only"}, "title", "Employment Promotion Law"),
    ({"title": "男保安（门岗）"}, "title", "Art. 27"),
    ({"description": "仅招男士，包吃住"}, "description", "Art. 27"),
    ({"title": "Male candidates only"}, "title", "Art. 27"),
    ({"description": "限汉族"}, "description", "Art. 28"),
    ({"description": "北京户口优先"}, "description", "Art. 31"),
    ({"title": "收银员（限未婚）"}, "title", "Art. 43"),
    ({"description": "已婚已育优先，包吃住"}, "description", "Art. 43"),
    ({"title": "Cashier, single only"}, "title", "Art. 43"),
    ({"wage_min": 7000, "wage_max": 6000}, "wage_min", "must not exceed"),
    ({"wage_min": 0}, "wage_min", "greater than or equal"),
    ({"wage_min": 2000, "wage_max": 2500}, "wage_min", "minimum wage"),
    ({"age_min": 15}, "age_min", "at least 16"),
    ({"age_max": 70}, "age_max", "statutory limit"),
    ({"age_min": 40, "age_max": 30}, "age_min", "must not exceed"),
    ({"expires_on": clock.today().isoformat()}, "expires_on", "after today"),
    ({"expires_on": "2026-13-01"}, "expires_on", "Not a valid date"),
    ({"district_code": "999999"}, "district_code", "region code"),
    ({"occupation_code": "0-00-00-00"}, "occupation_code", "Unknown occupation"),
    ({"required_skills": [{"code": "flying"}]}, "required_skills", "Unknown skill"),
    ({"education_min": "phd"}, "education_min", "Must be one of"),
    ({"openings": 0}, "openings", "greater than or equal"),
    ({"bonus": 1}, "bonus", "Unknown field"),
])
def test_each_posting_rule_gives_a_field_level_422(api, db_session, overrides, field, fragment):
    r = create(api, **overrides)
    assert r.status_code == 422, r.get_json()
    assert fragment in str(r.get_json()["errors"]["json"][field])
    assert db_session.scalar(select(Posting.id)) is None


def test_employer_cannot_post_for_another_employer(api):
    r = create(api, employer_id=api.tokens["_employer_other_id"])
    assert r.status_code == 403


def test_employer_sees_only_its_own_postings(api):
    mine = create(api).get_json()["id"]
    theirs = create(api, role="employer_other").get_json()["id"]
    listing = api.get("employer", URL).get_json()
    assert [p["id"] for p in listing["items"]] == [mine]
    assert api.get("employer", f"{URL}/{theirs}").status_code == 404
    assert api.get("bureau", f"{URL}/{theirs}").status_code == 200
    assert api.get("fair", URL).get_json()["total"] == 2


def test_patch_openings_keeps_openings_left_consistent(api):
    created = create(api)
    pid, etag = created.get_json()["id"], created.headers["ETag"]
    r = api.patch("employer", f"{URL}/{pid}", json={"openings": 8}, headers={"If-Match": etag})
    assert r.status_code == 200 and r.get_json()["openings_left"] == 8
    stale = api.patch("employer", f"{URL}/{pid}", json={"openings": 9}, headers={"If-Match": etag})
    assert stale.status_code == 412
    bad = api.patch("employer", f"{URL}/{pid}", json={"wage_max": 100}, headers={"If-Match": r.headers["ETag"]})
    assert bad.status_code == 422 and "wage_min" in bad.get_json()["errors"]["json"]


def test_other_employer_cannot_edit_or_close(api):
    created = create(api)
    pid, etag = created.get_json()["id"], created.headers["ETag"]
    assert api.patch("employer_other", f"{URL}/{pid}", json={"openings": 2},
                     headers={"If-Match": etag}).status_code == 404
    assert api.post("employer_other", f"{URL}/{pid}/close").status_code == 404


def test_close_then_close_again_conflicts(api):
    pid = create(api).get_json()["id"]
    assert api.post("employer", f"{URL}/{pid}/close").get_json()["status"] == "closed"
    assert api.post("employer", f"{URL}/{pid}/close").status_code == 409


def test_expire_command_marks_past_postings(api, runner, db_session):
    pid = create(api).get_json()["id"]
    row = db_session.get(Posting, pid)
    row.expires_on = clock.today() - timedelta(days=1)
    db_session.commit()
    result = runner.invoke(args=["postings", "expire"])
    assert "expired 1" in result.output
    assert api.get("employer", f"{URL}/{pid}").get_json()["status"] == "expired"


def test_filters_by_status_occupation_district_and_county(api):
    create(api)
    create(api, district_code="150921", wage_min=3000, wage_max=3500, title="卓资县物业保安")
    assert api.get("bureau", URL, query_string={"district": "150921"}).get_json()["total"] == 1
    assert api.get("bureau", URL, query_string={"county": "150921"}).get_json()["total"] == 2  # paired 朝阳区 + home
    assert api.get("bureau", URL, query_string={"county": "150430"}).get_json()["total"] == 0
    assert api.get("bureau", URL, query_string={"occupation": "4-07-05-01", "status": "open"}).get_json()["total"] == 2
