"""County bureau pages (test client): the worker list and its search, registration with a card
reader's input, edit, the worker page (reveal, matches, refer, moves, follow-ups, eligibility),
roster upload, claims review and reports — each through the service its API resource calls,
and another county's records are 404."""
from __future__ import annotations

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from models import clock
from models.access.tables import AuditEntry
from models.placements.tables import Application, FollowUp, Placement
from models.placements.tracking import add_months
from models.subsidies import claims as claim_service
from models.subsidies.tables import SubsidyClaim
from models.workers.tables import Worker
from tests.placements.placement_helpers import referred_on
from tests.factories import AOHAN, ZHUOZI, id_number, worker_payload
from tests.placements.placement_helpers import new_posting, new_worker
from tests.subsidies.conftest import add_placement, county_policy
from tests.tabular.sheets import WORKER_HEADERS, worker_row, xlsx

TODAY = clock.today()


def form_for(seq: int, **overrides) -> dict:
    """A registration form as a clerk fills it (lists as repeated inputs / typed text)."""
    data = {"name": "王秀兰", "id_number": id_number(seq=seq), "phone": f"139{seq:08d}", "county_code": ZHUOZI,
            "township": "卓资山镇", "village": "东滩村", "poverty_status": "alleviated", "education": "junior",
            "destinations": ["beijing", "in_region"], "languages": ["zh"], "expected_monthly_wage": "5200",
            "skills": "security:2:证", "preferred_occupations": "4-07-05-01", "needs_dormitory": ["false", "true"],
            "status": "seeking"}
    data.update(overrides)
    return data


def html(response) -> str:
    return response.get_data(as_text=True)


def field_error(page: str, name: str, prefix: str = "f") -> str:
    found = re.search(rf'id="{prefix}-{name}-error">(.*?)</p>', page, re.S)
    return found.group(1) if found else ""


