"""Employers' and fair operators' journeys in Chromium: an employer posts a job (a
gender-restricted one is refused with the law's message) and sees candidates without any
poverty status; a fair operator checks in by card reader, registers a walk-in, makes the plan
and prints an employer's list — each page at 1366×768 without sideways scroll, axe-clean,
with screenshots."""
from __future__ import annotations

from playwright.sync_api import expect

from datetime import timedelta

from models import clock
from models.access.tables import User
from models.db import session_scope
from tests.browser.conftest import assert_accessible, assert_no_horizontal_scroll, nav
from tests.factories import CHAOYANG, SECURITY, posting_payload, worker_payload
from tests.role_tables.fairs import open_fair


def check(page, shot, name: str) -> None:
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, name)
    assert not page.console_errors, page.console_errors


def test_an_employer_posts_a_job_and_sees_candidates_without_poverty_status(live, page, shot):
    live.api.post("bureau", "/api/v1/workers", json=worker_payload(seq=501, name="王五", poverty_status="alleviated"))
    live.sign_in(page, "employer")
    nav(page, "招聘岗位")
    check(page, shot, "employer-postings-empty")
    page.get_by_role("link", name="发布岗位").first.click()
    page.get_by_label("岗位名称").fill("保安（限男性）")
    page.get_by_label("职业代码").fill(SECURITY)
    page.get_by_label("工作地区划代码").fill(CHAOYANG)
    page.get_by_label("工作地址").fill("北京市朝阳区望京街道")
    page.get_by_label("招聘人数").fill("3")
    page.get_by_label("月薪下限（元）").fill("5500")
    page.get_by_label("月薪上限（元）").fill("6500")
    page.get_by_label("截止日期").fill((clock.today() + timedelta(days=60)).isoformat())
    page.get_by_label("提供宿舍").check()
    page.get_by_role("button", name="发布").click()
    assert "就业促进法" in page.locator("#f-title-error").inner_text()
    check(page, shot, "employer-posting-refused")
    page.get_by_label("岗位名称").fill("小区保安")
    page.get_by_role("button", name="发布").click()
    assert page.get_by_role("heading", name="小区保安").is_visible()
    body = page.locator("main").inner_text()
    assert "王五" in body
    for secret in ("脱贫", "监测", "alleviated", "优先"):
        assert secret not in body, secret
    check(page, shot, "employer-posting-candidates")
    page.get_by_role("button", name="邀约 王五").click()
    assert "已邀约" in page.locator("main").inner_text()
    check(page, shot, "employer-posting-invited")


def test_a_fair_operator_checks_in_a_walk_in_and_prints_a_list(live, page, shot):
    api = live.api
    fair = open_fair(api)
    with session_scope(live.app.extensions["jm.sessions"]) as session:
        session.get(User, live.accounts["fair"].user_id).fair_ids = [fair]
    registered = worker_payload(seq=510, name="张三", phone="13800000510")
    api.post("bureau", "/api/v1/workers", json=registered)
    posting = api.post("employer", "/api/v1/postings", json=posting_payload()).get_json()["id"]
    api.post("employer", f"/api/v1/fairs/{fair}/postings", json={"posting_id": posting})

    live.sign_in(page, "fair")
    nav(page, "招聘会")
    check(page, shot, "fair-list")
    page.locator("main table a").first.click()
    # the card reader types the number (lower-case x allowed) and Enter into the focused field
    # (expect runs in Playwright's own world: a predicate string would be eval, which the CSP refuses)
    expect(page.locator("#f-id_number")).to_be_focused(timeout=20000)
    page.keyboard.type(registered["id_number"].lower())
    with page.expect_navigation():  # Enter submits the check-in; wait for its answer page
        page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("已签到：张三", timeout=20000)
    check(page, shot, "fair-checked-in")

    page.get_by_role("link", name="现场登记").first.click()
    walk = worker_payload(seq=511, name="李四", phone="13800000511")
    page.get_by_label("身份证号").fill(walk["id_number"])
    page.get_by_label("姓名").fill("李四")
    page.get_by_label("手机号").fill("123")
    page.get_by_label("脱贫状态").select_option("none")
    page.get_by_label("学历").select_option("junior")
    page.get_by_label("可接受工作地").select_option(["in_region", "beijing"])
    page.get_by_label("期望月薪（元）").fill("5000")
    page.get_by_label("技能代码 1").fill("security")
    page.get_by_label("等级（1–5） 1").fill("2")
    page.get_by_role("button", name="登记并签到").click()
    assert page.locator("#f-phone-error").is_visible()
    check(page, shot, "fair-walk-in-errors")
    page.get_by_label("手机号").fill("13800000511")
    page.get_by_role("button", name="登记并签到").click()
    assert "已登记并签到：李四" in page.locator("main").inner_text()
    check(page, shot, "fair-page")

    page.get_by_role("button", name="生成面试安排").click()
    assert "已生成面试安排" in page.locator("main").inner_text()
    with page.expect_popup() as popup:
        page.get_by_role("link", name="打印名单").first.click()
    printed = popup.value
    printed.wait_for_load_state()
    text = printed.locator("body").inner_text()
    for column in ("号展位", "时段", "面试结果 / 签字"):
        assert column in text, column
    assert "张三" in text or "李四" in text
    # the stylesheet loaded (A4 table borders), no CSP refusal
    assert printed.evaluate("getComputedStyle(document.querySelector('table.list')).borderCollapse") == "collapse"
    shot(printed, "fair-printed-list")
