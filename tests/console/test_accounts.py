"""Accounts: argon2id hashes, scope checks, sign-in with lockout, the ``jingmeng users`` commands."""
from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from models.access import accounts
from models.access.tables import User
from models.db.base import utcnow
from models.errors import Conflict, RuleViolations
from tests.factories import AOHAN, ZHUOZI


def test_a_password_is_stored_as_an_argon2id_hash(db_session):
    user, password = accounts.create_user(db_session, username="Clerk.Wang", role="bureau", counties=[ZHUOZI],
                                          password="a-long-password-1")
    assert user.username == "clerk.wang" and password == "a-long-password-1"
    assert user.password_hash.startswith("$argon2id$") and "a-long-password-1" not in user.password_hash
    assert accounts.verify(db_session, "CLERK.wang", "a-long-password-1").ok


def test_without_a_password_a_one_time_one_is_generated(db_session):
    user, password = accounts.create_user(db_session, username="admin2", role="admin")
    assert len(password) >= 16 and set(password) <= set(accounts.READABLE)  # read out by phone: no 0/O, 1/l
    assert accounts.verify(db_session, "admin2", password).ok


def test_every_wrong_field_is_reported_at_once(db_session, tokens):
    with pytest.raises(RuleViolations) as caught:
        accounts.create_user(db_session, username="x", role="bureau", counties=["999999"], password="short")
    assert set(caught.value.errors) == {"username", "password", "counties"}
    with pytest.raises(RuleViolations) as caught:
        accounts.create_user(db_session, username="emp", role="employer", employer_id=999_999)
    assert set(caught.value.errors) == {"employer_id"}
    with pytest.raises(RuleViolations) as caught:
        accounts.create_user(db_session, username="bur", role="bureau")
    assert "counties" in caught.value.errors
    with pytest.raises(RuleViolations) as caught:  # scope that the role cannot have
        accounts.create_user(db_session, username="adm", role="admin", counties=[ZHUOZI],
                             employer_id=tokens["_employer_id"])
    assert set(caught.value.errors) == {"counties", "employer_id"}
    with pytest.raises(RuleViolations) as caught:
        accounts.create_user(db_session, username="fair1", role="fair", fair_ids=[424242])
    assert set(caught.value.errors) == {"fair_ids"}
    assert db_session.scalar(select(User).where(User.username.is_not(None))) is None


def test_a_username_is_taken_once(db_session):
    accounts.create_user(db_session, username="same", role="admin")
    with pytest.raises(Conflict):
        accounts.create_user(db_session, username="SAME", role="admin")


def test_five_wrong_passwords_lock_the_account_for_a_while(db_session):
    accounts.create_user(db_session, username="locky", role="bureau", counties=[AOHAN], password="right-password-1")
    outcomes = [accounts.verify(db_session, "locky", "wrong-password", max_attempts=5, lock_minutes=15).outcome
                for _ in range(5)]
    assert outcomes == ["wrong"] * 4 + ["locked_now"]
    assert accounts.verify(db_session, "locky", "right-password-1").outcome == "locked"
    later = utcnow() + timedelta(minutes=16)
    assert accounts.verify(db_session, "locky", "right-password-1", now=later).ok
    user = accounts.get(db_session, "locky")
    assert user.failed_logins == 0 and user.locked_until is None


def test_a_success_resets_the_count_of_wrong_passwords(db_session):
    accounts.create_user(db_session, username="reset", role="admin", password="right-password-1")
    for _ in range(4):
        accounts.verify(db_session, "reset", "nope-nope-nope")
    assert accounts.verify(db_session, "reset", "right-password-1").ok
    for _ in range(4):
        assert accounts.verify(db_session, "reset", "nope-nope-nope").outcome == "wrong"


def test_an_old_hash_is_upgraded_at_sign_in(db_session):
    user, _ = accounts.create_user(db_session, username="old", role="admin", password="right-password-1")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("right-password-1")
    db_session.flush()
    assert accounts.HASHER.check_needs_rehash(user.password_hash)
    assert accounts.verify(db_session, "old", "right-password-1").ok
    assert not accounts.HASHER.check_needs_rehash(user.password_hash)