def audits(db_session, action: str) -> list[AuditEntry]:
    db_session.expire_all()
    return list(db_session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# --- list and search ------------------------------------------------------------------------

def test_worker_list_searches_by_name_id_and_phone_and_filters(console_as, api):
    first = new_worker(api, 1, name="王秀兰", poverty_status="alleviated")
    new_worker(api, 2, name="李四", poverty_status="none", status="employed")
    new_worker(api, 3, county=AOHAN, role="admin", name="王敖汉")
    bureau = console_as("bureau")
    page = html(bureau.get("/console/workers"))
    assert "王秀兰" in page and "李四" in page and "王敖汉" not in page  # another county is not listed
    assert id_number(seq=1) not in page and id_number(seq=1)[:6] + "********" in page  # masked
    assert "王秀兰" in html(bureau.get("/console/workers?q=王")) and "李四" not in html(bureau.get("/console/workers?q=王"))
    spaced = " ".join(id_number(seq=1)[i:i + 6] for i in range(0, 18, 6)).lower()
    assert f"/console/workers/{first}" in html(bureau.get("/console/workers", query_string={"q": spaced}))
    assert "王秀兰" in html(bureau.get("/console/workers?q=13800000001"))
    assert "王秀兰" not in html(bureau.get("/console/workers?q=13800000002"))
    by_status = html(bureau.get("/console/workers?status=employed"))
    assert "李四" in by_status and "王秀兰" not in by_status
    by_poverty = html(bureau.get("/console/workers?poverty_status=alleviated"))
    assert "王秀兰" in by_poverty and "李四" not in by_poverty
    bad = bureau.get("/console/workers?status=nonsense")
    assert bad.status_code == 422 and "f-status-error" in html(bad)


def test_worker_list_filters_follow_up_overdue_and_pages(console_as, api, db_session):
    late = new_worker(api, 1, name="逾期人")
    fresh = new_worker(api, 2, name="按时人")
    add_placement(db_session, late, start=add_months(TODAY, -2))    # the 1-month visit is overdue
    add_placement(db_session, fresh, start=TODAY - timedelta(days=5))
    bureau = console_as("bureau")
    page = html(bureau.get("/console/workers?overdue=1"))
    assert "逾期人" in page and "按时人" not in page
    for seq in range(3, 25):
        new_worker(api, seq, name=f"甲{seq:02d}")
    first, second = html(bureau.get("/console/workers")), html(bureau.get("/console/workers?page=2"))
    assert "共 24 人" in first and 'rel="next"' in first and 'rel="prev"' in second
    assert first.count("/console/workers/") - second.count("/console/workers/") > 0


def test_worker_list_filters_incomplete_profiles_as_the_api(console_as, api):
    """待完善: a roster row without expected wage or destinations; the console's filter is the
    API's ``profile_complete`` and both list the same workers."""
    new_worker(api, 1, name="完整人")
    bureau = console_as("bureau")
    rows = [worker_row(2, 姓名="缺薪人", 期望月薪=None, 意向地区=None)]
    assert upload(bureau, xlsx(WORKER_HEADERS, rows), mode="valid_rows").status_code == 200
    incomplete = html(bureau.get("/console/workers?profile_complete=false"))
    assert "缺薪人" in incomplete and "完整人" not in incomplete
    assert "待完善" in incomplete and "期望月薪" in incomplete and "可接受的工作地" in incomplete
    complete = html(bureau.get("/console/workers?profile_complete=true"))
    assert "完整人" in complete and "缺薪人" not in complete
    listed = api.get("bureau", "/api/v1/workers?profile_complete=false").get_json()["items"]
    assert [w["name"] for w in listed] == ["缺薪人"]
    assert 'id="incomplete"' in html(bureau.get(f"/console/workers/{listed[0]['id']}"))
    bad = bureau.get("/console/workers?profile_complete=maybe")
    assert bad.status_code == 422 and "f-profile_complete-error" in html(bad)


# --- register and edit ------------------------------------------------------------------------

def test_registering_normalises_a_card_readers_id_and_audits(console_as, db_session):
    bureau = console_as("bureau")
    number = id_number(seq=7)
    typed = "　".join([number[:6], number[6:14], number[14:]])  # full-width spaces
    typed = typed.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    r = bureau.post("/console/workers/new", data=form_for(7, id_number=typed))
    assert r.status_code == 302, html(r)[:3000]
    worker = db_session.scalar(select(Worker))
    assert r.headers["Location"].endswith(f"/console/workers/{worker.id}")
    assert worker.name == "王秀兰" and worker.birth_date.year == 2004 and worker.needs_dormitory
    assert worker.skills == [{"code": "security", "level": 2, "certified": True}]
    assert worker.destinations == ["beijing", "in_region"]
    assert len(audits(db_session, "worker.create")) == 1


def test_an_id_alone_submitted_by_enter_saves_nothing_and_shows_field_errors(console_as, db_session):
    bureau = console_as("bureau")
    r = bureau.post("/console/workers/new", data={"id_number": id_number(seq=8)})
    page = html(r)
    assert r.status_code == 422
    assert field_error(page, "name") and field_error(page, "phone") and field_error(page, "destinations")
    assert id_number(seq=8) in page  # what was typed stays in the field
    assert db_session.scalar(select(Worker)) is None


def test_registration_errors_sit_beside_their_fields(console_as, db_session, api):
    bureau = console_as("bureau")
    bad = id_number(seq=9)[:-1] + ("0" if id_number(seq=9)[-1] != "0" else "1")
    r = bureau.post("/console/workers/new", data=form_for(9, id_number=bad))
    assert r.status_code == 422 and "校验位" in field_error(html(r), "id_number")
    r = bureau.post("/console/workers/new", data=form_for(9, phone="12345", expected_monthly_wage="0"))
    page = html(r)
    assert r.status_code == 422 and "手机号" in field_error(page, "phone")
    assert "期望月薪" in field_error(page, "expected_monthly_wage")
    r = bureau.post("/console/workers/new", data=form_for(9, skills="nosuchskill:2"))
    assert r.status_code == 422 and "nosuchskill" in field_error(html(r), "skills")
    r = bureau.post("/console/workers/new", data=form_for(9, county_code=AOHAN))
    assert r.status_code == 422 and "本县" in field_error(html(r), "county_code")
    existing = new_worker(api, 10)
    r = bureau.post("/console/workers/new", data=form_for(10))
    assert r.status_code == 422 and "已登记" in field_error(html(r), "id_number")
    assert f"/console/workers/{existing}" in html(r)
    assert db_session.scalar(select(Worker).where(Worker.name == "王秀兰")) is None


def test_editing_a_worker_keeps_the_phone_when_left_empty_and_refuses_a_stale_form(console_as, api, db_session):
    worker_id = new_worker(api, 1)
    bureau = console_as("bureau")
    page = html(bureau.get(f"/console/workers/{worker_id}/edit"))
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = form_for(1, name="张三丰", expected_monthly_wage="6100", version=version)
    data.pop("id_number")
    data["phone"] = ""
    r = bureau.post(f"/console/workers/{worker_id}/edit", data=data)
    assert r.status_code == 302, html(r)[:2000]
    db_session.expire_all()
    worker = db_session.get(Worker, worker_id)
    assert worker.name == "张三丰" and worker.expected_monthly_wage == 6100
    shown = api.get("bureau", f"/api/v1/workers/{worker_id}?reveal=true").get_json()
    assert shown["phone"] == "13800000001"
    stale = bureau.post(f"/console/workers/{worker_id}/edit", data={**data, "name": "旧表单"})
    assert stale.status_code == 422 and "他人修改" in html(stale)
    assert db_session.get(Worker, worker_id).name == "张三丰"


def test_the_training_wish_and_remark_are_edited_and_shown_as_the_api_keeps_them(console_as, api, db_session):
    worker_id = new_worker(api, 1)
    bureau = console_as("bureau")
    page = html(bureau.get(f"/console/workers/{worker_id}/edit"))
    assert 'name="training_wish"' in page and 'name="remark"' in page
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = form_for(1, version=version, training_wish="yes", training_wish_text="电焊培训",
                    remark="家中有老人需照顾，春节前返乡")
    data.pop("id_number")
    data["phone"] = ""
    r = bureau.post(f"/console/workers/{worker_id}/edit", data=data)
    assert r.status_code == 302, html(r)[:2000]
    shown = api.get("bureau", f"/api/v1/workers/{worker_id}").get_json()
    assert (shown["training_wish"], shown["training_wish_text"]) == ("yes", "电焊培训")
    assert shown["remark"] == "家中有老人需照顾，春节前返乡"
    worker_page = html(bureau.get(f"/console/workers/{worker_id}"))
    assert "有培训意愿（电焊培训）" in worker_page and "春节前返乡" in worker_page
    version = re.search(r'name="version" value="(\d+)"', html(bureau.get(f"/console/workers/{worker_id}/edit"))).group(1)
    bad = bureau.post(f"/console/workers/{worker_id}/edit", data={**data, "training_wish": "maybe", "version": version})
    assert bad.status_code == 422 and field_error(html(bad), "training_wish")


def test_emptying_an_optional_field_on_the_edit_form_clears_it(console_as, api, db_session):
    worker_id = new_worker(api, 1)
    bureau = console_as("bureau")
    filled = form_for(1, training_wish="yes", training_wish_text="电焊培训", remark="春节前返乡")
    for step in (filled, {**filled, "township": "", "village": "", "training_wish_text": "", "remark": ""}):
        version = re.search(r'name="version" value="(\d+)"',
                            html(bureau.get(f"/console/workers/{worker_id}/edit"))).group(1)
        data = {**step, "version": version, "phone": ""}
        data.pop("id_number")
        r = bureau.post(f"/console/workers/{worker_id}/edit", data=data)
        assert r.status_code == 302, html(r)[:2000]
    shown = api.get("bureau", f"/api/v1/workers/{worker_id}").get_json()
    assert (shown["township"], shown["village"], shown["training_wish_text"], shown["remark"]) == (None,) * 4
    assert shown["training_wish"] == "yes" and shown["phone"].endswith("0001")
    page = html(bureau.get(f"/console/workers/{worker_id}/edit"))
    assert 'name="remark"' in page and "春节前返乡" not in page


def test_the_edit_form_holds_occupation_codes_as_a_clerk_types_them(console_as, api):
    """Submitted unchanged, the edit form must pass its own validation (it once showed the
    codes as a Python list, "['4-07-05-01']", which came back as an unknown code)."""
    worker_id = new_worker(api, 1)
    page = html(console_as("bureau").get(f"/console/workers/{worker_id}/edit"))
    box = re.search(r'<textarea[^>]*name="preferred_occupations"[^>]*>([^<]*)</textarea>', page).group(1)
    assert box.strip() == api.get("bureau", f"/api/v1/workers/{worker_id}").get_json()["preferred_occupations"][0]
    assert "[" not in box


def test_another_countys_worker_is_a_404_page(console_as, api):
    other = new_worker(api, 1, county=AOHAN, role="admin")
    mine = new_worker(api, 2)
    bureau = console_as("bureau")
    for path in (f"/console/workers/{other}", f"/console/workers/{other}/edit"):
        r = bureau.get(path)
        assert r.status_code == 404 and r.mimetype == "text/html" and "管辖范围" in html(r)
    assert bureau.post(f"/console/workers/{other}/reveal").status_code == 404
    assert bureau.get(f"/console/workers/{mine}").status_code == 200
    assert console_as("bureau_other").get(f"/console/workers/{mine}").status_code == 404
    assert console_as("employer").get(f"/console/workers/{mine}").status_code == 403


# --- the worker page --------------------------------------------------------------------------

def test_reveal_shows_the_full_numbers_once_and_is_audited(console_as, api, db_session):
    worker_id = new_worker(api, 1)
    bureau = console_as("bureau")
    page = html(bureau.get(f"/console/workers/{worker_id}"))
    assert id_number(seq=1) not in page and "13800000001" not in page and "138****0001" in page
    revealed = html(bureau.post(f"/console/workers/{worker_id}/reveal"))
    assert id_number(seq=1) in revealed and "13800000001" in revealed
    assert [a.entity_id for a in audits(db_session, "worker.reveal")] == [str(worker_id)]
    assert id_number(seq=1) not in html(bureau.get(f"/console/workers/{worker_id}"))


def test_a_mistyped_id_number_is_corrected_on_the_worker_page_with_a_reason(console_as, api, db_session):
    worker_id = new_worker(api, 1)
    bureau = console_as("bureau")
    page = html(bureau.get(f"/console/workers/{worker_id}"))
    assert 'id="id-number-correction"' in page
    url = f"/console/workers/{worker_id}/id-number"
    refused = bureau.post(url, data={"id_number": id_number(seq=2), "reason": ""})
    assert refused.status_code == 422 and field_error(html(refused), "reason", "idn")
    taken = new_worker(api, 3)
    clash = bureau.post(url, data={"id_number": id_number(seq=3), "reason": "录入错误"})
    assert clash.status_code == 422 and f"#{taken}" in field_error(html(clash), "id_number", "idn")
    done = bureau.post(url, data={"id_number": id_number(seq=2), "reason": "录入错误，已核对原件"})
    assert done.status_code == 302
    assert [a.detail["reason"] for a in audits(db_session, "worker.id_number_corrected")] == ["录入错误，已核对原件"]
    assert api.get("bureau", f"/api/v1/workers/{worker_id}?reveal=true").get_json()["id_number"] == id_number(seq=2)
    other = console_as("admin")  # a bureau of another county gets a 404, as in the API
    aohan = new_worker(api, 4, county=AOHAN, role="admin")
    assert bureau.post(f"/console/workers/{aohan}/id-number",
                       data={"id_number": id_number(AOHAN, seq=5), "reason": "录入错误"}).status_code == 404
    assert other.get(f"/console/workers/{aohan}").status_code == 200


def test_matches_refer_interview_hire_and_follow_up(console_as, api, db_session, app):
    worker_id = new_worker(api, 1)
    posting_id = new_posting(api, title="望京小区保安")
    bureau = console_as("bureau")
    page = html(bureau.get(f"/console/workers/{worker_id}"))
    api_matches = api.get("bureau", f"/api/v1/workers/{worker_id}/matches").get_json()
    assert api_matches["items"] and "望京小区保安" in page
    for reason in api_matches["items"][0]["reasons"]:
        assert reason["text_zh"] in page  # the same reasons as the API
    r = bureau.post(f"/console/workers/{worker_id}/refer", data={"posting_id": str(posting_id)})
    assert r.status_code == 302
    application = db_session.scalar(select(Application))
    assert application.state == "referred" and application.source == "bureau"
    again = bureau.post(f"/console/workers/{worker_id}/refer", data={"posting_id": str(posting_id)},
                        follow_redirects=True)
    assert "已推荐至此岗位" in html(again)
    move = f"/console/workers/{worker_id}/applications/{application.id}/move"
    assert bureau.post(move, data={"to": "interviewing"}).status_code == 302
    low = bureau.post(move, data={"to": "hired", "placement.start_date": TODAY.isoformat(),
                                  "placement.monthly_wage": "100", "placement.social_insurance": "true"})
    assert low.status_code == 422 and f'id="hire-{application.id}-placement-monthly_wage-error"' in html(low)
    missing = bureau.post(move, data={"to": "hired", "placement.social_insurance": "true"})
    assert missing.status_code == 422 and f'id="hire-{application.id}-placement-start_date-error"' in html(missing)
    db_session.expire_all()
    assert db_session.scalar(select(Placement)) is None
    referred_on(db_session, application.id, TODAY - timedelta(days=60))  # a job that began weeks ago
    hired = bureau.post(move, data={"to": "hired", "placement.start_date": (TODAY - timedelta(days=50)).isoformat(),
                                    "placement.monthly_wage": "6000", "placement.contract_type": "fixed_term",
                                    "placement.contract_months": "12", "placement.social_insurance": ["false", "true"],
                                    "placement.dormitory": "false"})
    assert hired.status_code == 302, html(hired)[:3000]
    db_session.expire_all()
    placement = db_session.scalar(select(Placement))
    assert placement.monthly_wage == 6000 and placement.social_insurance and not placement.dormitory
    assert db_session.get(Application, application.id).state == "hired"
    page = html(bureau.get(f"/console/workers/{worker_id}"))
    assert "回访逾期" in page  # the 1-month visit is more than 14 days late
    follow = f"/console/workers/{worker_id}/placements/{placement.id}/follow-ups"
    future = bureau.post(follow, data={"contact_date": (TODAY + timedelta(days=1)).isoformat(),
                                       "still_employed": ["false", "true"]})
    assert future.status_code == 422 and "回访日期" in field_error(html(future), "contact_date", f"follow-{placement.id}")
    ok = bureau.post(follow, data={"contact_date": TODAY.isoformat(), "still_employed": ["false", "true"],
                                   "wage_received": "true", "issues": "宿舍满意"})
    assert ok.status_code == 302
    db_session.expire_all()
    visit = db_session.scalar(select(FollowUp))
    assert visit.still_employed and visit.wage_received is True and visit.issues == "宿舍满意"
    assert "回访逾期" not in html(bureau.get(f"/console/workers/{worker_id}"))
    actions = [a.action for a in db_session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    for action in ("application.create", "application.transition", "follow_up.create"):
        assert action in actions


def test_a_decline_needs_a_reason_and_another_countys_application_is_404(console_as, api, db_session):
    worker_id = new_worker(api, 1)
    posting_id = new_posting(api)
    bureau = console_as("bureau")
    bureau.post(f"/console/workers/{worker_id}/refer", data={"posting_id": str(posting_id)})
    application = db_session.scalar(select(Application))
    move = f"/console/workers/{worker_id}/applications/{application.id}/move"
    r = bureau.post(move, data={"to": "withdrawn", "reason.code": "other"})
    assert r.status_code == 422 and "其他" in html(r)
    assert bureau.post(move, data={"to": "withdrawn", "reason.code": "family"}).status_code == 302
    db_session.expire_all()
    assert db_session.get(Application, application.id).state == "withdrawn"
    other = new_worker(api, 2, county=AOHAN, role="admin")
    assert bureau.post(f"/console/workers/{other}/applications/{application.id}/move",
                       data={"to": "interviewing"}).status_code == 404
    mine = new_worker(api, 3)
    assert bureau.post(f"/console/workers/{mine}/applications/{application.id}/move",
                       data={"to": "interviewing"}).status_code == 404


def test_worker_page_shows_subsidy_eligibility_as_the_api(console_as, api, db_session):
    county_policy(db_session, "template-transport")
    worker_id = new_worker(api, 1)
    add_placement(db_session, worker_id, start=add_months(TODAY, -4))
    eligibility = api.get("bureau", f"/api/v1/workers/{worker_id}/eligibility").get_json()["items"]
    page = html(console_as("bureau").get(f"/console/workers/{worker_id}"))
    assert eligibility and eligibility[0]["eligible"]
    assert eligibility[0]["policy_name"] in page and "1000.00" in page and "符合" in page


# --- roster upload -----------------------------------------------------------------------------

def upload(client, body: bytes, name: str = "花名册.xlsx", **fields):
    return client.post("/console/workers/import", data={"file": (io.BytesIO(body), name), **fields},
                       content_type="multipart/form-data")


def test_roster_upload_reports_each_bad_row_and_offers_the_fix_workbook(console_as, db_session, api):
    existing = new_worker(api, 3)
    rows = [worker_row(1), worker_row(2, 联系电话="12"), worker_row(3), worker_row(4, 身份证号="15092120040517")]
    bureau = console_as("bureau")
    r = upload(bureau, xlsx(WORKER_HEADERS, rows, title="卓资县农村劳动力花名册"), mode="valid_rows")
    page = html(r)
    assert r.status_code == 200, page[:2000]
    assert re.search(r'id="created">1<', page) and re.search(r'id="skipped">1<', page)
    assert re.search(r'id="rejected">2<', page)
    assert "联系电话" in page and "身份证号" in page and f"/console/workers/{existing}" in page
    link = re.search(r'href="(/console/workers/import/fix/\d+\.xlsx)" id="fix-workbook"', page)
    assert link and "base64" not in page  # a stable URL, not the workbook inline
    got = bureau.get(link.group(1))
    assert got.status_code == 200 and "no-store" in got.headers["Cache-Control"]
    assert "attachment" in got.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(got.data))
    fix = book.worksheets[0]
    assert fix.max_row == 3 and "错误" in str(fix.cell(1, fix.max_column).value)
    assert len(audits(db_session, "worker.import")) == 1
    db_session.expire_all()
    assert len(db_session.scalars(select(Worker)).all()) == 2


def fix_link(page: str) -> str:
    found = re.search(r'href="(/console/workers/import/fix/\d+\.xlsx)"', page)
    assert found, "no link to the rows to fix"
    return found.group(1)


def test_the_rows_to_fix_download_for_their_uploader_only_and_not_for_long(console_as, console, app,
                                                                           db_session):
    from sqlalchemy import func, update

    from models.access.tables import KeptDownload
    from models.db.base import utcnow
    from models.scheduling.runner import run_job

    bad = worker_row(2, 联系电话="12")
    bureau = console_as("bureau")
    url = fix_link(html(upload(bureau, xlsx(WORKER_HEADERS, [worker_row(1), bad]), mode="valid_rows")))
    assert bureau.get(url).status_code == 200
    assert bureau.get(url).status_code == 200  # again, e.g. after a failed save
    # Kept encrypted: the typed ID number is not in the stored bytes.
    stored = db_session.scalar(select(KeptDownload.body_enc))
    assert bad["身份证号"].encode() not in stored and b"PK" not in stored[:4]
    # Another county's clerk, an administrator, anyone signed out: the 404 page or the sign-in.
    for role in ("bureau_other", "admin"):
        assert console_as(role).get(url).status_code == 404, role
    anonymous = console.get(url)
    assert anonymous.status_code == 302 and "/console/login" in anonymous.headers["Location"]
    # The uploader's next upload replaces it; an atomic refusal still offers its rows.
    refused = upload(bureau, xlsx(WORKER_HEADERS, [worker_row(3, 联系电话="1")]), mode="atomic")
    assert refused.status_code == 422
    newer = fix_link(html(refused))
    assert bureau.get(url).status_code == 404 and bureau.get(newer).status_code == 200
    assert load_workbook(io.BytesIO(bureau.get(newer).data)).worksheets[0].max_row == 2  # header, the row
    # It expires: refused after DOWNLOAD_KEEP_MINUTES, and the purge job deletes it.
    db_session.execute(update(KeptDownload).values(expires_at=utcnow() - timedelta(seconds=1)))
    db_session.commit()
    run = run_job("download_purge", sessions=app.extensions["jm.sessions"], engine=app.extensions["jm.engine"],
                  config=app.config, today=TODAY, vault=app.extensions["jm.vault"])
    assert run.status == "ok" and run.counts == {"purged": 1}
    assert bureau.get(newer).status_code == 404
    # Signing out deletes the user's file at once.
    later = fix_link(html(upload(bureau, xlsx(WORKER_HEADERS, [worker_row(4, 联系电话="1")]), mode="valid_rows")))
    assert bureau.get(later).status_code == 200
    bureau.post("/console/logout")
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(KeptDownload)) == 0


