"""Kept downloads: a file made for one user from personal data, fetched from a stable URL.

The roster upload's fix-and-reupload workbook holds the refused rows as typed — ID numbers and
phones among them — so it is encrypted under the PII key (the row's identity as associated
data), only its maker can fetch it, and it lives no longer than needed: it expires after
``DOWNLOAD_KEEP_MINUTES`` (purged by the ``download_purge`` job and whenever the user makes a
file), the user's next file of the same kind replaces it, and signing out deletes the user's.
"""
from __future__ import annotations

import base64
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.access.pii import PiiVault
from models.access.tables import KeptDownload
from models.db.base import utcnow


def _context(row: KeptDownload) -> str:
    return f"download:{row.id}:{row.user_id}:{row.kind}"


def keep(session: Session, vault: PiiVault, *, user_id: int, kind: str, filename: str, body: bytes,
         minutes: int, now: datetime | None = None) -> KeptDownload:
    """Store ``body`` for ``user_id``, replacing the user's earlier file of this ``kind``."""
    now = now or utcnow()
    purge_expired(session, now=now)
    session.execute(delete(KeptDownload).where(KeptDownload.user_id == user_id, KeptDownload.kind == kind))
    row = KeptDownload(user_id=user_id, kind=kind, filename=filename, body_enc=b"", created_at=now,
                       expires_at=now + timedelta(minutes=minutes))
    session.add(row)
    session.flush()  # the id is part of the associated data
    row.body_enc = vault.encrypt(base64.b64encode(body).decode("ascii"), context=_context(row))
    session.flush()
    return row


def fetch(session: Session, vault: PiiVault, *, download_id: int, user_id: int, kind: str,
          now: datetime | None = None) -> tuple[str, bytes] | None:
    """(filename, body) of the user's own unexpired file; None for anyone else's, an expired
    one (deleted here) or an unknown id — the caller answers all of them alike."""
    row = session.get(KeptDownload, download_id)
    if row is None or row.user_id != user_id or row.kind != kind:
        return None
    if row.expires_at <= (now or utcnow()):
        session.delete(row)
        session.flush()
        return None
    return row.filename, base64.b64decode(vault.decrypt(row.body_enc, context=_context(row)))


def forget_user(session: Session, user_id: int) -> int:
    """Delete every file kept for the user (on sign-out)."""
    return session.execute(delete(KeptDownload).where(KeptDownload.user_id == user_id)).rowcount or 0


def purge_expired(session: Session, *, now: datetime | None = None) -> int:
    """Delete the expired files; returns how many."""
    expired = list(session.scalars(select(KeptDownload.id).where(KeptDownload.expires_at <= (now or utcnow()))))
    if expired:
        session.execute(delete(KeptDownload).where(KeptDownload.id.in_(expired)))
    return len(expired)
