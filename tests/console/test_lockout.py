"""Failed sign-ins: a per-account lockout after five wrong passwords, a per-address limit on the
sign-in form, both in the audit log without any password."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models.access.tables import AuditEntry, User
from models.db.base import utcnow


def _attempt(console, username, password):
    page = console.get("/console/login")
    assert page.status_code == 200
    return console.post("/console/login", data={"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_refused_meanwhile(console, db_session):
    account = console.accounts["bureau"]
    for n in range(4):
        text = _attempt(console, account.username, f"wrong-password-{n}").get_data(as_text=True)
        assert "用户名或密码错误" in text
    text = _attempt(console, account.username, "wrong-password-4").get_data(as_text=True)
    assert "账户已临时锁定" in text
    right = _attempt(console, account.username, account.password)
    assert right.status_code == 200 and "账户已临时锁定" in right.get_data(as_text=True)
    assert console.get("/console/").status_code == 302  # not signed in
    actions = db_session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(account.user_id))
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["console.sign_in_failed"] * 4 + ["console.lockout", "console.sign_in_locked"]
    for entry in db_session.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(account.user_id))):
        assert account.password not in str(entry.detail) and "wrong-password" not in str(entry.detail)
    # Once the lockout has passed, the right password works again.
    user = db_session.get(User, account.user_id)
    user.locked_until = utcnow() - timedelta(seconds=1)
    db_session.commit()
    console.login("bureau")
    assert console.last.status_code == 302 and console.get("/console/").status_code == 200


def test_lockout_settings_come_from_the_configuration(app, console, db_session):
    app.config.update(LOGIN_MAX_ATTEMPTS=2, LOGIN_LOCK_MINUTES=3)
    account = console.accounts["fair"]
    _attempt(console, account.username, "nope-nope-1")
    text = _attempt(console, account.username, "nope-nope-2").get_data(as_text=True)
    assert "3分钟" in text
    user = db_session.get(User, account.user_id)
    assert timedelta(minutes=2) < user.locked_until - utcnow() <= timedelta(minutes=3)


def test_the_sign_in_form_is_limited_per_client_address(app, console):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for n in range(3):
        assert _attempt(console, "nobody-here", f"guess-{n}-guess").status_code == 200
    limited = _attempt(console, "nobody-here", "guess-4-guess")
    assert limited.status_code == 429 and "text/html" in limited.content_type
    assert "登录尝试过于频繁" in limited.get_data(as_text=True)
    other = app.test_client()  # another address is not held up
    page = other.get("/console/login", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    from tests.console_support import csrf_token

    answer = other.post("/console/login", environ_base={"REMOTE_ADDR": "10.1.2.3"}, data={
        "username": "nobody-here", "password": "guess-5-guess", "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert answer.status_code == 200
    assert console.get("/console/login").status_code == 200  # the form itself still opens
