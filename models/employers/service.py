"""Use cases on employers (用人单位): register by USCC, edit, find the ones a request names.

The contact phone is stored encrypted (PII vault, context ``employer.contact_phone``).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access.pii import PiiVault
from models.employers.tables import Employer
from models.errors import Conflict, RuleViolation
from models.employers.rules import check_contact_phone, normalize_uscc

PHONE_CTX = "employer.contact_phone"
EDITABLE = ("name", "district_code", "industry", "contact_name", "verified")
NO_SUCH_EMPLOYER = "用人单位不存在 / No such employer"


def existing_ids(session: Session, employer_ids: Iterable[int]) -> set[int]:
    """Which of ``employer_ids`` are registered (one query, for a whole roster)."""
    ids = set(employer_ids)
    if not ids:
        return set()
    return set(session.scalars(select(Employer.id).where(Employer.id.in_(ids))))


def require_employer(*, session: Session, employer_id: int, field: str = "employer_id") -> Employer:
    """The employer a request names; a ``RuleViolation`` on ``field`` when there is none."""
    employer = session.get(Employer, employer_id)
    if employer is None:
        raise RuleViolation(NO_SUCH_EMPLOYER, field=field)
    return employer


def contact_phone(employer: Employer, vault: PiiVault) -> str | None:
    """The decrypted contact phone; callers mask it for anyone but the employer itself."""
    return vault.decrypt(employer.contact_phone_enc, context=PHONE_CTX) if employer.contact_phone_enc else None


def apply_changes(employer: Employer, vault: PiiVault, data: dict[str, Any]) -> None:
    for key in EDITABLE:
        if key in data:
            setattr(employer, key, data[key])
    if "contact_phone" in data:
        employer.contact_phone_enc = vault.encrypt(check_contact_phone(data["contact_phone"]), context=PHONE_CTX)


def register_employer(*, session: Session, vault: PiiVault, data: dict[str, Any]) -> Employer:
    """Register an employer; ``Conflict`` when its USCC (统一社会信用代码) is already registered."""
    code = normalize_uscc(data["uscc"])
    if session.scalar(select(Employer.id).where(Employer.uscc == code)) is not None:
        raise Conflict("该统一社会信用代码已登记 / This USCC is already registered")
    employer = Employer(uscc=code)
    apply_changes(employer, vault, data)
    session.add(employer)
    session.flush()
    return employer


def update_employer(*, session: Session, vault: PiiVault, employer: Employer, data: dict[str, Any]) -> None:
    apply_changes(employer, vault, data)
    session.flush()
