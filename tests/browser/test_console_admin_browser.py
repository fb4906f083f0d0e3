"""Administrators' journeys in Chromium: create a user who then signs in, a lockout after five
wrong passwords, and every page built on the frame checked at 1366×768 (no sideways scroll,
axe-core clean) with screenshots."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from models import clock
from models.access import accounts
from models.access.tables import AuditEntry
from models.db import session_scope
from models.db.base import utcnow
from models.scheduling.runner import run_job
from tests.browser.conftest import assert_accessible, assert_no_horizontal_scroll, nav
from tests.factories import ZHUOZI


def check(page, shot, name: str) -> None:
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, name)
    assert not page.console_errors, page.console_errors


def test_an_admin_creates_a_user_who_then_signs_in(live, page, shot, browser):
    live.sign_in(page, "admin")
    nav(page, "用户管理")
    check(page, shot, "admin-users")
    page.get_by_label("用户名").fill("zhuozi.zhao")
    page.get_by_label("姓名").fill("赵六")
    page.get_by_label("角色").select_option("bureau")
    page.get_by_label("旗县代码（就业局）").fill(ZHUOZI)
    page.get_by_role("button", name="创建", exact=True).click()
    secret = page.locator("#one-time-password")
    assert secret.is_visible()
    password = secret.inner_text().strip()
    assert page.get_by_role("cell", name="zhuozi.zhao", exact=True).is_visible()
    check(page, shot, "admin-users-created")
    # A wrong scope is shown beside its field.
    page.get_by_label("用户名").fill("no.county")
    page.get_by_label("角色").select_option("bureau")
    page.get_by_role("button", name="创建", exact=True).click()
    assert "须至少有一个旗县" in page.locator("#f-counties-error").inner_text()
    check(page, shot, "admin-users-errors")

    other = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    other.console_errors = []
    other.goto(live.url("/console/login"))
    other.get_by_label("用户名").fill("zhuozi.zhao")
    other.get_by_label("密码").fill(password)
    other.get_by_role("button", name="登录").click()
    other.wait_for_url(live.url("/console/password"))  # a one-time password is changed first
    check(other, shot, "password-change")
    other.get_by_label("当前密码").fill(password)
    other.locator("#f-new_password").fill("zhao-own-password-7")
    other.get_by_label("再次输入新密码").fill("zhao-own-password-7")
    other.get_by_role("button", name="保存").click()
    assert other.url == live.url("/console/")
    assert other.get_by_text("赵六").first.is_visible() and other.get_by_text("卓资县").first.is_visible()
    other.context.close()


def test_five_wrong_passwords_lock_the_account_for_a_while(live, page, shot):
    account = live.accounts["employer"]
    for n in range(5):
        page.goto(live.url("/console/login"))
        page.get_by_label("用户名").fill(account.username)
        page.get_by_label("密码").fill(f"wrong-password-{n}")
        page.get_by_role("button", name="登录").click()
    assert "账户已临时锁定" in page.locator(".form-errors").inner_text()
    check(page, shot, "login-locked")
    live.sign_in(page, "employer")  # the right password, refused while locked
    assert page.url.startswith(live.url("/console/login"))
    assert "账户已临时锁定" in page.locator(".form-errors").inner_text()
    with session_scope(live.app.extensions["jm.sessions"]) as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(account.user_id))
                                  .order_by(AuditEntry.id)).all()
        assert actions == ["console.sign_in_failed"] * 4 + ["console.lockout", "console.sign_in_locked"]
        accounts.get(session, account.username).locked_until = utcnow() - timedelta(seconds=1)  # time passes
    live.sign_in(page, "employer")
    assert page.url == live.url("/console/")


def test_own_tokens_page(live, page, shot):
    live.sign_in(page, "fair")
    nav(page, "我的API令牌")
    page.get_by_label("用途说明").fill("签到机")
    page.get_by_role("button", name="创建").click()
    token = page.locator("#new-token").inner_text()
    assert re.fullmatch(r"jm_fair_[\w-]+", token)
    assert live.api.client.get("/api/v1/fairs", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    check(page, shot, "tokens-created")
    page.once("dialog", lambda dialog: dialog.accept())  # data-confirm asks first
    page.get_by_role("button", name="撤销 签到机").click()
    assert page.get_by_text("已撤销").first.is_visible()
    assert live.api.client.get("/api/v1/fairs", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    check(page, shot, "tokens-revoked")


def test_models_jobs_and_policies_pages(live, page, shot):
    from api.commands.subsidies import load_templates
    from tests.console.test_admin_pages import _store_model

    app = live.app
    first, second = _store_model(app, 1), _store_model(app, 2)
    for job in ("posting_expiry", "followups"):
        run_job(job, sessions=app.extensions["jm.sessions"], engine=app.extensions["jm.engine"],
                config=dict(app.config), today=clock.today(), vault=app.extensions["jm.vault"], holder="test")
    with session_scope(app.extensions["jm.sessions"]) as session:
        load_templates(session)

    live.sign_in(page, "admin")
    nav(page, "模型版本")
    assert page.locator("svg.bars").count() == 2
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"启用 {first}").click()
    assert page.get_by_text(f"已启用模型 {first}").is_visible()
    check(page, shot, "admin-models")

    nav(page, "定时任务")
    assert page.get_by_role("cell", name="followups", exact=True).first.is_visible()
    check(page, shot, "admin-jobs")

    nav(page, "补贴政策")
    page.get_by_label("政策模板").select_option("template-transport")
    page.get_by_label("旗县代码").fill("110105")  # a Beijing district, not a county of Inner Mongolia
    page.get_by_role("button", name="创建旗县政策").click()
    assert page.locator("#f-county_code-error").is_visible()
    check(page, shot, "admin-policies-errors")
    page.get_by_label("旗县代码").fill(ZHUOZI)
    page.get_by_role("button", name="创建旗县政策").click()
    assert page.get_by_text("已启用").first.is_visible()
    check(page, shot, "admin-policies")
