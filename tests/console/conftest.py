"""Console fixtures (see tests/console_support.py):

    def test_something(console):                      # a client, not signed in
        console.login("bureau").get("/console/")
        console.post("/console/…", data={…})          # adds the page's CSRF token

    def test_other(console_as):
        admin = console_as("admin")                   # a fresh client, already signed in
"""
from __future__ import annotations

import pytest

from tests.console_support import Account, ConsoleClient, create_accounts, csrf_token  # noqa: F401


@pytest.fixture
def console_users(app, tokens) -> dict[str, Account]:
    return create_accounts(app, tokens)


@pytest.fixture
def console(client, console_users) -> ConsoleClient:
    return ConsoleClient(client, console_users)


@pytest.fixture
def console_as(app, console_users):
    """``console_as("bureau")``: a fresh client already signed in as that account."""

    def make(role: str) -> ConsoleClient:
        signed = ConsoleClient(app.test_client(), console_users).login(role)
        assert signed.last.status_code == 302, signed.last.get_data(as_text=True)[:500]
        return signed

    return make
