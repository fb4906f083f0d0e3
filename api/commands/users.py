"""``jingmeng users``: console accounts (create, reset-password, disable).

The rules live in ``models.access.accounts``; a broken one is a usage error naming the field.
"""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from api import db
from models.access import accounts
from models.access.tables import ROLES
from models.db import session_scope
from models.errors import DomainError


def usage_error(exc: DomainError) -> click.UsageError:
    messages = exc.field_messages()
    if not messages:
        return click.UsageError(exc.message)
    return click.UsageError("; ".join(f"{field}: {' '.join(texts)}" for field, texts in messages.items()))


def _audit(session, action: str, user) -> None:
    """The audit log entry of a command (no signed-in principal: ``via`` says where it came from)."""
    from models.access.tables import AuditEntry

    session.add(AuditEntry(user_id=None, action=action, entity="user", entity_id=str(user.id),
                           detail={"via": "cli", "role": user.role}))


def _read_password() -> str:
    line = sys.stdin.readline()
    return line[:-1] if line.endswith("\n") else line


DEMO_ACCOUNTS = {"admin": "demo-admin", "bureau": "demo-bureau", "employer": "demo-employer", "fair": "demo-fair"}


def demo_accounts(session, *, counties: list[str], employer_id: int | None,
                  fair_ids: list[int]) -> list[tuple[str, str, str | None]]:
    """One console account per role for ``make run`` (idempotent): ``(role, username, password)``,
    the password only for an account made now (it is shown once, stored hashed). Existing demo
    accounts keep their password and get the demo world's current scope."""
    names = {"admin": "演示管理员", "bureau": "演示就业局", "employer": "演示用人单位", "fair": "演示招聘会"}
    scopes = {"admin": {}, "bureau": {"counties": counties}, "employer": {"employer_id": employer_id},
              "fair": {"fair_ids": fair_ids}}
    out: list[tuple[str, str, str | None]] = []
    for role, username in DEMO_ACCOUNTS.items():
        if role == "employer" and employer_id is None:
            continue
        user = accounts.find(session, username)
        if user is None:
            _, password = accounts.create_user(session, username=username, role=role, name=names[role],
                                               must_change=False, **scopes[role])
            out.append((role, username, password))
            continue
        checked = accounts.check_scope(session, role, scopes[role].get("counties", ()),
                                       scopes[role].get("employer_id"), scopes[role].get("fair_ids", ()))
        user.counties, user.employer_id, user.fair_ids = list(checked[0]), checked[1], list(checked[2])
        user.role, user.active = role, True
        out.append((role, username, None))
    session.flush()
    return out


def register(app: Flask) -> None:
    group = AppGroup("users", help="Console accounts (username and password).")

    @group.command("create")
    @click.argument("username")
    @click.option("--role", type=click.Choice(ROLES), required=True)
    @click.option("--name", default=None, help="Display name (defaults to the username)")
    @click.option("--county", "counties", multiple=True, help="County code (bureau), repeatable")
    @click.option("--employer", "employer_id", type=int, help="Employer id (employer role)")
    @click.option("--fair", "fair_ids", type=int, multiple=True, help="Fair id (fair role), repeatable")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line)")
    def users_create(username: str, role: str, name: str | None, counties: tuple[str, ...],
                     employer_id: int | None, fair_ids: tuple[int, ...], password_stdin: bool) -> None:
        """Create an account; without --password-stdin a one-time password is printed once."""
        password = _read_password() if password_stdin else None
        try:
            with session_scope(db.session_factory()) as session:
                user, secret = accounts.create_user(
                    session, username=username, role=role, name=name, counties=counties,
                    employer_id=employer_id, fair_ids=fair_ids, password=password)
                username = user.username
                _audit(session, "user.create", user)
        except DomainError as exc:
            raise usage_error(exc) from None
        click.echo(f"created {username} ({role})")
        if password is None:
            click.echo(f"one-time password: {secret}")

    @group.command("reset-password")
    @click.argument("username")
    @click.option("--password-stdin", is_flag=True, help="Read the new password from standard input")
    def users_reset_password(username: str, password_stdin: bool) -> None:
        """Set a new password (printed once unless read from stdin); signs the user out everywhere."""
        password = _read_password() if password_stdin else None
        try:
            with session_scope(db.session_factory()) as session:
                user = accounts.get(session, username)
                secret = accounts.set_password(session, user, password)
                _audit(session, "user.reset_password", user)
        except DomainError as exc:
            raise usage_error(exc) from None
        click.echo(f"password of {accounts.normalise_username(username)} reset")
        if password is None:
            click.echo(f"one-time password: {secret}")

    @group.command("disable")
    @click.argument("username")
    def users_disable(username: str) -> None:
        """Disable an account: no sign-in, and its API tokens stop working."""
        try:
            with session_scope(db.session_factory()) as session:
                user = accounts.get(session, username)
                accounts.disable(session, user)
                _audit(session, "user.disable", user)
        except DomainError as exc:
            raise usage_error(exc) from None
        click.echo(f"disabled {accounts.normalise_username(username)}")

    app.cli.add_command(group)