def test_a_disabled_account_cannot_sign_in_and_its_tokens_stop(client, db_session):
    from models.access.tables import ApiToken, hash_token, new_token

    user, _ = accounts.create_user(db_session, username="gone", role="admin", password="right-password-1")
    token = new_token("admin")
    db_session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), label="own"))
    db_session.commit()
    assert accounts.verify(db_session, "gone", "right-password-1").ok
    assert client.get("/api/v1/workers", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    accounts.disable(db_session, user)
    db_session.commit()
    assert accounts.verify(db_session, "gone", "right-password-1").outcome == "disabled"
    assert client.get("/api/v1/workers", headers={"Authorization": f"Bearer {token}"}).status_code == 401


class TestUsersCommand:
    def test_create_with_a_password_from_stdin(self, runner, db_session):
        result = runner.invoke(args=["users", "create", "zhuozi.wang", "--role", "bureau", "--county", ZHUOZI,
                                     "--password-stdin"], input="stdin-password-1\n")
        assert result.exit_code == 0, result.output
        assert "stdin-password-1" not in result.output
        assert accounts.verify(db_session, "zhuozi.wang", "stdin-password-1").ok
        assert not accounts.get(db_session, "zhuozi.wang").password_must_change

    def test_create_prints_a_one_time_password(self, runner, db_session):
        result = runner.invoke(args=["users", "create", "root2", "--role", "admin"])
        assert result.exit_code == 0, result.output
        password = result.output.split("one-time password:")[1].strip()
        assert accounts.verify(db_session, "root2", password).ok
        assert accounts.get(db_session, "root2").password_must_change  # changed at the first sign-in

    def test_scope_is_checked_like_the_token_command(self, runner, tokens):
        result = runner.invoke(args=["users", "create", "nocounty", "--role", "bureau"])
        assert result.exit_code == 2 and "counties" in result.output
        result = runner.invoke(args=["users", "create", "badcounty", "--role", "bureau", "--county", "999999"])
        assert result.exit_code == 2 and "999999" in result.output
        result = runner.invoke(args=["users", "create", "noemp", "--role", "employer", "--employer", "999999"])
        assert result.exit_code == 2 and "employer" in result.output
        ok = runner.invoke(args=["users", "create", "emp", "--role", "employer",
                                 "--employer", str(tokens["_employer_id"])])
        assert ok.exit_code == 0, ok.output
        again = runner.invoke(args=["users", "create", "emp", "--role", "admin"])
        assert again.exit_code == 2 and "taken" in again.output

    def test_reset_password_and_disable(self, runner, db_session):
        runner.invoke(args=["users", "create", "clerk", "--role", "bureau", "--county", AOHAN, "--password-stdin"],
                      input="first-password-1\n")
        result = runner.invoke(args=["users", "reset-password", "clerk"])
        assert result.exit_code == 0, result.output
        new = result.output.split("one-time password:")[1].strip()
        assert accounts.verify(db_session, "clerk", new).ok
        assert not accounts.verify(db_session, "clerk", "first-password-1").ok
        db_session.commit()
        result = runner.invoke(args=["users", "disable", "clerk"])
        assert result.exit_code == 0, result.output
        db_session.expire_all()
        assert accounts.verify(db_session, "clerk", new).outcome == "disabled"
        missing = runner.invoke(args=["users", "disable", "nobody"])
        assert missing.exit_code == 2 and "No such user" in missing.output
        from models.access.tables import AuditEntry

        trail = db_session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "user")
                                   .order_by(AuditEntry.id)).all()
        assert trail == ["user.create", "user.reset_password", "user.disable"]


def test_make_run_demo_accounts_are_made_once_and_printed_with_the_console_url_first(runner, tokens, db_session):
    first = runner.invoke(args=["token", "demo", "--port", "8123"])
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    urls = [line for line in lines if "http://127.0.0.1:8123/" in line]
    assert "Console" in urls[0] and urls[0].strip().endswith("(sign in with a demo account below)")
    passwords = {}
    for line in lines:
        parts = line.split()
        if len(parts) == 3 and parts[1].startswith("demo-"):
            passwords[parts[1]] = parts[2]
    assert set(passwords) == {"demo-admin", "demo-bureau", "demo-employer", "demo-fair"}
    for username, password in passwords.items():
        assert accounts.verify(db_session, username, password).ok, username
        assert not accounts.get(db_session, username).password_must_change  # a demo: no change asked
    db_session.commit()
    assert accounts.get(db_session, "demo-employer").employer_id == tokens["_employer_id"]
    assert accounts.get(db_session, "demo-bureau").counties  # the demo world's counties
    second = runner.invoke(args=["token", "demo", "--port", "8123"])
    assert second.exit_code == 0, second.output
    assert "reset-password demo-admin" in second.output
    for password in passwords.values():
        assert password not in second.output
    db_session.expire_all()
    assert accounts.verify(db_session, "demo-admin", passwords["demo-admin"]).ok  # unchanged
