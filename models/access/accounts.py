"""Console accounts: usernames, argon2id passwords, the role's scope, sign-in with lockout.

One place for every account rule; the ``jingmeng users`` commands and the console's admin
pages both call these functions (never a second copy of a rule).

Passwords are hashed with argon2id (``argon2-cffi``'s ``PasswordHasher``, RFC 9106 low-memory
profile); a hash made with older parameters is replaced on the next successful sign-in.
A wrong password counts against the account; ``max_attempts`` wrong ones in a row lock it for
``lock_minutes`` (the right password is refused meanwhile).
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.access.tables import ROLES, ApiToken, User, hash_token, new_token
from models.db.base import utcnow
from models.errors import Conflict, NotFound, RuleViolation, RuleViolations

HASHER = PasswordHasher()
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD, MAX_PASSWORD = 10, 128
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))
"""Verified against when the username is unknown, so both cases take the same time."""


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def check_username(username: str) -> str:
    name = normalise_username(username)
    if not USERNAME.match(name):
        raise RuleViolation("用户名须为3至64位小写字母、数字或 . _ - / 3 to 64 lowercase letters, digits or . _ -",
                            field="username")
    return name


def check_password(password: str, field: str = "password") -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise RuleViolation(f"密码须为{MIN_PASSWORD}至{MAX_PASSWORD}个字符 / "
                            f"The password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters", field=field)
    if password.strip() != password or "\x00" in password:
        raise RuleViolation("密码首尾不能有空白，不能含空字符 / No leading or trailing spaces, no NUL", field=field)
    return password


READABLE = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
"""Letters and digits that cannot be mistaken for each other (no 0/O, 1/l/I) when a one-time
password is read out over the phone."""


def generate_password(length: int = 16) -> str:
    """A one-time password: 16 unambiguous letters and digits (about 92 random bits)."""
    return "".join(secrets.choice(READABLE) for _ in range(length))


def check_scope(session: Session, role: str, counties: Iterable[str] = (), employer_id: int | None = None,
                fair_ids: Iterable[int] = ()) -> tuple[list[str], int | None, list[int]]:
    """The role's scope, checked as ``jingmeng token create`` does; every wrong field reported."""
    from models.employers.tables import Employer
    from models.reference.regions import Region

    counties, fair_ids = sorted(set(counties)), sorted(set(fair_ids))
    errors: dict[str, list[str]] = {}
    if role not in ROLES:
        errors["role"] = [f"角色须为 {'、'.join(ROLES)} 之一 / The role must be one of {', '.join(ROLES)}"]
    if role == "bureau":
        if not counties:
            errors["counties"] = ["就业局用户须至少有一个旗县 / A bureau user needs at least one county"]
        else:
            known = set(session.scalars(select(Region.code).where(Region.code.in_(counties))))
            if missing := [c for c in counties if c not in known]:
                errors["counties"] = [f"未知的旗县代码 / Unknown county code: {', '.join(missing)}"]
    elif counties:
        errors["counties"] = ["只有就业局用户有旗县范围 / Only bureau users have counties"]
    if role == "employer":
        if employer_id is None or session.get(Employer, employer_id) is None:
            errors["employer_id"] = ["用人单位用户须指定已有的用人单位 / An employer user needs an existing employer"]
    elif employer_id is not None:
        errors["employer_id"] = ["只有用人单位用户属于用人单位 / Only employer users belong to an employer"]
    if role == "fair":
        if missing := sorted(set(fair_ids) - _existing_fairs(session, fair_ids)):
            errors["fair_ids"] = [f"未知的招聘会 / Unknown fair id: {', '.join(map(str, missing))}"]
    elif fair_ids:
        errors["fair_ids"] = ["只有招聘会用户有招聘会范围 / Only fair users have fairs"]
    if errors:
        raise RuleViolations(errors)
    return counties, employer_id, fair_ids


def _existing_fairs(session: Session, fair_ids: list[int]) -> set[int]:
    from models.fairs.tables import Fair

    return set(session.scalars(select(Fair.id).where(Fair.id.in_(fair_ids)))) if fair_ids else set()


def find(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalise_username(username)))


def get(session: Session, username: str) -> User:
    user = find(session, username)
    if user is None:
        raise NotFound(f"没有用户 / No such user: {normalise_username(username)}", field="username")
    return user


def create_user(session: Session, *, username: str, role: str, name: str | None = None,
                counties: Iterable[str] = (), employer_id: int | None = None, fair_ids: Iterable[int] = (),
                password: str | None = None, must_change: bool | None = None) -> tuple[User, str]:
    """A new account; returns it with its password (the given one, or a generated one-time one
    that must be changed at the first sign-in unless ``must_change=False``)."""
    errors: dict[str, list[str]] = {}
    try:
        username = check_username(username)
    except RuleViolation as exc:
        errors.update(exc.field_messages())
    if password is not None:
        try:
            check_password(password)
        except RuleViolation as exc:
            errors.update(exc.field_messages())
    display = (name or "").strip() or normalise_username(username)
    if len(display) > 64:
        errors["name"] = ["姓名最多64个字符 / At most 64 characters"]
    try:
        counties, employer_id, fair_ids = check_scope(session, role, counties, employer_id, fair_ids)
    except RuleViolations as exc:
        errors.update(exc.errors)
    if errors:
        raise RuleViolations(errors)
    if find(session, username) is not None:
        raise Conflict(f"用户名已被使用 / The username is taken: {username}", field="username")
    secret = password if password is not None else generate_password()
    user = User(username=username, name=display, role=role, counties=counties, employer_id=employer_id,
                fair_ids=fair_ids, active=True, failed_logins=0)
    _store_password(user, secret)
    user.password_must_change = password is None if must_change is None else must_change
    session.add(user)
    session.flush()
    return user, secret


