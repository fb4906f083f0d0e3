"""The console frame in Chromium: sign-in per role, the home page, language switch, sign-out."""
from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible, assert_no_horizontal_scroll


def test_the_sign_in_page_is_accessible_and_fits(live, page, shot):
    page.goto(live.url("/console/"))
    assert page.url.startswith(live.url("/console/login"))
    assert page.get_by_role("heading", name="登录").is_visible()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, "login")
    page.get_by_role("button", name="登录").click()  # empty fields: messages beside them
    assert page.locator("#f-username-error").is_visible()
    assert_accessible(page)
    shot(page, "login-errors")
    assert not page.console_errors, page.console_errors


@pytest.mark.parametrize("role", ["admin", "bureau", "employer", "fair"])
def test_each_role_signs_in_to_its_home_page(live, page, shot, role):
    live.sign_in(page, role)
    assert page.url == live.url("/console/")
    account = live.accounts[role]
    assert page.get_by_text(account.username).is_visible()
    assert page.get_by_role("navigation", name="主导航").is_visible()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, f"home-{role}")
    assert not page.console_errors, page.console_errors  # the CSP refused nothing


def test_english_and_sign_out(live, page, shot):
    live.sign_in(page, "bureau")
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)
    shot(page, "home-bureau-en")
    page.get_by_role("button", name="Sign out").click()
    assert page.url.startswith(live.url("/console/login"))
    page.goto(live.url("/console/"))
    assert page.url.startswith(live.url("/console/login"))
