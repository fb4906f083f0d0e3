"""Employer and job-fair operator console pages: the API's validation, law checks, masking and
object-level scope, through the real sign-in form and CSRF-protected forms."""
from __future__ import annotations

import re

from sqlalchemy import select

from models import clock
from models.access.tables import AuditEntry, User
from models.db import session_scope
from models.placements.tables import Application, Placement
from models.postings.rules import GENDER_LAW_MESSAGE
from models.postings.tables import Posting
from tests.factories import CHAOYANG, SECURITY, posting_payload, worker_payload
from datetime import timedelta


def posting_form(**overrides) -> dict:
    data = {"title": "小区保安", "occupation_code": SECURITY, "district_code": CHAOYANG,
            "address": "北京市朝阳区望京街道", "openings": "3", "wage_min": "5500", "wage_max": "6500",
            "age_min": "18", "age_max": "50", "education_min": "junior", "languages": "zh",
            "contract_months": "12", "provides_dormitory": ["false", "true"], "provides_meals": "false",
            "social_insurance": ["false", "true"],
            "expires_on": (clock.today() + timedelta(days=60)).isoformat()}
    data.update(overrides)
    return data


def test_employer_posts_a_job_and_a_gender_restricted_one_is_refused_beside_the_field(app, console_as):
    employer = console_as("employer")
    refused = employer.post("/console/employer/postings/new", data=posting_form(title="仅招男士保安"))
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    message = GENDER_LAW_MESSAGE.split(" / ")[0]
    # the law's message sits beside the title field (its error paragraph), nothing was stored
    assert re.search(r'id="f-title-error">[^<]*' + re.escape(message), html), html[:3000]
    with session_scope(app.extensions["jm.sessions"]) as session:
        assert session.scalar(select(Posting).where(Posting.title == "仅招男士保安")) is None

    wage = employer.post("/console/employer/postings/new", data=posting_form(wage_min="7000", wage_max="6000"))
    assert wage.status_code == 422 and 'id="f-wage_min-error"' in wage.get_data(as_text=True)

    made = employer.post("/console/employer/postings/new", data=posting_form())
    assert made.status_code == 302, made.get_data(as_text=True)[:2000]
    posting_id = int(made.headers["Location"].rstrip("/").split("/")[-1])
    with session_scope(app.extensions["jm.sessions"]) as session:
        row = session.get(Posting, posting_id)
        assert (row.title, row.openings, row.provides_dormitory, row.provides_meals) == ("小区保安", 3, True, False)
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "posting.create",
                                                       AuditEntry.entity_id == str(posting_id))) is not None
    listing = employer.get("/console/employer/postings").get_data(as_text=True)
    assert f"/console/employer/postings/{posting_id}" in listing

    # edit: the same law check on the description, then a lawful change
    bad = employer.post(f"/console/employer/postings/{posting_id}/edit",
                        data={**posting_form(), "description": "限汉族"})
    assert bad.status_code == 422 and 'id="f-description-error"' in bad.get_data(as_text=True)
    ok = employer.post(f"/console/employer/postings/{posting_id}/edit", data={**posting_form(), "openings": "4"})
    assert ok.status_code == 302
    closed = employer.post(f"/console/employer/postings/{posting_id}/close")
    assert closed.status_code == 302
    with session_scope(app.extensions["jm.sessions"]) as session:
        row = session.get(Posting, posting_id)
        assert (row.openings, row.status) == (4, "closed")


def test_another_employers_posting_application_and_placement_are_404(api, console_as):
    posting = api.post("employer", "/api/v1/postings", json=posting_payload()).get_json()["id"]
    worker = api.post("bureau", "/api/v1/workers", json=worker_payload()).get_json()["id"]
    application = api.post("bureau", "/api/v1/applications",
                           json={"worker_id": worker, "posting_id": posting}).get_json()["id"]
    api.post("employer", f"/api/v1/applications/{application}/transitions", json={"to": "interviewing"})
    hired = api.post("employer", f"/api/v1/applications/{application}/transitions", json={
        "to": "hired", "placement": {"start_date": clock.today().isoformat(), "monthly_wage": 6000}})
    placement = hired.get_json()["placement_id"]
    other = console_as("employer_other")
    for path in (f"/console/employer/postings/{posting}", f"/console/employer/postings/{posting}/edit",
                 f"/console/employer/applications/{application}",
                 f"/console/employer/placements/{placement}/end"):
        page = other.get(path)
        assert page.status_code == 404, path
        assert "小区保安" not in page.get_data(as_text=True)
    for path, data in ((f"/console/employer/postings/{posting}/close", {}),
                       (f"/console/employer/postings/{posting}/invite", {"worker_id": str(worker)}),
                       (f"/console/employer/postings/{posting}/edit", posting_form()),
                       (f"/console/employer/applications/{application}/move", {"to": "rejected",
                                                                               "reason.code": "other",
                                                                               "reason.text": "x"}),
                       (f"/console/employer/placements/{placement}/end", {"end_date": clock.today().isoformat(),
                                                                          "reason.code": "dismissed"})):
        assert other.post(path, data=data).status_code == 404, path
    assert api.get("employer", f"/api/v1/postings/{posting}").get_json()["status"] == "open"
    assert api.get("employer", f"/api/v1/placements/{placement}").get_json()["end_date"] is None
    # a bureau or fair operator is not an employer: 403
    assert console_as("bureau").get(f"/console/employer/postings/{posting}").status_code == 403


