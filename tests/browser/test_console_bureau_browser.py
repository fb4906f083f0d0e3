"""A county clerk's journey in Chromium: sign in, register a worker with a card reader's typing,
upload a roster with errors and see them (and download the rows to fix), open a worker's
matches, refer, move the application to hired, record a follow-up, approve a subsidy claim
and read the reports — each key page at 1366×768 without sideways scroll, axe-clean, with a
screenshot."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from models import clock
from models.db import session_scope
from models.placements.tracking import add_months
from models.subsidies import claims as claim_service
from models.subsidies.tables import SubsidyClaim
from models.workers.tables import Worker
from tests.browser.conftest import assert_accessible, assert_no_horizontal_scroll, nav
from tests.factories import id_number, posting_payload, worker_payload
from tests.subsidies.conftest import add_placement, county_policy
from tests.tabular.sheets import WORKER_HEADERS, XLSX, worker_row, xlsx

TODAY = clock.today()


def check(page, shot, name: str) -> None:
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, name)
    assert not page.console_errors, page.console_errors


def arrange(live) -> int:
    """An open posting in Beijing, and a worker placed four months ago whose transport-subsidy
    claim the eligibility run found (as the subsidies tests arrange it)."""
    r = live.api.post("employer", "/api/v1/postings", json=posting_payload(title="望京小区保安"))
    assert r.status_code == 201, r.get_json()
    r = live.api.post("bureau", "/api/v1/workers", json=worker_payload(seq=50, name="赵补贴"))
    assert r.status_code == 201, r.get_json()
    sessions = live.app.extensions["jm.sessions"]
    with session_scope(sessions) as session:
        county_policy(session, "template-transport")
        add_placement(session, r.get_json()["id"], start=add_months(TODAY, -4))
    claim_service.run_eligibility(sessions=sessions, as_of=TODAY)
    with session_scope(sessions) as session:
        return session.scalar(select(SubsidyClaim.id))


def test_a_clerk_registers_imports_refers_hires_follows_up_and_approves(live, page, shot):
    claim_id = arrange(live)
    live.sign_in(page, "bureau")
    nav(page, "劳动力")
    assert page.get_by_role("link", name="赵补贴").is_visible()
    check(page, shot, "bureau-workers")

    # Register: the card reader types the number, then Enter — which must not submit the form.
    nav(page, "登记劳动力")
    number = id_number(seq=7)
    id_field = page.get_by_label("身份证号")
    id_field.press_sequentially(number[:17] + number[17].lower())
    id_field.press("Enter")
    assert page.url.endswith("/console/workers/new")
    assert id_field.input_value() == number  # normalised in place
    assert page.evaluate("document.activeElement.name") == "name"  # focus moved on
    page.get_by_label("姓名").fill("王秀兰")
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_label("脱贫状态").select_option("alleviated")
    page.get_by_label("文化程度").select_option("junior")
    page.get_by_label("可接受的工作地").select_option(["beijing", "in_region"])
    page.get_by_label("期望月薪（元）").fill("5500")
    page.get_by_label("技能").fill("security:2:证")
    page.get_by_label("意向职业代码").fill("4-07-05-01")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="王秀兰", level=1).is_visible()
    assert page.locator("#id-number").inner_text() == number[:6] + "********" + number[-4:]
    worker_url = page.url
    check(page, shot, "bureau-worker-registered")

    # Edit: a remark written, then emptied again — the emptied box clears it (not "keep").
    for remark, shown in (("春节前返乡", "春节前返乡"), ("", "—")):
        page.get_by_role("link", name="修改信息").click()
        page.wait_for_load_state()
        page.get_by_label("备注").fill(remark)
        page.get_by_role("button", name="保存").click()
        page.wait_for_load_state()
        assert page.url == worker_url, page.locator('main').inner_text()
        assert page.locator("#remark").inner_text() == shown
    assert page.locator("#id-number").inner_text() == number[:6] + "********" + number[-4:]

    # A wrong phone comes back beside its field.
    nav(page, "登记劳动力")
    page.get_by_label("身份证号").fill(id_number(seq=8))
    page.get_by_label("手机号").fill("123")
    page.get_by_role("button", name="保存").click()
    assert "11位" in page.locator("#f-phone-error").inner_text()
    assert page.locator("#f-name-error").is_visible()
    check(page, shot, "bureau-register-errors")

    # Roster with errors: the report on screen, the rows to fix as a workbook.
    nav(page, "导入花名册")
    rows = [worker_row(11), worker_row(12, 联系电话="12"), worker_row(13, 身份证号="1509212004")]
    page.set_input_files("#f-file", files=[{"name": "卓资县花名册.xlsx", "mimeType": XLSX,
                                            "buffer": xlsx(WORKER_HEADERS, rows, title="卓资县农村劳动力花名册")}])
    page.get_by_label("导入方式").select_option("valid_rows")
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_load_state()
    assert page.locator("#created").inner_text() == "1" and page.locator("#rejected").inner_text() == "2"
    errors = page.locator("#row-errors tbody tr")
    assert errors.count() >= 2 and "联系电话" in page.locator("#row-errors").inner_text()
    check(page, shot, "bureau-roster-report")
    with page.expect_download() as info:
        page.locator("#fix-workbook").click()
    book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    assert book.worksheets[0].max_row == 3

    # The registered worker's matches: refer, interview, hire, follow up.
    page.goto(worker_url)
    matches = page.locator("#matches")
    assert matches.get_by_role("cell", name="望京小区保安 北京甲物业公司").is_visible()
    assert matches.locator("ul.reasons li").count() > 0
    shot(page, "bureau-worker-matches")
    matches.get_by_role("button", name="推荐 望京小区保安").click()
    page.wait_for_load_state()
    assert page.get_by_text("已推荐到「望京小区保安」").is_visible()
    page.get_by_role("button", name="安排面试").click()
    page.wait_for_load_state()
    page.get_by_text("录用（填写就业信息）").click()
    page.get_by_label("月工资（元）").fill("6000")
    page.get_by_label("合同期限（月）").fill("12")
    page.get_by_role("button", name="确认录用").click()
    page.wait_for_load_state()
    assert page.get_by_text("申请已变为：已录用").is_visible()
    check(page, shot, "bureau-worker-hired")
    page.get_by_text("记录回访").click()
    page.get_by_label("仍在岗").check()
    page.get_by_label("工资按时到账").select_option("true")
    page.get_by_role("button", name="保存回访").click()
    page.wait_for_load_state()
    assert page.get_by_text("回访已记录").is_visible()
    placements = page.locator("#placements")
    assert placements.locator(".badge-ok").inner_text() == "在岗"  # the overdue-free, problem-free visit
    assert placements.locator("tbody tr").count() == 1
    check(page, shot, "bureau-worker-follow-up")
    page.goto(worker_url + "?lang=en")
    assert page.get_by_role("heading", name="Placements and follow-ups").is_visible()
    check(page, shot, "bureau-worker-en")
    page.goto(worker_url + "?lang=zh")
    with session_scope(live.app.extensions["jm.sessions"]) as session:
        worker = session.scalar(select(Worker).where(Worker.name == "王秀兰"))
        assert worker.status == "employed"

    # Approve the claim, naming the evidence seen.
    nav(page, "补贴审核")
    check(page, shot, "bureau-claims")
    page.get_by_role("link", name=f"{claim_id} 审核").click()
    expect(page.get_by_role("button", name="批准")).to_be_visible()
    check(page, shot, "bureau-claim")
    page.get_by_role("button", name="批准").click()
    page.wait_for_load_state()
    assert page.locator("#f-reason-error").is_visible()
    page.get_by_label("审核意见").fill("劳动合同原件已核验")
    page.get_by_role("button", name="批准").click()
    page.wait_for_load_state()
    assert "证明材料" in page.locator("#evidence-error").inner_text()
    check(page, shot, "bureau-claim-errors")
    page.get_by_label("劳动合同", exact=True).check()
    page.get_by_role("button", name="批准").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"申领 {claim_id} 已批准").is_visible()
    with session_scope(live.app.extensions["jm.sessions"]) as session:
        claim = session.get(SubsidyClaim, claim_id)
        assert claim.state == "approved" and claim.evidence_seen == ["labour_contract"]

    nav(page, "统计报表")
    assert page.locator("svg.bars").count() == 2
    check(page, shot, "bureau-reports")
    page.goto(live.url("/console/reports?lang=en"))
    assert page.get_by_role("heading", name="Reports").is_visible()
    check(page, shot, "bureau-reports-en")
