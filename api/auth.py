"""Bearer tokens, roles and the scope each principal may touch (object-level checks)."""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import g, request
from flask_smorest import abort
from sqlalchemy import select

from api import db
from models.access.tables import ApiToken, AuditEntry, hash_token

F = TypeVar("F", bound=Callable[..., Any])


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
    row = db.session().scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token.strip()))
    )
    if row is None or row.revoked_at is not None or not row.user.active:
        abort(401)
    user = row.user
    g.principal = Principal(
        user_id=user.id, name=user.name, role=user.role,
        counties=frozenset(user.counties or ()), employer_id=user.employer_id,
        fair_ids=frozenset(user.fair_ids or ()),
    )
    return g.principal


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


def audit(action: str, entity: str, entity_id: object | None = None, **detail: Any) -> None:
    """Append to the audit log in the request's transaction."""
    principal: Principal | None = g.get("principal")
    db.session().add(AuditEntry(
        user_id=principal.user_id if principal else None, action=action, entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        request_id=g.get("request_id"), detail=detail,
    ))
