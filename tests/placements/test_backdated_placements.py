"""Back-dated hires cannot unlock subsidies: a job recorded long after it started is an outside
placement with a reason, and its start must be verified against a document before the
eligibility check creates any claim (the probe: a hire dated seven months before its referral
created 7,200 yuan of claims a minute later)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from models import clock
from models.placements.tracking import add_months
from models.scheduling.runner import run_job
from models.subsidies.tables import SubsidyClaim
from tests.placements.placement_helpers import new_posting, new_worker
from tests.subsidies.conftest import county_policy

URL = "/api/v1/placements"
TODAY = clock.today()


def _eligibility(app):
    return run_job("eligibility", sessions=app.extensions["jm.sessions"], engine=app.extensions["jm.engine"],
                   config=app.config, today=TODAY, vault=app.extensions["jm.vault"])


def _outside(api, worker: int, start, **extra):
    return api.post("bureau", URL, json={"worker_id": worker, "workplace_code": "110105",
                                         "start_date": start.isoformat(), "monthly_wage": 6000, **extra})


def test_a_back_dated_outside_job_needs_a_reason_and_a_verified_start_before_any_claim(app, api, db_session):
    county_policy(db_session, "template-transport")
    db_session.commit()
    worker = new_worker(api, seq=701, poverty_status="alleviated")
    start = add_months(TODAY, -7)
    refused = _outside(api, worker, start)
    assert refused.status_code == 422 and "backdate_reason" in refused.get_json()["errors"]["json"]

    r = _outside(api, worker, start, backdate_reason="回访时得知，去年起在朝阳区务工")
    assert r.status_code == 201, r.get_json()
    placement = r.get_json()
    assert placement["awaiting_start_evidence"] is True and placement["recorded_at"]
    assert placement["backdate_reason"].startswith("回访时得知")

    first = _eligibility(app)
    assert first.status == "ok" and first.counts["awaiting_start_evidence"] == 1
    assert first.counts["claims_created"] == 0
    assert db_session.scalar(select(func.count(SubsidyClaim.id))) == 0

    assert api.post("employer", f"{URL}/{placement['id']}/verify-start",
                    json={"evidence": "labour_contract"}).status_code == 403
    assert api.post("bureau", f"{URL}/{placement['id']}/verify-start",
                    json={"evidence": "a photo"}).status_code == 422
    assert api.post("bureau_other", f"{URL}/{placement['id']}/verify-start",
                    json={"evidence": "labour_contract"}).status_code == 404
    verified = api.post("bureau", f"{URL}/{placement['id']}/verify-start", json={"evidence": "labour_contract"})
    assert verified.status_code == 200, verified.get_json()
    body = verified.get_json()
    assert body["awaiting_start_evidence"] is False and body["start_evidence"] == "labour_contract"
    assert api.post("bureau", f"{URL}/{placement['id']}/verify-start",
                    json={"evidence": "labour_contract"}).status_code == 409

    second = _eligibility(app)
    assert second.counts["awaiting_start_evidence"] == 0 and second.counts["claims_created"] == 1
    db_session.expire_all()
    assert db_session.scalar(select(func.count(SubsidyClaim.id))) == 1


def test_a_recent_start_is_ordinary_paperwork_and_a_posting_cannot_be_back_dated(api):
    recent = _outside(api, new_worker(api, seq=702), TODAY - timedelta(days=20))
    assert recent.status_code == 201 and recent.get_json()["awaiting_start_evidence"] is False
    not_backdated = api.post("bureau", f"{URL}/{recent.get_json()['id']}/verify-start",
                             json={"evidence": "labour_contract"})
    assert not_backdated.status_code == 409
    posting = new_posting(api)
    on_posting = api.post("bureau", URL, json={
        "worker_id": new_worker(api, seq=703), "posting_id": posting,
        "start_date": add_months(TODAY, -7).isoformat(), "monthly_wage": 6000, "backdate_reason": "补录"})
    assert on_posting.status_code == 422 and "start_date" in on_posting.get_json()["errors"]["json"]