def _store_password(user: User, password: str, now: datetime | None = None) -> None:
    user.password_hash = HASHER.hash(password)
    user.password_changed_at = now or utcnow()
    user.failed_logins = 0
    user.locked_until = None


def set_password(session: Session, user: User, password: str | None = None) -> str:
    """Replace the password (a generated one-time one when ``None``, to be changed at the next
    sign-in); every console session of the user ends (they carry the password's change time).
    Returns the new password."""
    secret = check_password(password) if password is not None else generate_password()
    _store_password(user, secret)
    user.password_must_change = password is None
    session.flush()
    return secret


def change_own_password(session: Session, user: User, current: str, new: str, repeated: str) -> None:
    """The signed-in user replaces their password (knowing the current one)."""
    errors: dict[str, list[str]] = {}
    if not _matches(user.password_hash or _DUMMY_HASH, current or ""):
        errors["current_password"] = ["当前密码不正确 / The current password is wrong"]
    try:
        check_password(new, field="new_password")
    except RuleViolation as exc:
        errors.update(exc.field_messages())
    if "new_password" not in errors and new == current:
        errors["new_password"] = ["新密码须与当前密码不同 / Choose a password different from the current one"]
    if new != repeated:
        errors["repeat_password"] = ["两次输入的新密码不一致 / The two new passwords differ"]
    if errors:
        raise RuleViolations(errors)
    _store_password(user, new)
    user.password_must_change = False
    session.flush()


def by_id(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.username is None:
        raise NotFound("没有此用户 / No such user")
    return user


def accounts_list(session: Session) -> list[User]:
    """Every console account (token-only users have no username), by username."""
    return list(session.scalars(select(User).where(User.username.is_not(None)).order_by(User.username)))


def end_sessions(session: Session, user: User) -> None:
    """Every console session of the user ends (each browser, each copy of the cookie)."""
    user.sessions_revoked_at = utcnow()
    session.flush()


def disable(session: Session, user: User, *, by_user_id: int | None = None) -> None:
    """No more sign-in, and its API tokens stop working (``api.auth`` checks ``active``).
    An administrator cannot disable their own account (someone must be left to undo it)."""
    if by_user_id is not None and by_user_id == user.id:
        raise RuleViolation("不能停用自己的账户 / You cannot disable your own account")
    user.active = False
    session.flush()


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt came to: ``ok``, ``wrong`` (password or username), ``locked``
    (refused: the account is locked), ``locked_now`` (this wrong password locked it) or
    ``disabled``. ``user`` is None only for an unknown username."""

    outcome: str
    user: User | None = None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def verify(session: Session, username: str, password: str, *, max_attempts: int = 5,
           lock_minutes: int = 15, now: datetime | None = None) -> SignIn:
    """Check a password, counting failures and locking the account after ``max_attempts``."""
    now = now or utcnow()
    user = find(session, username)
    if user is None or not user.password_hash:
        _matches(_DUMMY_HASH, password)
        return SignIn("wrong")
    if not user.active:
        _matches(_DUMMY_HASH, password)
        return SignIn("disabled", user)
    if user.locked_until is not None and user.locked_until > now:
        return SignIn("locked", user, user.locked_until)
    if not _matches(user.password_hash, password):
        # Counted in the database (not read-modify-write), so parallel guesses all count.
        session.execute(User.__table__.update().where(User.id == user.id)
                        .values(failed_logins=func.coalesce(User.failed_logins, 0) + 1))
        session.refresh(user, ["failed_logins"])
        if user.failed_logins >= max_attempts:
            user.failed_logins = 0
            user.locked_until = now + timedelta(minutes=lock_minutes)
            session.flush()
            return SignIn("locked_now", user, user.locked_until)
        return SignIn("wrong", user)
    user.failed_logins = 0
    user.locked_until = None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    session.flush()
    return SignIn("ok", user)


def _matches(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


# --- a signed-in user's own API tokens ------------------------------------------------------

MAX_OWN_TOKENS = 20


def own_tokens(session: Session, user_id: int) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (they show when they stopped)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)
                                .order_by(ApiToken.id.desc())))


def issue_token(session: Session, user: User, label: str) -> tuple[ApiToken, str]:
    """A new bearer token for ``user`` (same role and scope); the token itself is returned once
    and stored only as its hash."""
    label = (label or "").strip()
    if not 1 <= len(label) <= 64 or any(ord(ch) < 32 for ch in label):
        raise RuleViolation("用途说明须为1至64个字符的一行文字 / A one-line label of 1 to 64 characters", field="label")
    active = session.scalar(select(func.count()).select_from(ApiToken)
                            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    if active >= MAX_OWN_TOKENS:
        raise RuleViolation(f"最多{MAX_OWN_TOKENS}个有效令牌，请先撤销不用的 / At most {MAX_OWN_TOKENS} active tokens; "
                            "revoke one first", field="label")
    token = new_token(user.role)
    row = ApiToken(user_id=user.id, token_hash=hash_token(token), label=label)
    session.add(row)
    session.flush()
    return row, token


def revoke_token(session: Session, user_id: int, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (another user's is "not found")."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id:
        raise NotFound("没有此令牌 / No such token")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row
