"""Console test support shared by tests/console and tests/browser: one account per role (the
same scopes as the ``tokens`` fixture) and a client that signs in through the real form."""
from __future__ import annotations

import re
from dataclasses import dataclass

from models.db import session_scope

PASSWORDS = {role: f"pw-{role}-Correct-7" for role in
             ("admin", "bureau", "bureau_other", "employer", "employer_other", "fair")}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Account:
    role: str
    username: str
    password: str
    user_id: int


def create_accounts(app, tokens) -> dict[str, Account]:
    """Accounts ``admin``, ``bureau`` (卓资县), ``bureau_other`` (敖汉旗), ``employer`` (the
    ``tokens`` fixture's own employer), ``employer_other`` and ``fair``; username
    ``<key>-user`` (``bureau-other-user``), password ``PASSWORDS[key]``."""
    from models.access import accounts
    from tests.factories import AOHAN, ZHUOZI

    scopes = {
        "admin": dict(role="admin", name="系统管理员 赵"),
        "bureau": dict(role="bureau", counties=[ZHUOZI], name="卓资县就业局 王"),
        "bureau_other": dict(role="bureau", counties=[AOHAN], name="敖汉旗就业局 李"),
        "employer": dict(role="employer", employer_id=tokens["_employer_id"], name="甲物业 人事"),
        "employer_other": dict(role="employer", employer_id=tokens["_employer_other_id"], name="乙家政 人事"),
        "fair": dict(role="fair", name="招聘会 工作人员"),
    }
    out = {}
    with session_scope(app.extensions["jm.sessions"]) as session:
        for key, scope in scopes.items():
            username = f"{key.replace('_', '-')}-user"
            user, _ = accounts.create_user(session, username=username, password=PASSWORDS[key], **scope)
            out[key] = Account(scope["role"], username, PASSWORDS[key], user.id)
    return out


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no csrf_token on the page"
    return found.group(1)


class ConsoleClient:
    """A browser-like client: keeps the cookie, reads the CSRF token from the pages it gets."""

    def __init__(self, client, accounts: dict[str, Account]) -> None:
        self.client, self.accounts = client, accounts
        self.token: str | None = None

    def _remember(self, response):
        if response.mimetype == "text/html":
            found = CSRF.search(response.get_data(as_text=True))
            if found:
                self.token = found.group(1)
        return response

    def get(self, path: str, **kw):
        return self._remember(self.client.get(path, **kw))

    def post(self, path: str, data: dict | None = None, *, csrf: bool = True, **kw):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            if self.token is None:
                self.get("/console/login")
            data["csrf_token"] = self.token
        return self._remember(self.client.post(path, data=data, **kw))

    def login(self, role: str, password: str | None = None, *, next: str | None = None):
        """Sign in through the form; returns self (the sign-in answer is ``self.last``)."""
        account = self.accounts[role]
        page = self.get("/console/login")
        assert page.status_code == 200
        data = {"username": account.username, "password": password or account.password,
                "csrf_token": csrf_token(page.get_data(as_text=True))}
        if next:
            data["next"] = next
        self.last = self._remember(self.client.post("/console/login", data=data))
        if self.last.status_code == 302:  # a new session has a new CSRF token: read it
            self.token = None
            self._remember(self.client.get("/console/"))
        return self

    def logout(self):
        self.get("/console/")
        return self.post("/console/logout")