def test_an_atomic_roster_with_errors_writes_nothing_and_a_bad_file_is_a_field_error(console_as, db_session):
    bureau = console_as("bureau")
    r = upload(bureau, xlsx(WORKER_HEADERS, [worker_row(1), worker_row(2, 期望月薪="很多")]), mode="atomic")
    assert r.status_code == 422 and "未导入任何数据" in html(r)
    assert db_session.scalar(select(Worker)) is None
    assert audits(db_session, "worker.import")  # the refused import still leaves its trace
    junk = upload(bureau, b"not a workbook", "x.xlsx")
    assert junk.status_code == 400 and 'id="f-file-error"' in html(junk)
    none = bureau.post("/console/workers/import", data={"mode": "atomic"}, content_type="multipart/form-data")
    assert none.status_code == 422 and 'id="f-file-error"' in html(none)
    template = bureau.get("/console/workers/import/template.xlsx")
    assert template.status_code == 200 and load_workbook(io.BytesIO(template.data)).worksheets[0]["A1"].value


# --- claims ------------------------------------------------------------------------------------

def eligible_claim(api, db_session, sessions, seq: int = 1) -> SubsidyClaim:
    """A worker placed in Beijing four months ago under the county's transport policy, and the
    eligibility run (as the scheduler runs it) has found the claim."""
    if not db_session.scalars(select(SubsidyClaim)).first():
        try:
            county_policy(db_session, "template-transport")
        except Exception:  # noqa: BLE001 - already enabled for this county
            db_session.rollback()
    worker_id = new_worker(api, seq)
    add_placement(db_session, worker_id, start=add_months(TODAY, -4))
    claim_service.run_eligibility(sessions=sessions, as_of=TODAY)
    db_session.expire_all()
    return db_session.scalar(select(SubsidyClaim).where(SubsidyClaim.worker_id == worker_id))


