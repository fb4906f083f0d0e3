"""Signing in and out of the console through the real form; the session that results."""
from __future__ import annotations

import time

from sqlalchemy import select

from models.access.tables import AuditEntry, User
from tests.console_support import ConsoleClient, csrf_token


def test_sign_in_sets_a_locked_down_cookie_and_lands_on_the_home_page(console):
    console.login("bureau")
    response = console.last
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain HTTP in development; see the HTTPS test
    home = console.get("/console/")
    text = home.get_data(as_text=True)
    assert home.status_code == 200
    assert "卓资县就业局 王" in text and "卓资县" in text  # the user and the scope, by county name


def test_over_https_the_cookie_is_secure(app, console_users):
    client = app.test_client()
    page = client.get("/console/login", base_url="https://localhost")
    # Over HTTPS Flask-WTF also checks the Referer is this site (browsers send it: same-origin).
    response = client.post("/console/login", base_url="https://localhost",
                           headers={"Referer": "https://localhost/console/login"}, data={
        "username": console_users["admin"].username, "password": console_users["admin"].password,
        "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_wrong_password_and_unknown_user_get_the_same_message(console, db_session):
    for username, password in (("bureau-user", "wrong-password-1"), ("nobody-here", "whatever-123")):
        page = console.get("/console/login")
        response = console.client.post("/console/login", data={
            "username": username, "password": password, "csrf_token": csrf_token(page.get_data(as_text=True))})
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "用户名或密码错误" in text and "Wrong username or password" in text
        assert 'value="' + username + '"' in text  # the username stays, the password never
        assert password not in text
    assert console.get("/console/").status_code == 302  # still anonymous
    entries = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "console.sign_in_failed")).all()
    assert len(entries) == 2
    known = [e for e in entries if e.entity_id is not None]
    assert len(known) == 1 and known[0].entity_id == str(console.accounts["bureau"].user_id)
    for entry in entries:  # no password, no unknown username in the log
        assert "wrong-password-1" not in str(entry.detail) and "nobody-here" not in str(entry.detail)


def test_empty_fields_are_reported_beside_the_fields(console):
    response = console.post("/console/login", data={"username": "", "password": ""})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="f-username-error"' in text and 'id="f-password-error"' in text
    assert 'aria-invalid="true"' in text


def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(console, console_users):
    console.login("admin", next="/console/?page=2")
    assert console.last.headers["Location"] == "/console/?page=2"
    console.logout()
    for evil in ("https://evil.example/", "//evil.example/console", "/\\evil.example", "/api/v1/workers"):
        console.login("admin", next=evil)
        assert console.last.headers["Location"] == "/console/", evil
        console.logout()


def test_sign_out_ends_the_session_and_is_audited(console, db_session):
    console.login("employer")
    assert console.get("/console/").status_code == 200
    response = console.logout()
    assert response.status_code == 302 and response.headers["Location"].startswith("/console/login")
    assert console.get("/console/").status_code == 302
    actions = db_session.scalars(select(AuditEntry.action).where(AuditEntry.user_id == console.accounts["employer"].user_id)
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["console.sign_in", "console.sign_out"]


def test_a_disabled_user_is_signed_out_at_the_next_request(console, app, db_session):
    from models.access import accounts

    console.login("fair")
    assert console.get("/console/").status_code == 200
    user = db_session.get(User, console.accounts["fair"].user_id)
    accounts.disable(db_session, user)
    db_session.commit()
    response = console.get("/console/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/console/login")


def test_a_password_reset_signs_the_user_out_everywhere(console, db_session):
    from models.access import accounts

    console.login("bureau")
    assert console.get("/console/").status_code == 200
    accounts.set_password(db_session, db_session.get(User, console.accounts["bureau"].user_id), "a-new-password-9")
    db_session.commit()
    assert console.get("/console/").status_code == 302
    console.login("bureau", password="a-new-password-9")
    assert console.last.status_code == 302 and console.get("/console/").status_code == 200


def test_an_idle_session_is_signed_out(app, console):
    console.login("admin")
    assert console.get("/console/").status_code == 200
    with console.client.session_transaction("/console/") as session:
        session["seen"] = int(time.time()) - app.config["CONSOLE_IDLE_MINUTES"] * 60 - 5
    response = console.get("/console/")
    assert response.status_code == 302
    notice = console.get(response.headers["Location"]).get_data(as_text=True)
    assert "长时间未操作" in notice


def test_the_session_acts_as_the_same_principal_as_the_api(console, app, console_users):
    """A page view sees ``api.auth.current()`` — the bearer token's Principal, from the session."""
    from api.auth import current
    from tests.factories import ZHUOZI

    console.login("bureau")
    with console.client:
        console.get("/console/")
        from flask import g

        principal = current()
        assert g.console_user.username == "bureau-user"
    assert principal.role == "bureau" and principal.counties == frozenset({ZHUOZI})
    assert principal.user_id == console_users["bureau"].user_id


def test_console_pages_carry_the_security_headers(console):
    console.login("admin")
    for path in ("/console/", "/console/login"):
        headers = console.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "no-store"
    css = console.get("/console/static/console.css")
    assert css.status_code == 200 and css.mimetype == "text/css"


def test_the_language_switch_shows_english_and_stays(console):
    console.login("admin")
    assert "首页" in console.get("/console/").get_data(as_text=True)
    english = console.get("/console/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Home" in english and "Sign out" in english
    assert "Sign out" in console.get("/console/").get_data(as_text=True)


def test_the_json_api_needs_no_csrf_token_and_ignores_the_console_cookie(console, api):
    """Bearer-token calls stay exempt; a console cookie is no credential for the API."""
    from tests.factories import worker_payload

    console.login("admin")
    anonymous_with_cookie = console.client.get("/api/v1/workers")
    assert anonymous_with_cookie.status_code == 401
    created = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=401))
    assert created.status_code == 201, created.get_json()


def test_an_unknown_console_address_is_an_html_page_and_the_api_keeps_json(console, client):
    console.login("admin")
    page = console.get("/console/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html" and "未找到" in page.get_data(as_text=True)
    assert page.headers["Content-Security-Policy"]
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.mimetype == "application/json"


def test_the_home_page_lists_the_roles_pages_from_the_registry(console):
    from api.console import nav_for

    console.login("admin")
    text = console.get("/console/").get_data(as_text=True)
    for item in nav_for("admin"):
        assert item.label_zh in text


def test_after_sign_out_a_copy_of_the_cookie_is_worthless(app, console):
    console.login("bureau")
    assert console.get("/console/").status_code == 200
    stolen = console.client.get_cookie("jm_console", path="/console")
    thief = app.test_client()
    thief.set_cookie("jm_console", stolen.value, path="/console")
    assert thief.get("/console/").status_code == 200  # a copied cookie works while signed in …
    console.logout()
    thief.set_cookie("jm_console", stolen.value, path="/console")
    assert thief.get("/console/").status_code == 302  # … and not after the sign-out
    console.login("bureau")  # signing in again works at once
    assert console.get("/console/").status_code == 200
