"""Fair operators' console pages: own fairs only (another fair is 404), check-in by a card
reader's typed ID number, walk-in registration with the full worker form, the plan and the
printable lists served under the operator's session."""
from __future__ import annotations

from sqlalchemy import select

from models.access.tables import User
from models.db import session_scope
from models.fairs.tables import FairAttendee
from tests.factories import posting_payload, worker_payload
from tests.role_tables.fairs import open_fair


def give_fairs(app, console_users, *fair_ids: int) -> None:
    with session_scope(app.extensions["jm.sessions"]) as session:
        session.get(User, console_users["fair"].user_id).fair_ids = list(fair_ids)


def walk_in_form(**overrides) -> dict:
    data = worker_payload(seq=411, name="李四", phone="13800000411")
    form = {k: v for k, v in data.items() if not isinstance(v, (list, dict, bool))}
    form.update({"languages": "zh", "destinations": ["in_region", "beijing"], "needs_dormitory": ["false", "true"],
                 "skills.0.code": "security", "skills.0.level": "2", "skills.0.certified": ["false", "true"],
                 "expected_monthly_wage": "5000"})
    form.update(overrides)
    return form


def test_fair_operator_checks_in_walks_in_plans_and_prints(app, api, console_users, console_as):
    fair = open_fair(api)
    other_fair = open_fair(api)
    give_fairs(app, console_users, fair)
    registered = worker_payload(seq=410, name="张三", phone="13800000410")
    api.post("bureau", "/api/v1/workers", json=registered)
    posting = api.post("employer", "/api/v1/postings", json=posting_payload()).get_json()["id"]
    assert api.post("employer", f"/api/v1/fairs/{fair}/postings", json={"posting_id": posting}).status_code == 201
    operator = console_as("fair")

    listing = operator.get("/console/fairs").get_data(as_text=True)
    assert f"/console/fairs/{fair}" in listing and f"/console/fairs/{other_fair}\"" not in listing
    for path in (f"/console/fairs/{other_fair}", f"/console/fairs/{other_fair}/walk-in",
                 f"/console/fairs/{other_fair}/matches"):
        assert operator.get(path).status_code == 404, path
    assert operator.post(f"/console/fairs/{other_fair}/check-in",
                         data={"id_number": registered["id_number"]}).status_code == 404
    assert operator.post(f"/console/fairs/{other_fair}/plan", data={"limit": "3"}).status_code == 404

    # a card reader's input: lower-case x, spaces, full-width digits — normalised as the API does
    typed = registered["id_number"]
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in typed[:6]) + " " + typed[6:]
    done = operator.post(f"/console/fairs/{fair}/check-in", data={"id_number": full_width})
    assert done.status_code == 302, done.get_data(as_text=True)[:1500]
    bad = operator.post(f"/console/fairs/{fair}/check-in", data={"id_number": "12345"})
    assert bad.status_code == 422 and 'id="f-id_number-error"' in bad.get_data(as_text=True)
    unknown = worker_payload(seq=499)["id_number"]
    nobody = operator.post(f"/console/fairs/{fair}/check-in", data={"id_number": unknown})
    assert nobody.status_code == 422 and "现场登记" in nobody.get_data(as_text=True)

    # walk-in: validated as a registration, messages beside the fields
    wrong = operator.post(f"/console/fairs/{fair}/walk-in", data=walk_in_form(phone="123"))
    assert wrong.status_code == 422 and 'id="f-phone-error"' in wrong.get_data(as_text=True)
    walked = operator.post(f"/console/fairs/{fair}/walk-in", data=walk_in_form())
    assert walked.status_code == 302, walked.get_data(as_text=True)[:3000]
    with session_scope(app.extensions["jm.sessions"]) as session:
        rows = session.scalars(select(FairAttendee).where(FairAttendee.fair_id == fair)).all()
        assert sorted(r.walk_in for r in rows) == [False, True]
        walk_in_id = next(r.worker_id for r in rows if r.walk_in)
    page = operator.get(f"/console/fairs/{fair}").get_data(as_text=True)
    assert "李四" in page and "张三" in page and "13800000411" not in page

    assert "李四" in operator.get(f"/console/fairs/{fair}/matches").get_data(as_text=True)
    assert operator.post(f"/console/fairs/{fair}/plan", data={"limit": "3"}).status_code == 302
    employer_id = api.tokens["_employer_id"]
    printed = operator.get(f"/console/fairs/{fair}/print/employer/{employer_id}")
    assert printed.status_code == 200 and printed.mimetype == "text/html"
    html = printed.get_data(as_text=True)
    assert "<style>" not in html and "/console/fairs/print.css" in html  # the console's CSP: no inline style
    for column in ("号展位", "时段", "联系电话", "面试结果 / 签字", "09:00–09:15"):
        assert column in html, column
    assert "13800000411" not in html  # contact masked for the operator
    css = operator.get("/console/fairs/print.css")
    assert css.status_code == 200 and css.mimetype == "text/css" and "@page" in css.get_data(as_text=True)
    xlsx = operator.get(f"/console/fairs/{fair}/print/employer/{employer_id}?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    sheet = operator.get(f"/console/fairs/{fair}/print/attendee/{walk_in_id}")
    assert sheet.status_code == 200 and "李四" in sheet.get_data(as_text=True)
    assert operator.get(f"/console/fairs/{other_fair}/print/employer/{employer_id}").status_code == 404
    # the API's own printable page keeps its inline style
    api_page = api.get("admin", f"/api/v1/fairs/{fair}/interview-lists/{employer_id}")
    assert api_page.status_code == 200 and "<style>" in api_page.get_data(as_text=True)
    assert "面试结果 / 签字" in api_page.get_data(as_text=True)


def test_other_roles_do_not_open_fair_pages(api, console_as):
    fair = open_fair(api)
    assert console_as("employer").get(f"/console/fairs/{fair}").status_code == 403
    assert console_as("bureau").get("/console/fairs").status_code == 403
