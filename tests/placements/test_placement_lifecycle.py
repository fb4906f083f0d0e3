"""Hiring takes an opening, ending frees it; direct records; follow-ups and tracking status."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from models import clock
from models.placements.tables import Placement
from models.placements.tracking import add_months
from tests.factories import AOHAN, HAIDIAN
from tests.placements.placement_helpers import hire, interviewing, new_posting, new_worker, referred_on

URL = "/api/v1/placements"


def test_hiring_creates_a_placement_with_snapshots_and_fills_the_last_opening(api, db_session):
    posting = new_posting(api, openings=2)
    first = interviewing(api, new_worker(api, seq=1), posting)
    second = interviewing(api, new_worker(api, seq=2), posting)
    third = interviewing(api, new_worker(api, seq=3), posting)
    r = hire(api, first)
    assert r.status_code == 200 and r.get_json()["state"] == "hired"
    placement = api.get("bureau", f"{URL}/{r.get_json()['placement_id']}").get_json()
    assert placement["destination"] == "beijing" and placement["workplace_code"] == "110105"
    assert placement["county_code"] == "150921" and placement["poverty_status"] == "alleviated"
    assert placement["employer_id"] == api.tokens["_employer_id"] and placement["monthly_wage"] == 6000
    assert api.get("bureau", f"/api/v1/workers/{placement['worker_id']}").get_json()["status"] == "employed"
    assert hire(api, second).status_code == 200
    posting_now = api.get("employer", f"/api/v1/postings/{posting}").get_json()
    assert posting_now["status"] == "filled" and posting_now["openings_left"] == 0
    r = hire(api, third)
    assert r.status_code == 409
    assert api.get("bureau", f"/api/v1/applications/{third}").get_json()["state"] == "interviewing"
    assert db_session.scalar(select(func.count(Placement.id))) == 2


def test_beijing_wage_below_minimum_is_refused(api):
    app_id = interviewing(api, new_worker(api), new_posting(api))
    r = hire(api, app_id, monthly_wage=2000)
    assert r.status_code == 422 and "minimum wage" in str(r.get_json()["errors"])


def test_ending_frees_the_opening_and_the_worker_seeks_again(api, db_session):
    posting = new_posting(api, openings=1)
    worker = new_worker(api)
    application = interviewing(api, worker, posting)
    start = clock.today() - timedelta(days=120)
    referred_on(db_session, application, start - timedelta(days=7))
    placement_id = hire(api, application, start_date=start.isoformat()).get_json()["placement_id"]
    assert api.get("employer", f"/api/v1/postings/{posting}").get_json()["status"] == "filled"
    ends = add_months(start, 3)
    bad = api.post("employer", f"{URL}/{placement_id}/end",
                   json={"end_date": ends.isoformat(), "reason": {"code": "other"}})
    assert bad.status_code == 422
    early = api.post("employer", f"{URL}/{placement_id}/end",
                     json={"end_date": (start - timedelta(days=1)).isoformat(), "reason": {"code": "quit_wage"}})
    assert early.status_code == 422
    r = api.post("employer", f"{URL}/{placement_id}/end",
                 json={"end_date": ends.isoformat(), "reason": {"code": "quit_homesick"}})
    assert r.status_code == 200
    body = r.get_json()
    assert body["end_reason"] == "quit_homesick" and body["tracking_status"] == "ended"
    assert body["months_employed"] == 3
    assert body["worker"]["phone_full"] is False
    after = api.get("employer", f"/api/v1/postings/{posting}").get_json()
    assert after["status"] == "open" and after["openings_left"] == 1
    assert api.get("bureau", f"/api/v1/workers/{worker}").get_json()["status"] == "seeking"
    again = api.post("employer", f"{URL}/{placement_id}/end",
                     json={"end_date": (ends + timedelta(days=30)).isoformat(), "reason": {"code": "quit_wage"}})
    assert again.status_code == 409


def test_a_hire_cannot_start_before_its_referral(api, db_session):
    application = interviewing(api, new_worker(api), new_posting(api))
    referred = clock.today() - timedelta(days=3)
    referred_on(db_session, application, referred)
    seven_months_back = hire(api, application, start_date=add_months(clock.today(), -7).isoformat())
    assert seven_months_back.status_code == 422
    assert "start_date" in seven_months_back.get_json()["errors"]["json"]["placement"]
    assert api.get("bureau", f"/api/v1/applications/{application}").get_json()["state"] == "interviewing"
    assert db_session.scalar(select(func.count(Placement.id))) == 0
    assert hire(api, application, start_date=referred.isoformat()).status_code == 200


def test_bureau_records_a_job_found_outside_the_service(api):
    worker = new_worker(api)
    r = api.post("bureau", URL, json={"worker_id": worker, "workplace_code": "150102",
                                      "start_date": clock.today().isoformat(), "monthly_wage": 3500})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["awaiting_start_evidence"] is False and body["backdate_reason"] is None
    assert body["destination"] == "in_region" and body["posting_id"] is None and body["employer_id"] is None
    again = api.post("bureau", URL, json={"worker_id": worker, "workplace_code": "130102",
                                          "start_date": clock.today().isoformat(), "monthly_wage": 3500})
    assert again.status_code == 409  # already placed
    both = api.post("bureau", URL, json={"worker_id": worker, "workplace_code": "150102",
                                         "posting_id": 1, "start_date": "2022-04-01", "monthly_wage": 3500})
    assert both.status_code == 422
    other = new_worker(api, seq=9, role="bureau_other", county=AOHAN)
    assert api.post("bureau", URL, json={"worker_id": other, "workplace_code": "150102",
                                         "start_date": "2022-04-01", "monthly_wage": 3500}).status_code == 422


def test_direct_record_on_a_full_posting_is_409(api):
    posting = new_posting(api, openings=1)
    hire(api, interviewing(api, new_worker(api, seq=1), posting))
    r = api.post("bureau", URL, json={"worker_id": new_worker(api, seq=2), "posting_id": posting,
                                      "start_date": clock.today().isoformat(), "monthly_wage": 6000})
    assert r.status_code == 409


def test_placement_scope_other_county_is_404_and_employer_sees_only_its_own(api):
    mine = hire(api, interviewing(api, new_worker(api), new_posting(api))).get_json()["placement_id"]
    aohan = new_worker(api, seq=5, role="bureau_other", county=AOHAN)
    theirs = api.post("bureau_other", URL, json={
        "worker_id": aohan, "posting_id": new_posting(api, role="employer_other", district_code=HAIDIAN),
        "start_date": clock.today().isoformat(), "monthly_wage": 6000}).get_json()["id"]
    assert api.get("bureau", f"{URL}/{theirs}").status_code == 404
    assert api.get("bureau", f"{URL}/{theirs}/follow-ups").status_code == 404
    assert api.post("bureau", f"{URL}/{theirs}/end",
                    json={"end_date": clock.today().isoformat(), "reason": {"code": "quit_wage"}}).status_code == 404
    assert [p["id"] for p in api.get("bureau", URL).get_json()["items"]] == [mine]
    assert [p["id"] for p in api.get("employer", URL).get_json()["items"]] == [mine]
    assert api.get("employer", f"{URL}/{theirs}").status_code == 404
    seen = api.get("employer", f"{URL}/{mine}").get_json()
    assert "poverty_status" not in seen and seen["worker"]["phone_full"] is True
    assert "*" in seen["worker"]["id_number"]
    assert api.get("admin", URL).get_json()["total"] == 2


def _placed_on(api, start, seq=1) -> int:
    worker = new_worker(api, seq=seq)
    r = api.post("bureau", URL, json={"worker_id": worker, "workplace_code": "150102",
                                      "start_date": start.isoformat(), "monthly_wage": 4000,
                                      "backdate_reason": "回访时得知已在呼和浩特务工"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def test_follow_ups_drive_months_employed_and_the_tracking_status(api):
    today = clock.today()
    start = add_months(today, -2) - timedelta(days=20)   # 1-month call overdue by ~7 weeks
    pid = _placed_on(api, start)
    body = api.get("bureau", f"{URL}/{pid}").get_json()
    assert body["months_employed"] == 2 and body["tracking_status"] == "at_risk"
    assert [d["months"] for d in body["overdue_follow_ups"]] == [1]
    overdue = api.get("bureau", "/api/v1/follow-ups/overdue", query_string={"county": "150921"}).get_json()
    assert overdue["total"] == 1 and overdue["items"][0]["placement_id"] == pid
    assert overdue["items"][0]["worker"]["phone"].count("*") == 4
    assert api.get("bureau_other", "/api/v1/follow-ups/overdue").get_json()["total"] == 0
    assert api.get("bureau_other", "/api/v1/follow-ups/overdue",
                   query_string={"county": "150921"}).status_code == 403
    r = api.post("bureau", f"{URL}/{pid}/follow-ups", json={
        "contact_date": (today - timedelta(days=1)).isoformat(), "still_employed": True,
        "wage_received": True, "next_contact": (today + timedelta(days=20)).isoformat()})
    assert r.status_code == 201, r.get_json()
    listing = api.get("bureau", f"{URL}/{pid}/follow-ups").get_json()
    assert len(listing["items"]) == 1 and listing["tracking_status"] == "active"
    assert api.get("bureau", "/api/v1/follow-ups/overdue").get_json()["total"] == 0
    api.post("bureau", f"{URL}/{pid}/follow-ups", json={
        "contact_date": today.isoformat(), "still_employed": True, "wage_received": False,
        "issues": "工资拖欠两个月"})
    assert api.get("bureau", f"{URL}/{pid}").get_json()["tracking_status"] == "at_risk"


def test_follow_up_dates_are_checked(api):
    pid = _placed_on(api, clock.today() - timedelta(days=40))
    future = api.post("bureau", f"{URL}/{pid}/follow-ups", json={
        "contact_date": (clock.today() + timedelta(days=1)).isoformat(), "still_employed": True})
    assert future.status_code == 422 and "contact_date" in future.get_json()["errors"]["json"]
    backwards = api.post("bureau", f"{URL}/{pid}/follow-ups", json={
        "contact_date": clock.today().isoformat(), "still_employed": True,
        "next_contact": clock.today().isoformat()})
    assert backwards.status_code == 422
    assert api.post("employer", f"{URL}/{pid}/follow-ups", json={
        "contact_date": clock.today().isoformat(), "still_employed": True}).status_code == 403
