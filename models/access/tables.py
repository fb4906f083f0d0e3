"""Users, their API tokens (stored hashed) and the append-only audit log."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.db.base import Base, UTCDateTime, utcnow

ROLES = ("admin", "bureau", "employer", "fair")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(12))
    counties: Mapped[list[str]] = mapped_column(JSON, default=list)
    """County codes a bureau user acts for."""
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    fair_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Console accounts (issue 13); a token-only user (machines, scripts) has no username.
    username: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    """argon2id (``models.access.accounts``); never the password itself."""
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Also signs every console session out when the password changes."""
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Wrong passwords since the last successful sign-in or lockout."""
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_must_change: Mapped[bool] = mapped_column(default=False, server_default=false())
    """A one-time password (generated, or reset by an administrator) is changed at first sign-in."""
    sessions_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Console sessions begun before this are over (sign-out ends every copy of the cookie)."""


def hash_token(token: str) -> str:
    """Tokens carry 256 random bits, so an unkeyed SHA-256 cannot be brute-forced."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(role: str) -> str:
    return f"jm_{role}_{secrets.token_urlsafe(32)}"


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class AuditEntry(Base):
    """Append-only: database triggers refuse UPDATE and DELETE (see the migration)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(48), index=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class IdempotencyRecord(Base):
    """The first response to a POST with an ``Idempotency-Key``, replayed on retries.

    The body is encrypted (it may hold a worker's phone), the row expires after
    ``IDEMPOTENCY_TTL_HOURS`` and is deleted when a worker it mentions is erased
    (``idempotency_subjects``). ``status_code`` 0 marks a claim whose request is still running.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(128))
    method_path: Mapped[str] = mapped_column(String(256))
    body_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class IdempotencySubject(Base):
    """A worker whose data a kept response carries: erasing the worker deletes the response."""

    __tablename__ = "idempotency_subjects"

    record_id: Mapped[int] = mapped_column(ForeignKey("idempotency_keys.id", ondelete="CASCADE"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)


class KeptDownload(Base):
    """A file made for one user from personal data (a roster's rows to fix and re-upload),
    kept briefly so that it downloads from a stable URL: encrypted, readable by that user only,
    deleted when it expires, when the user makes the next one of its kind or signs out."""

    __tablename__ = "kept_downloads"
    __table_args__ = {"sqlite_autoincrement": True}  # a replaced file's number is never reused

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