def test_candidates_invite_hire_and_departure(app, api, console_as):
    posting = api.post("employer", "/api/v1/postings", json=posting_payload()).get_json()["id"]
    poor = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=301, name="王五",
                                                                     poverty_status="alleviated")).get_json()["id"]
    plain = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=302, name="赵六", phone="13800000302",
                                                                      poverty_status="none")).get_json()["id"]
    employer = console_as("employer")
    html = employer.get(f"/console/employer/postings/{posting}").get_data(as_text=True)
    assert "王五" in html and "赵六" in html
    for secret in ("脱贫", "监测", "priority", "alleviated", "优先", "13800000302"):
        assert secret not in html, secret
    assert "*" in html  # masked ID numbers

    invited = employer.post(f"/console/employer/postings/{posting}/invite", data={"worker_id": str(poor)})
    assert invited.status_code == 302
    again = employer.post(f"/console/employer/postings/{posting}/invite", data={"worker_id": str(poor)})
    assert again.status_code == 302
    assert "已推荐至此岗位" in employer.get(f"/console/employer/postings/{posting}").get_data(as_text=True)
    with session_scope(app.extensions["jm.sessions"]) as session:
        application = session.scalar(select(Application).where(Application.worker_id == poor))
        assert application.source == "employer"
        application_id = application.id

    move = f"/console/employer/applications/{application_id}/move"
    # an invitation waits for the worker's county to confirm it was accepted (the API's rule)
    assert employer.post(move, data={"to": "interviewing"}).status_code == 302
    page = employer.get(f"/console/employer/postings/{posting}").get_data(as_text=True)
    assert "邀约须由劳动力所在县确认接受" in page and "等待所在县确认" in page
    assert "13800000301" not in page  # no contact before the county confirmed
    confirmed = api.post("bureau", f"/api/v1/applications/{application_id}/transitions", json={"to": "interviewing"})
    assert confirmed.status_code == 200, confirmed.get_json()
    # the placement terms form: a wage below Beijing's minimum is refused beside its field
    low = employer.post(move, data={"to": "hired", "placement.start_date": clock.today().isoformat(),
                                    "placement.monthly_wage": "100", "placement.contract_type": "fixed_term"})
    assert low.status_code == 422
    assert 'id="f-placement-monthly_wage-error"' in low.get_data(as_text=True)
    missing = employer.post(move, data={"to": "hired", "placement.contract_type": "fixed_term"})
    assert missing.status_code == 422 and 'id="f-placement-start_date-error"' in missing.get_data(as_text=True)
    hired = employer.post(move, data={"to": "hired", "placement.start_date": clock.today().isoformat(),
                                      "placement.monthly_wage": "6000", "placement.contract_type": "fixed_term",
                                      "placement.contract_months": "12",
                                      "placement.social_insurance": ["false", "true"],
                                      "placement.dormitory": "false"})
    assert hired.status_code == 302, hired.get_data(as_text=True)[:2000]
    with session_scope(app.extensions["jm.sessions"]) as session:
        placement = session.scalar(select(Placement).where(Placement.worker_id == poor))
        assert (placement.monthly_wage, placement.social_insurance, placement.dormitory) == (6000, True, False)
        placement_id = placement.id
    page = employer.get(f"/console/employer/postings/{posting}").get_data(as_text=True)
    assert "13800000301" in page  # the employer keeps the phone of the worker it employs
    assert "脱贫" not in page and "alleviated" not in page

    end = f"/console/employer/placements/{placement_id}/end"
    other = employer.post(end, data={"end_date": clock.today().isoformat(), "reason.code": "other"})
    assert other.status_code == 422 and 'id="f-reason-text-error"' in other.get_data(as_text=True)
    done = employer.post(end, data={"end_date": clock.today().isoformat(), "reason.code": "quit_homesick"})
    assert done.status_code == 302
    with session_scope(app.extensions["jm.sessions"]) as session:
        placement = session.get(Placement, placement_id)
        assert (placement.end_date, placement.end_reason) == (clock.today(), "quit_homesick")
    assert employer.post(end, data={"end_date": clock.today().isoformat(),
                                    "reason.code": "dismissed"}).status_code == 422
