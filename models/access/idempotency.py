"""Idempotency records: what a retried POST needs to be replayed, and nothing kept longer.

A kept response can carry personal data (a registered worker's phone, an attendee's name), so
the body is encrypted under the PII key with the record's identity as associated data, the row
expires after ``IDEMPOTENCY_TTL_HOURS`` (the ``idempotency_purge`` job) and it is deleted at
once when a worker it mentions is erased.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.access.pii import PiiVault
from models.access.tables import IdempotencyRecord, IdempotencySubject
from models.db.base import utcnow

CLAIMED = 0
"""``status_code`` of a record whose first request is still running (rolled back if it fails)."""
_WORKER_PATH = re.compile(r"/workers/(\d+)(?:/|$)")


@dataclass(frozen=True)
class Replay:
    method_path: str
    body_hash: str
    status_code: int
    body: str
    headers: dict[str, str]


def _context(record: IdempotencyRecord) -> str:
    return f"idempotency:{record.user_id}:{record.key}"


def find(session: Session, vault: PiiVault, *, user_id: int, key: str, ttl_hours: int) -> Replay | None:
    """The first response under ``key`` for this user, decrypted; None if unknown or expired
    (an expired record is deleted here, so the key starts afresh)."""
    record = session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key))
    if record is None:
        return None
    if record.created_at < utcnow() - timedelta(hours=ttl_hours):
        _delete(session, [record.id])
        return None
    body = vault.decrypt(record.response_enc, context=_context(record)) if record.response_enc else ""
    return Replay(record.method_path, record.body_hash, record.status_code, body, dict(record.headers or {}))


def claim(session: Session, *, user_id: int, key: str, method_path: str, body_hash: str) -> IdempotencyRecord:
    """Insert the key before the work is done and flush, so a concurrent request with the same
    key waits on the unique index and then replays this one (IntegrityError raised to it)."""
    record = IdempotencyRecord(user_id=user_id, key=key, method_path=method_path, body_hash=body_hash,
                               status_code=CLAIMED, response_enc=None, headers={})
    session.add(record)
    session.flush()
    return record


def complete(session: Session, vault: PiiVault, record: IdempotencyRecord, *, status_code: int, body: str,
             headers: dict[str, str], path: str) -> None:
    """Keep the response (encrypted) and the workers it mentions."""
    record.status_code = status_code
    record.response_enc = vault.encrypt(body, context=_context(record))
    record.headers = headers
    subjects = set(mentioned_workers(body, path=path, location=headers.get("Location")))
    session.add_all(IdempotencySubject(record_id=record.id, worker_id=w) for w in sorted(subjects))


def mentioned_workers(body: str, *, path: str, location: str | None) -> Iterator[int]:
    """Worker ids a response is about: its path or Location under ``/workers/<id>``, and every
    ``worker_id`` in the JSON body (attendees, applications, placements, claims)."""
    for where in (path, location or ""):
        match = _WORKER_PATH.search(where)
        if match:
            yield int(match.group(1))
    try:
        data = json.loads(body) if body else None
    except ValueError:
        return
    is_worker = bool(location and re.search(r"/workers/\d+$", location)) or bool(re.search(r"/workers/?$", path))
    if is_worker and isinstance(data, dict) and isinstance(data.get("id"), int):
        yield data["id"]
    stack: list[Any] = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for name, value in node.items():
                if name == "worker_id" and isinstance(value, int):
                    yield value
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))


def forget_worker(session: Session, worker_id: int) -> int:
    """Delete every kept response that mentions the worker (on erasure); returns how many."""
    ids = session.scalars(select(IdempotencySubject.record_id).where(IdempotencySubject.worker_id == worker_id)).all()
    return _delete(session, list(ids))


def purge_expired(session: Session, *, ttl_hours: int, now: datetime | None = None) -> int:
    """Delete records older than the TTL; returns how many."""
    cutoff = (now or utcnow()) - timedelta(hours=ttl_hours)
    ids = session.scalars(select(IdempotencyRecord.id).where(IdempotencyRecord.created_at < cutoff)).all()
    return _delete(session, list(ids))


def _delete(session: Session, ids: list[int]) -> int:
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        session.execute(delete(IdempotencySubject).where(IdempotencySubject.record_id.in_(chunk)))
        session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id.in_(chunk)))
    return len(ids)