def test_claims_review_approve_with_evidence_and_reject_with_reason(console_as, api, db_session, sessions):
    claim = eligible_claim(api, db_session, sessions)
    bureau = console_as("bureau")
    listing = html(bureau.get("/console/claims"))
    assert f"/console/claims/{claim.id}" in listing and "1000.00" in listing
    page = html(bureau.get(f"/console/claims/{claim.id}"))
    for evidence in claim.evidence_accepted:
        assert f'value="{evidence}"' in page
    decide = f"/console/claims/{claim.id}/decide"
    r = bureau.post(decide, data={"decision": "approve", "reason": "已核验"})
    assert r.status_code == 422 and "证明材料" in html(r)
    r = bureau.post(decide, data={"decision": "approve", "reason": "x", "evidence_seen": claim.evidence_accepted[0]})
    assert r.status_code == 422 and 'id="f-reason-error"' in html(r)
    db_session.expire_all()
    assert db_session.get(SubsidyClaim, claim.id).state == "eligible"
    r = bureau.post(decide, data={"decision": "approve", "reason": "劳动合同原件已核验",
                                  "evidence_seen": claim.evidence_accepted[0]})
    assert r.status_code == 302
    db_session.expire_all()
    approved = db_session.get(SubsidyClaim, claim.id)
    assert approved.state == "approved" and approved.evidence_seen == [claim.evidence_accepted[0]]
    assert approved.decision_reason == "劳动合同原件已核验" and audits(db_session, "claim.approved")
    again = bureau.post(decide, data={"decision": "approve", "reason": "再次", "evidence_seen": claim.evidence_accepted[0]})
    assert again.status_code == 422
    second = eligible_claim(api, db_session, sessions, seq=2)
    assert bureau.post(f"/console/claims/{second.id}/decide",
                       data={"decision": "reject", "reason": "未在岗"}).status_code == 302
    db_session.expire_all()
    assert db_session.get(SubsidyClaim, second.id).state == "rejected"


