"""Use cases on workers: register, update, look up by ID number, erase (PIPL Art. 47)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.reference import rules
from models.db.base import utcnow
from models.errors import Conflict
from models.access.pii import PiiVault
from models.reference.taxonomy import Occupation, Skill
from models.workers.tables import Worker

ID_CTX = "worker.id_number"
PHONE_CTX = "worker.phone"
PROFILE_FIELDS = (
    "name", "county_code", "township", "village", "poverty_status", "ethnicity", "languages",
    "education", "skills", "preferred_occupations", "destinations", "expected_monthly_wage",
    "needs_dormitory", "available_from", "status",
)


def id_index(vault: PiiVault, id_number: str) -> str:
    return vault.index(rules.normalize_id_number(id_number), context=ID_CTX)


def phone_index(vault: PiiVault, phone: str) -> str:
    return vault.index(rules.check_phone(phone), context=PHONE_CTX)


def find_by_id_number(session: Session, vault: PiiVault, id_number: str) -> Worker | None:
    return session.scalar(select(Worker).where(Worker.id_number_index == id_index(vault, id_number)))


def unknown_codes(session: Session, *, skills: Iterable[str] = (),
                  occupations: Iterable[str] = ()) -> dict[str, list[str]]:
    """Skill and occupation codes not in the reference tables, by kind."""
    out: dict[str, list[str]] = {}
    skills, occupations = set(skills), set(occupations)
    if skills:
        known = set(session.scalars(select(Skill.code).where(Skill.code.in_(skills))))
        if missing := sorted(skills - known):
            out["skills"] = missing
    if occupations:
        known = set(session.scalars(select(Occupation.code).where(Occupation.code.in_(occupations))))
        if missing := sorted(occupations - known):
            out["occupations"] = missing
    return out


def set_identity(worker: Worker, vault: PiiVault, id_number: str, *, today: date) -> None:
    number, birth, sex = rules.check_id_number(id_number, today=today)
    worker.id_number_enc = vault.encrypt(number, context=ID_CTX)
    worker.id_number_index = vault.index(number, context=ID_CTX)
    worker.birth_date, worker.sex = birth, sex


def set_phone(worker: Worker, vault: PiiVault, phone: str) -> None:
    phone = rules.check_phone(phone)
    worker.phone_enc = vault.encrypt(phone, context=PHONE_CTX)
    worker.phone_index = vault.index(phone, context=PHONE_CTX)


def build_worker(vault: PiiVault, data: dict[str, Any], *, today: date,
                 created_by: int | None = None) -> Worker:
    """A new, unsaved worker from validated fields (ID and phone encrypted)."""
    worker = Worker(created_by=created_by, **{k: data[k] for k in PROFILE_FIELDS if k in data})
    set_identity(worker, vault, data["id_number"], today=today)
    set_phone(worker, vault, data["phone"])
    return worker


def register_worker(*, session: Session, vault: PiiVault, data: dict[str, Any], today: date,
                    created_by: int | None = None) -> Worker:
    """Register a worker; ``Conflict`` naming the existing worker if the ID number is known."""
    existing = find_by_id_number(session, vault, data["id_number"])
    if existing is not None:
        raise Conflict("该身份证号已登记 / This ID number is already registered",
                       detail={"existing_worker_id": existing.id})
    worker = build_worker(vault, data, today=today, created_by=created_by)
    session.add(worker)
    session.flush()
    return worker


def update_worker(worker: Worker, vault: PiiVault, data: dict[str, Any]) -> None:
    for key in PROFILE_FIELDS:
        if key in data:
            setattr(worker, key, data[key])
    if "phone" in data:
        set_phone(worker, vault, data["phone"])


def reveal(worker: Worker, vault: PiiVault) -> tuple[str | None, str | None]:
    """Decrypted (ID number, phone); callers must audit the read."""
    id_number = vault.decrypt(worker.id_number_enc, context=ID_CTX) if worker.id_number_enc else None
    phone = vault.decrypt(worker.phone_enc, context=PHONE_CTX) if worker.phone_enc else None
    return id_number, phone


def erase_worker(worker: Worker) -> None:
    """Wipe personal fields on request; county, poverty status and placements stay for counts."""
    worker.name = "（已删除）"
    worker.id_number_enc = worker.id_number_index = None
    worker.phone_enc = worker.phone_index = None
    worker.birth_date = worker.sex = None
    worker.township = worker.village = worker.ethnicity = None
    worker.skills, worker.preferred_occupations = [], []
    worker.status = "inactive"
    worker.erased_at = utcnow()
