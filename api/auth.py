"""Bearer tokens, roles and the scope each principal may touch.

The scope rules, each written once: an administrator sees everything; a bureau the records
of its counties; an employer its own. ``Principal`` answers them for one record (object-level
checks), ``scope_by_county``/``scope_by_employer``/``scope_by_party`` apply them to a query.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import g, request
from flask_smorest import abort
from sqlalchemy import ColumnElement, Select, false, or_, select

from api import db, throttle
from models.access.tables import ApiToken, AuditEntry, User, hash_token

F = TypeVar("F", bound=Callable[..., Any])
TOO_MANY_TOKEN_FAILURES = ("此地址的无效令牌过多，请稍后再试 / Too many invalid tokens from this address; "
                           "try again later")


@dataclass(frozen=True)
class Principal:
    user_id: int
    name: str
    role: str
    counties: frozenset[str] = field(default_factory=frozenset)
    employer_id: int | None = None
    fair_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def covers_county(self, county_code: str) -> bool:
        """May this principal see and edit workers of that county?"""
        return self.is_admin or (self.role == "bureau" and county_code in self.counties)

    @property
    def county_scope(self) -> frozenset[str] | None:
        """The counties a county-scoped service should cover; None means all (administrators)."""
        return None if self.is_admin else self.counties

    @property
    def employer_scope(self) -> int | None:
        """The employer an employer-scoped service should keep to; None means no such limit."""
        return self.employer_id if self.role == "employer" else None

    def sees_employer(self, employer_id: int | None) -> bool:
        """An employer sees only its own records; other roles are not limited by employer."""
        return self.role != "employer" or (employer_id is not None and employer_id == self.employer_id)

    def covers_party(self, county_code: str, employer_id: int | None) -> bool:
        """Applications and placements: an employer by its own employer, everyone else by county."""
        if self.role == "employer":
            return self.sees_employer(employer_id)
        return self.covers_county(county_code)

    def owns_employer(self, employer_id: int) -> bool:
        """May this principal act for that employer (post, edit)? Admins act for any."""
        return self.is_admin or (self.role == "employer" and self.employer_id == employer_id)

    def acting_employer(self, requested: int | None) -> int | None:
        """The employer a request acts for: the one it names, else the caller's own."""
        return requested or self.employer_id

    def in_fair(self, fair_id: int) -> bool:
        return self.is_admin or (self.role == "fair" and fair_id in self.fair_ids)


def authenticate() -> Principal:
    """The caller, from ``Authorization: Bearer …``; 401 when missing, unknown or revoked."""
    if "principal" in g:
        return g.principal
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401)
    if (wait := throttle.token_retry_after()) is not None:
        # Too many wrong tokens from this address: no token is looked at until the window ends.
        abort(429, message=TOO_MANY_TOKEN_FAILURES, headers={"Retry-After": str(wait)})
    row = db.session().scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token.strip()))
    )
    if row is None or row.revoked_at is not None or not row.user.active:
        reason = "unknown" if row is None else "revoked" if row.revoked_at is not None else "user_disabled"
        throttle.count_token_failure()
        # Never the token itself; the token's user when it is known (revoked, disabled).
        audit("auth.token_failed", "api_token", None if row is None else row.id, reason=reason,
              address=throttle.client_address(), token_user_id=None if row is None else row.user_id)
        abort(401)
    g.principal = principal_for(row.user)
    return g.principal


def principal_for(user: User) -> Principal:
    """The principal a user acts as: the same for a bearer token and a console session."""
    return Principal(
        user_id=user.id, name=user.name, role=user.role,
        counties=frozenset(user.counties or ()), employer_id=user.employer_id,
        fair_ids=frozenset(user.fair_ids or ()),
    )


def roles(*allowed: str) -> Callable[[F], F]:
    """Require a valid token whose role is one of ``allowed`` (403 otherwise)."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = authenticate()
            if principal.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper._jm_roles = allowed  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def current() -> Principal:
    return authenticate()


def scope_by_county(stmt: Select, column: Any, *, also: ColumnElement[bool] | None = None) -> Select:
    """Rows whose ``column`` is one of the caller's counties (all rows for an administrator);
    rows matching ``also`` stay visible too (e.g. policy templates, which have no county)."""
    principal = current()
    if principal.is_admin:
        return stmt
    mine = column.in_(sorted(principal.counties))
    return stmt.where(mine if also is None else or_(also, mine))


def scope_by_employer(stmt: Select, column: Any) -> Select:
    """An employer's rows only (``column`` is the employer id); other roles are not narrowed."""
    principal = current()
    if principal.role != "employer":
        return stmt
    return stmt.where(column == principal.employer_id if principal.employer_id is not None else false())


def scope_by_party(stmt: Select, *, county: Any, employer: Any) -> Select:
    """Applications and placements: an employer by ``employer``, everyone else by ``county``."""
    if current().role == "employer":
        return scope_by_employer(stmt, employer)
    return scope_by_county(stmt, county)


def audit(action: str, entity: str, entity_id: object | None = None, **detail: Any) -> None:
    """Append to the audit log in the request's transaction.

    The entry is also kept on the request: when the request is refused and its transaction
    rolled back, ``api.db`` writes it again in a transaction of its own, marked with the
    refusal's status — a refused upload of personal data still leaves its trace.
    """
    principal: Principal | None = g.get("principal")
    values = dict(
        user_id=principal.user_id if principal else None, action=action, entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        request_id=g.get("request_id"), detail=detail,
    )
    g.setdefault("audit_trail", []).append(values)
    db.session().add(AuditEntry(**values))
