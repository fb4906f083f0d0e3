"""Referrals and invitations: state machine, reasons, events, scope and worker masking."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models.access.tables import AuditEntry
from models.placements.tables import ApplicationEvent
from tests.factories import AOHAN, HAIDIAN
from tests.placements.placement_helpers import hire, move, new_posting, new_worker, refer

URL = "/api/v1/applications"


def test_bureau_refers_its_worker_and_every_transition_is_an_event(api, db_session):
    worker, posting = new_worker(api), new_posting(api)
    r = refer(api, worker, posting)
    assert r.status_code == 201
    body = r.get_json()
    assert body["state"] == "referred" and body["source"] == "bureau"
    assert body["allowed_transitions"] == ["interviewing", "rejected", "withdrawn"]
    assert body["worker"]["phone"] == "138****0123" and body["worker"]["id_number"].startswith("150921****")
    app_id = body["id"]
    assert move(api, app_id, "interviewing").status_code == 200
    r = move(api, app_id, "rejected", reason={"code": "lacking_skills"})
    assert r.status_code == 200 and r.get_json()["reason_code"] == "lacking_skills"
    events = db_session.scalars(select(ApplicationEvent).order_by(ApplicationEvent.id)).all()
    assert [(e.from_state, e.to_state) for e in events] == [
        (None, "referred"), ("referred", "interviewing"), ("interviewing", "rejected")]
    assert all(e.actor_user_id is not None and e.at is not None for e in events)
    assert [e["to_state"] for e in api.get("bureau", f"{URL}/{app_id}").get_json()["events"]] == [
        "referred", "interviewing", "rejected"]


@pytest.mark.parametrize("path,to", [
    (["interviewing", "hired"], "interviewing"),
    ([], "hired"),
    (["withdrawn"], "interviewing"),
    (["rejected"], "withdrawn"),
    (["interviewing"], "referred"),
    (["interviewing", "withdrawn"], "hired"),
])
def test_illegal_transitions_are_409_and_change_nothing(api, path, to):
    worker, posting = new_worker(api), new_posting(api)
    app_id = refer(api, worker, posting).get_json()["id"]
    for state in path:
        body = {"reason": {"code": "family"}} if state in ("rejected", "withdrawn") else {}
        r = hire(api, app_id) if state == "hired" else move(api, app_id, state, **body)
        assert r.status_code == 200, r.get_json()
    before = api.get("bureau", f"{URL}/{app_id}").get_json()
    body = {"reason": {"code": "family"}} if to in ("rejected", "withdrawn") else {}
    r = hire(api, app_id) if to == "hired" else move(api, app_id, to, **body)
    assert r.status_code == 409, r.get_json()
    after = api.get("bureau", f"{URL}/{app_id}").get_json()
    assert after["state"] == before["state"] and len(after["events"]) == len(before["events"])


@pytest.mark.parametrize("body,field", [
    ({"to": "rejected"}, "reason"),
    ({"to": "withdrawn", "reason": {"code": "other"}}, "text"),
    ({"to": "withdrawn", "reason": {"code": "bored"}}, "code"),
    ({"to": "interviewing", "reason": {"code": "family"}}, "reason"),
    ({"to": "hired"}, "placement"),
    ({"to": "flying"}, "to"),
])
def test_reasons_and_placement_fields_are_validated(api, body, field):
    app_id = refer(api, new_worker(api), new_posting(api)).get_json()["id"]
    r = api.post("employer", f"{URL}/{app_id}/transitions", json=body)
    assert r.status_code == 422
    assert field in str(r.get_json()["errors"]["json"])


def test_other_reason_with_text_is_kept(api):
    app_id = refer(api, new_worker(api), new_posting(api)).get_json()["id"]
    r = move(api, app_id, "withdrawn", role="bureau", reason={"code": "other", "text": "家中秋收"})
    assert r.status_code == 200 and r.get_json()["reason_text"] == "家中秋收"


def test_duplicate_live_referral_is_409_but_a_finished_one_may_repeat(api):
    worker, posting = new_worker(api), new_posting(api)
    first = refer(api, worker, posting).get_json()["id"]
    assert refer(api, worker, posting).status_code == 409
    move(api, first, "withdrawn", role="bureau", reason={"code": "family"})
    assert refer(api, worker, posting).status_code == 201


def test_bureau_cannot_refer_another_countys_worker_nor_to_a_closed_posting(api):
    worker, posting = new_worker(api), new_posting(api)
    assert refer(api, worker, posting, role="bureau_other").status_code == 422
    api.post("employer", f"/api/v1/postings/{posting}/close")
    assert refer(api, worker, posting).status_code == 409


def test_scope_another_countys_application_is_404_and_lists_are_scoped(api):
    mine = refer(api, new_worker(api), new_posting(api)).get_json()["id"]
    aohan_worker = new_worker(api, seq=7, role="bureau_other", county=AOHAN)
    theirs = refer(api, aohan_worker, new_posting(api, role="employer_other", district_code=HAIDIAN),
                   role="bureau_other").get_json()["id"]
    assert api.get("bureau", f"{URL}/{theirs}").status_code == 404
    assert move(api, theirs, "withdrawn", role="bureau", reason={"code": "family"}).status_code == 404
    assert [a["id"] for a in api.get("bureau", URL).get_json()["items"]] == [mine]
    assert [a["id"] for a in api.get("bureau_other", URL).get_json()["items"]] == [theirs]
    assert api.get("admin", URL).get_json()["total"] == 2
    # employers see only their postings' applications
    assert [a["id"] for a in api.get("employer", URL).get_json()["items"]] == [mine]
    assert api.get("employer", f"{URL}/{theirs}").status_code == 404
    assert move(api, theirs, "interviewing", role="employer").status_code == 404
    assert api.get("admin", URL, query_string={"state": "referred", "worker_id": aohan_worker}).get_json()["total"] == 1


def test_employer_sees_the_full_phone_only_after_a_referral_and_it_is_audited(api, db_session):
    worker, posting = new_worker(api), new_posting(api)
    app_id = refer(api, worker, posting).get_json()["id"]
    seen = api.get("employer", f"{URL}/{app_id}").get_json()["worker"]
    assert seen["phone"] == "13800000123" and seen["phone_full"] is True
    assert seen["id_number"].startswith("150921") and "*" in seen["id_number"]
    assert set(seen) == {"id", "name", "id_number", "phone", "phone_full", "age", "county_code", "county_name"}
    audits = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "worker.phone_disclosed")).all()
    assert [(a.entity_id, a.detail["ref"]) for a in audits] == [(str(worker), app_id)]
    assert api.get("bureau", f"{URL}/{app_id}").get_json()["worker"]["phone"] == "138****0123"
    move(api, app_id, "rejected", reason={"code": "lacking_skills"})
    assert api.get("employer", f"{URL}/{app_id}").get_json()["worker"]["phone"] == "138****0123"


def test_employer_invites_only_seeking_workers_accepting_the_destination_and_sees_them_masked(api):
    posting = new_posting(api)
    willing = new_worker(api, seq=1)
    home_only = new_worker(api, seq=2, destinations=["home_county"])
    r = refer(api, willing, posting, role="employer")
    assert r.status_code == 201 and r.get_json()["source"] == "employer"
    assert r.get_json()["worker"]["phone"] == "138****0001" and r.get_json()["worker"]["phone_full"] is False
    assert refer(api, home_only, posting, role="employer").status_code == 422
    employed = new_worker(api, seq=3, status="employed")
    assert refer(api, employed, posting, role="employer").status_code == 422
    theirs = new_posting(api, role="employer_other")
    assert refer(api, willing, theirs, role="employer").status_code == 422
    # the invitation becomes a referral once the worker's bureau confirms acceptance
    app_id = r.get_json()["id"]
    assert move(api, app_id, "interviewing", role="employer").status_code == 409
    assert move(api, app_id, "interviewing", role="bureau").status_code == 200
    assert api.get("employer", f"{URL}/{app_id}").get_json()["worker"]["phone"] == "13800000001"


def test_fair_role_may_not_touch_applications(api):
    assert api.get("fair", URL).status_code == 403