def test_another_countys_claim_is_404_and_an_admin_cannot_decide(console_as, api, db_session, sessions):
    claim = eligible_claim(api, db_session, sessions)
    other = console_as("bureau_other")
    assert other.get(f"/console/claims/{claim.id}").status_code == 404
    assert other.post(f"/console/claims/{claim.id}/decide",
                      data={"decision": "reject", "reason": "越权"}).status_code == 404
    assert f"/console/claims/{claim.id}" not in html(other.get("/console/claims"))
    admin = console_as("admin")
    assert admin.get(f"/console/claims/{claim.id}").status_code == 200
    assert admin.post(f"/console/claims/{claim.id}/decide",
                      data={"decision": "reject", "reason": "管理员"}).status_code == 403


# --- reports -----------------------------------------------------------------------------------

def test_reports_show_new_employment_and_retention_as_the_api(console_as, api, db_session):
    year = TODAY.year - 1
    from datetime import date

    for seq, (destination, poverty) in enumerate([("beijing", "alleviated"), ("beijing", "none"),
                                                  ("in_region", "alleviated"), ("other", "monitored")], start=1):
        worker = new_worker(api, seq)
        add_placement(db_session, worker, start=date(year, 3, 1), destination=destination, poverty_status=poverty,
                      end_date=date(year, 5, 1) if seq == 4 else None)
    expected = api.get("bureau", f"/api/v1/reports/new-employment?county={ZHUOZI}&year={year}").get_json()
    bureau = console_as("bureau")
    page = html(bureau.get(f"/console/reports?county={ZHUOZI}&year={year}"))
    table = re.search(r'<table id="new-employment">(.*?)</table>', page, re.S).group(1)
    cells = re.findall(r'<td class="num">(\d+)</td>', table)
    assert cells == [str(expected[g][k]) for g in ("total", "beijing", "in_region", "other")
                     for k in ("count", "alleviated")] == ["4", "2", "2", "1", "1", "1", "1", "0"]
    assert page.count("<svg") == 2
    retention = re.search(r'<table id="retention">(.*?)</table>', page, re.S).group(1)
    assert "75.0%（3/4）" in retention  # one of four left after two months
    assert bureau.get(f"/console/reports?county={AOHAN}&year={year}").status_code == 422
    assert bureau.get("/console/reports?year=1800").status_code == 422


