"""The printed fair lists (HTML and A4 workbooks): booth number, time slot from the settings,
the candidate's phone only where the employer may call (after a referral), and the
result/signature columns."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from models.access.tables import AuditEntry
from models.fairs.booths import interview_slot
from tests.factories import posting_payload, worker_payload
from tests.role_tables.fairs import open_fair

URL = "/api/v1/fairs"


def test_interview_slots_follow_the_queue_from_the_start_time():
    assert interview_slot(1) == "09:00–09:15"
    assert interview_slot(3, start="13:30", minutes=20) == "14:10–14:30"


def fair_with_a_referred_candidate(api):
    """One booth (the employer's second posting at the fair), two attendees, one of them
    referred to it by the county bureau."""
    fid = open_fair(api)
    first = api.post("employer", "/api/v1/postings", json=posting_payload(title="保洁员")).get_json()["id"]
    booth = api.post("employer", "/api/v1/postings", json=posting_payload(title="望京小区保安", openings=2)).get_json()["id"]
    for pid in (first, booth):
        assert api.post("employer", f"{URL}/{fid}/postings", json={"posting_id": pid}).status_code == 201
    people = {}
    for seq, name in ((701, "乌日娜"), (702, "巴特尔")):
        wid = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=seq, name=name)).get_json()["id"]
        assert api.post("admin", f"{URL}/{fid}/attendees", json={"worker_id": wid}).status_code == 201
        people[name] = wid
    referred = api.post("bureau", "/api/v1/applications", json={"worker_id": people["乌日娜"], "posting_id": booth})
    assert referred.status_code == 201, referred.get_json()
    return fid, first, booth, people


def test_printed_lists_carry_booth_slot_contact_after_referral_and_a_signature_column(app, api, db_session):
    app.config.update(FAIR_INTERVIEWS_START="13:30", FAIR_INTERVIEW_MINUTES=20)
    fid, first, booth, people = fair_with_a_referred_candidate(api)
    plan = api.post("admin", f"{URL}/{fid}/plan", json={"limit": 2}).get_json()
    at_booth = [i for i in plan["interviews"] if i["posting_id"] == booth]
    assert {i["worker"]["id"] for i in at_booth} == set(people.values())
    for i in plan["interviews"]:  # the JSON plan says the same booth and slot
        assert i["booth"] == (2 if i["posting_id"] == booth else 1)
        assert i["slot"] == interview_slot(i["booth_order"], start="13:30", minutes=20)
    employer = api.tokens["_employer_id"]

    for role in ("employer", "admin"):
        html = api.get(role, f"{URL}/{fid}/interview-lists/{employer}").get_data(as_text=True)
        assert "2号展位 · 望京小区保安" in html and "1号展位 · 保洁员" in html
        assert "13:30–13:50" in html and "13:50–14:10" in html and "09:00" not in html
        assert "13800000701" in html  # referred: the employer may call her
        assert "13800000702" not in html and "138****0702" not in html and "推荐后可见" in html
        assert html.count("面试结果 / 签字") == 2 and "□录用" in html
    db_session.expire_all()
    disclosed = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "worker.phone_disclosed")).all()
    assert [(a.entity_id, a.detail["via"]) for a in disclosed] == [(str(people["乌日娜"]), "fair_interview_list")] * 2

    book = load_workbook(io.BytesIO(api.get("employer", f"{URL}/{fid}/interview-lists/{employer}?format=xlsx").data))
    sheet = book.worksheets[0]
    assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    header_row = int(sheet.print_title_rows.split(":")[0].lstrip("$"))
    headers = [c.value for c in sheet[header_row]]
    for column in ("展位号", "时段", "联系电话", "面试结果", "签字"):
        assert column in headers, column
    rows = {r[headers.index("姓名")]: r for r in sheet.iter_rows(min_row=header_row + 1, values_only=True)
            if r[headers.index("姓名")]}
    assert rows["乌日娜"][headers.index("联系电话")] == "13800000701"
    assert rows["巴特尔"][headers.index("联系电话")] == "推荐后可见"
    assert rows["乌日娜"][headers.index("时段")].startswith("13:")
    assert {r[headers.index("展位号")] for r in rows.values()} <= {1, 2}

    # The attendee's own sheet: where (booth) and when (slot), a result/signature cell; no phone.
    worker = people["巴特尔"]
    sheet_html = api.get("admin", f"{URL}/{fid}/attendees/{worker}/sheet").get_data(as_text=True)
    mine = [i for i in plan["interviews"] if i["worker"]["id"] == worker]
    for i in mine:
        assert i["slot"] in sheet_html
    assert "展位号" in sheet_html and "面试结果 / 签字" in sheet_html and "13800000702" not in sheet_html
    book = load_workbook(io.BytesIO(api.get("admin", f"{URL}/{fid}/attendees/{worker}/sheet?format=xlsx").data))
    sheet = book["面试安排"]
    assert int(sheet.page_setup.paperSize) == 9
    header_row = int(sheet.print_title_rows.split(":")[0].lstrip("$"))
    headers = [c.value for c in sheet[header_row]]
    assert {"展位号", "时段", "面试结果", "签字"} <= set(headers)
    slots = [r[headers.index("时段")] for r in sheet.iter_rows(min_row=header_row + 1, values_only=True)
             if r[0] and isinstance(r[0], int)]
    assert sorted(slots) == sorted(i["slot"] for i in mine)


def test_an_invitation_the_worker_has_not_accepted_gives_no_contact(app, api, db_session):
    """The contact follows ``employer_may_contact``: an invitation the worker has not accepted
    gives no phone."""
    fid, _, booth, people = fair_with_a_referred_candidate(api)
    invited = api.post("employer", "/api/v1/applications", json={"worker_id": people["巴特尔"], "posting_id": booth})
    assert invited.status_code == 201, invited.get_json()
    assert api.post("admin", f"{URL}/{fid}/plan", json={}).status_code == 201
    html = api.get("employer", f"{URL}/{fid}/interview-lists/{api.tokens['_employer_id']}").get_data(as_text=True)
    assert "13800000701" in html and "13800000702" not in html
