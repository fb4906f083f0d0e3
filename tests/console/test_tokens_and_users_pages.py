"""The own-tokens page (every role) and the administrators' users page."""
from __future__ import annotations

import re

from sqlalchemy import select

from models.access import accounts
from models.access.tables import ApiToken, AuditEntry
from tests.factories import AOHAN, ZHUOZI

TOKEN = re.compile(r'id="new-token">(jm_[\w-]+)<')
PASSWORD = re.compile(r'id="one-time-password">([^<]+)<')


def test_a_user_creates_a_token_that_works_on_the_api_once_shown_then_revokes_it(console, client, db_session):
    console.login("bureau")
    page = console.post("/console/tokens", data={"label": "夜间导出"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/workers", headers=headers).status_code == 200  # same role and scope
    assert client.get("/api/v1/models", headers=headers).status_code == 403  # a bureau, not an admin
    listing = console.get("/console/tokens").get_data(as_text=True)
    assert "夜间导出" in listing and token not in listing  # shown once only
    row = db_session.scalar(select(ApiToken).where(ApiToken.label == "夜间导出"))
    assert row.user_id == console.accounts["bureau"].user_id and row.token_hash != token
    revoked = console.post(f"/console/tokens/{row.id}/revoke")
    assert revoked.status_code == 302
    assert client.get("/api/v1/workers", headers=headers).status_code == 401
    actions = db_session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "api_token")
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["token.create", "token.revoke", "auth.token_failed"]  # the revoked token's use, too


def test_a_token_needs_a_label_and_another_users_token_cannot_be_revoked(console_as, db_session):
    bureau = console_as("bureau")
    refused = bureau.post("/console/tokens", data={"label": "  "})
    assert refused.status_code == 422 and 'id="f-label-error"' in refused.get_data(as_text=True)
    employer = console_as("employer")
    employer.post("/console/tokens", data={"label": "招聘系统对接"})
    theirs = db_session.scalar(select(ApiToken).where(ApiToken.label == "招聘系统对接"))
    assert bureau.post(f"/console/tokens/{theirs.id}/revoke").status_code == 404
    db_session.refresh(theirs)
    assert theirs.revoked_at is None


def test_an_admin_creates_an_account_that_can_sign_in(console_as, app, db_session):
    admin = console_as("admin")
    page = admin.post("/console/admin/users", data={
        "username": "zhuozi.li", "name": "李四", "role": "bureau", "counties": f"{ZHUOZI}, {AOHAN}"})
    assert page.status_code == 200, page.get_data(as_text=True)[-2000:]
    password = PASSWORD.search(page.get_data(as_text=True)).group(1)
    user = accounts.get(db_session, "zhuozi.li")
    assert user.role == "bureau" and user.counties == sorted([ZHUOZI, AOHAN])
    assert accounts.verify(db_session, "zhuozi.li", password).ok
    assert "zhuozi.li" in admin.get("/console/admin/users").get_data(as_text=True)
    assert password not in admin.get("/console/admin/users").get_data(as_text=True)


def test_wrong_scope_is_shown_beside_the_fields(console_as, db_session):
    admin = console_as("admin")
    page = admin.post("/console/admin/users", data={"username": "A", "role": "employer", "counties": ZHUOZI})
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    for name in ("username", "employer_id", "counties"):
        assert f'id="f-{name}-error"' in text, name
    assert accounts.find(db_session, "a") is None
    taken = admin.post("/console/admin/users", data={"username": "bureau-user", "role": "admin"})
    assert taken.status_code == 422 and "taken" in taken.get_data(as_text=True)


def test_reset_and_disable_from_the_users_page(console_as, console_users, db_session):
    admin, bureau = console_as("admin"), console_as("bureau")
    target = console_users["bureau"].user_id
    page = admin.post(f"/console/admin/users/{target}/reset-password")
    password = PASSWORD.search(page.get_data(as_text=True)).group(1)
    assert bureau.get("/console/").status_code == 302  # signed out by the reset
    assert accounts.verify(db_session, "bureau-user", password).ok
    assert admin.post(f"/console/admin/users/{target}/disable").status_code == 302
    db_session.expire_all()
    assert accounts.verify(db_session, "bureau-user", password).outcome == "disabled"
    own = admin.post(f"/console/admin/users/{console_users['admin'].user_id}/disable", follow_redirects=True)
    assert "不能停用自己的账户" in own.get_data(as_text=True)
    actions = db_session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "user",
                                                                 AuditEntry.entity_id == str(target))).all()
    assert "user.reset_password" in actions and "user.disable" in actions


def test_only_administrators_open_the_users_page(console_as):
    for role in ("bureau", "employer", "fair"):
        signed = console_as(role)
        assert signed.get("/console/admin/users").status_code == 403
        assert signed.post("/console/admin/users", data={"username": "x-evil", "role": "admin"}).status_code == 403
        assert "用户管理" not in signed.get("/console/").get_data(as_text=True)


def test_a_one_time_password_is_changed_at_the_first_sign_in(console_as, app, console_users, db_session):
    from tests.console_support import Account, ConsoleClient

    admin = console_as("admin")
    page = admin.post("/console/admin/users", data={"username": "new.clerk", "role": "bureau", "counties": ZHUOZI})
    one_time = PASSWORD.search(page.get_data(as_text=True)).group(1)
    user = accounts.get(db_session, "new.clerk")
    clerk = ConsoleClient(app.test_client(), {"clerk": Account("bureau", "new.clerk", one_time, user.id)})
    clerk.login("clerk")
    assert clerk.get("/console/").headers["Location"] == "/console/password"
    assert clerk.get("/console/tokens").headers["Location"] == "/console/password"
    form = clerk.get("/console/password")
    assert form.status_code == 200 and "一次性密码" in form.get_data(as_text=True)
    wrong = clerk.post("/console/password", data={"current_password": "not-it-at-all", "new_password": "short",
                                                  "repeat_password": "other"})
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    for name in ("current_password", "new_password", "repeat_password"):
        assert f'id="f-{name}-error"' in text, name
    done = clerk.post("/console/password", data={"current_password": one_time, "new_password": "my-own-password-1",
                                                 "repeat_password": "my-own-password-1"})
    assert done.status_code == 302 and done.headers["Location"] == "/console/"
    assert clerk.get("/console/").status_code == 200  # this session goes on
    db_session.expire_all()
    assert not accounts.verify(db_session, "new.clerk", one_time).ok
    assert accounts.verify(db_session, "new.clerk", "my-own-password-1").ok
    actions = db_session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(user.id))
                                 .order_by(AuditEntry.id)).all()
    assert actions[0] == "user.create" and "user.change_password" in actions


def test_a_chosen_password_need_not_be_changed(console):
    console.login("employer")
    assert console.get("/console/").status_code == 200
    assert "修改密码" in console.get("/console/").get_data(as_text=True)