def test_referring_by_posting_number_refuses_unknown_and_closed_postings(console_as, api, db_session):
    worker_id = new_worker(api, 1)
    closed = new_posting(api, title="已关闭岗位")
    assert api.post("employer", f"/api/v1/postings/{closed}/close").status_code == 200
    bureau = console_as("bureau")
    refer = f"/console/workers/{worker_id}/refer"
    for bad in ("99999", "abc", "", "1" * 30):
        assert "岗位不存在" in html(bureau.post(refer, data={"posting_id": bad}, follow_redirects=True))
    assert "不能推荐" in html(bureau.post(refer, data={"posting_id": str(closed)}, follow_redirects=True))
    assert db_session.scalar(select(Application)) is None


def test_two_hire_forms_on_one_page_keep_their_own_labels(console_as, api, db_session):
    worker_id = new_worker(api, 1)
    bureau = console_as("bureau")
    for title in ("甲岗位", "乙岗位"):
        bureau.post(f"/console/workers/{worker_id}/refer", data={"posting_id": str(new_posting(api, title=title))})
    for application in db_session.scalars(select(Application)):
        bureau.post(f"/console/workers/{worker_id}/applications/{application.id}/move", data={"to": "interviewing"})
    page = html(bureau.get(f"/console/workers/{worker_id}"))
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert page.count('name="placement.monthly_wage"') == 2


def test_bureau_pages_switch_to_english(console_as, api):
    worker_id = new_worker(api, 1)
    bureau = console_as("bureau")
    for path, text in ((f"/console/workers?lang=en", "Poverty status"), (f"/console/workers/{worker_id}", "Matching postings"),
                       ("/console/workers/import", "Upload and import"), ("/console/claims", "Subsidy claims"),
                       ("/console/reports", "Retention"), ("/console/workers/new", "Register a worker")):
        page = html(bureau.get(path))
        assert text in page, path
    assert "劳动力" in html(bureau.get("/console/workers?lang=zh"))
