"""Use cases on workers: register, update, look up by ID number, correct a mistyped ID number,
erase (PIPL Art. 47)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from models.workers import rules
from models.db.base import utcnow
from models.errors import Conflict, RuleViolation, RuleViolations
from models.access import idempotency
from models.access.pii import PiiVault, mask_id_number
from models.reference import service as reference_service
from models.reference.taxonomy import Occupation, Skill
from models.workers.tables import Worker

ID_CTX = "worker.id_number"
PHONE_CTX = "worker.phone"
PROFILE_FIELDS = (
    "name", "county_code", "township", "village", "poverty_status", "ethnicity", "languages",
    "education", "skills", "preferred_occupations", "work_experience", "destinations",
    "expected_monthly_wage", "needs_dormitory", "available_from", "status", "training_wish",
    "training_wish_text", "remark",
)


MATCHING_FIELDS = ("phone", "poverty_status", "education", "destinations", "expected_monthly_wage")
"""What a profile needs before the worker is ranked, recommended or referred (完善信息): a way
to reach her, her household status (priority and subsidies), education (postings' minimum),
where she would go and the wage she expects. A roster often lacks the last two."""
TAIL_LENGTHS = (4, 5, 6)
TAIL_CTX = "worker.id_tail{n}"


def id_index(vault: PiiVault, id_number: str) -> str:
    return vault.index(rules.normalize_id_number(id_number), context=ID_CTX)


def phone_index(vault: PiiVault, phone: str) -> str:
    return vault.index(rules.check_phone(phone), context=PHONE_CTX)


def find_by_id_number(*, session: Session, vault: PiiVault, id_number: str) -> Worker | None:
    return session.scalar(select(Worker).where(Worker.id_number_index == id_index(vault, id_number)))


def find_registered(*, session: Session, vault: PiiVault, id_number: str, today: date,
                    field: str = "id_number") -> Worker:
    """The registered worker with this ID number; ``RuleViolation`` on ``field`` when the number is
    invalid or not registered (a fair checks attendees in by ID number)."""
    try:
        rules.check_id_number(id_number, today=today)
    except RuleViolation as exc:
        raise RuleViolation(str(exc), field=field) from None
    worker = find_by_id_number(session=session, vault=vault, id_number=id_number)
    if worker is None:
        raise not_registered(field)
    return worker


def not_registered(field: str = "id_number") -> RuleViolation:
    """The one answer for an ID number that is not registered *where the caller may look*: a
    fair gives it for workers of other counties too, so it reveals nothing about them."""
    return RuleViolation("该身份证号未登记，请在 worker 中提交完整登记信息 / Not registered: send the full "
                         "registration in `worker`", field=field)


def refresh_from_walk_in(*, session: Session, vault: PiiVault, worker: Worker,
                         data: dict[str, Any]) -> tuple[bool, list[str]]:
    """A registered person registers again at a fair desk: the phone they give now replaces the
    stored one (it is how they are reached); other fields that differ are returned, not applied
    — the bureau reviews them. Returns (phone updated, differing field names)."""
    _, phone = reveal(worker, vault)
    phone_updated = False
    if data.get("phone") and rules.check_phone(data["phone"]) != phone:
        set_phone(worker, vault, data["phone"])
        phone_updated = True
    differing = sorted(k for k in PROFILE_FIELDS if k in data and data[k] != getattr(worker, k))
    session.flush()
    return phone_updated, differing


def unknown_codes(*, session: Session, skills: Iterable[str] = (),
                  occupations: Iterable[str] = ()) -> dict[str, Any]:
    """Skill and occupation codes not in the reference tables, by kind (lists of codes), and
    under ``broad_occupations`` the group codes (大类/中类/小类) too broad to match, each with
    its message."""
    out: dict[str, Any] = {}
    skills, occupations = set(skills), set(occupations)
    if skills:
        known = set(session.scalars(select(Skill.code).where(Skill.code.in_(skills))))
        if missing := sorted(skills - known):
            out["skills"] = missing
    if occupations:
        known = set(session.scalars(select(Occupation.code).where(Occupation.code.in_(occupations))))
        if missing := sorted(occupations - known):
            out["occupations"] = missing
        if broad := reference_service.too_broad(session=session, codes=known):
            out["broad_occupations"] = broad
    return out


def code_errors(data: Mapping[str, Any], unknown: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Field messages for the skill and occupation codes of one worker's ``data`` that are in
    ``unknown`` (from ``unknown_codes``, which a roster import runs once for all its rows)."""
    errors: dict[str, list[str]] = {}
    if bad := sorted(set(unknown.get("skills", ())) & {s["code"] for s in data.get("skills", [])}):
        errors["skills"] = [f"未知技能代码 / Unknown skill code: {', '.join(bad)}"]
    if bad := sorted(set(unknown.get("occupations", ())) & set(data.get("preferred_occupations", []))):
        errors["preferred_occupations"] = [f"未知职业代码 / Unknown occupation code: {', '.join(bad)}"]
    broad = unknown.get("broad_occupations", {})
    if groups := sorted(set(broad) & set(data.get("preferred_occupations", []))):
        errors.setdefault("preferred_occupations", []).extend(broad[code] for code in groups)
    if bad := sorted(set(unknown.get("occupations", ())) & set(experience_occupations(data))):
        errors["work_experience"] = [f"未知职业代码 / Unknown occupation code: {', '.join(bad)}"]
    return errors


def experience_occupations(data: Mapping[str, Any]) -> list[str]:
    """Occupation codes of the declared work experience in ``data``."""
    return [e["occupation_code"] for e in data.get("work_experience") or []]


def check_codes(*, session: Session, data: Mapping[str, Any], under: str | None = None) -> None:
    """``RuleViolations`` for unknown skill or occupation codes; ``under`` names where the worker's
    fields sit in the request (``worker`` for a walk-in registered at a fair)."""
    unknown = unknown_codes(session=session, skills=[s["code"] for s in data.get("skills", [])],
                            occupations=[*data.get("preferred_occupations", []), *experience_occupations(data)])
    if errors := code_errors(data, unknown):
        raise RuleViolations({f"{under}.{field}" if under else field: messages
                              for field, messages in errors.items()})


def tail_indexes(vault: PiiVault, id_number: str) -> dict[str, str]:
    """Keyed digests of the last 4, 5 and 6 characters (``id_tail{n}_index``): a clerk finds
    张三 by the 4 digits she reads off his card, and no plaintext tail is stored. Each length
    has its own context, so equal digests never link a 4-character tail to a 6-character one."""
    number = rules.normalize_id_number(id_number)
    return {f"id_tail{n}_index": vault.index(number[-n:], context=TAIL_CTX.format(n=n)) for n in TAIL_LENGTHS}


def set_identity(worker: Worker, vault: PiiVault, id_number: str, *, today: date) -> None:
    number, birth, sex = rules.check_id_number(id_number, today=today)
    worker.id_number_enc = vault.encrypt(number, context=ID_CTX)
    worker.id_number_index = vault.index(number, context=ID_CTX)
    for column, digest in tail_indexes(vault, number).items():
        setattr(worker, column, digest)
    worker.birth_date, worker.sex = birth, sex


def missing_profile_fields(worker: Worker) -> list[str]:
    """The ``MATCHING_FIELDS`` a worker still lacks, in that order."""
    present = {"phone": worker.phone_enc is not None, "poverty_status": worker.poverty_status is not None,
               "education": worker.education is not None, "destinations": bool(worker.destinations),
               "expected_monthly_wage": worker.expected_monthly_wage is not None}
    return [f for f in MATCHING_FIELDS if not present[f]]


def refresh_completeness(worker: Worker) -> None:
    """Set ``profile_complete`` and ``missing_fields`` from the profile (after every change)."""
    worker.missing_fields = missing_profile_fields(worker)
    worker.profile_complete = not worker.missing_fields


def reindex_tails(*, session: Session, vault: PiiVault, batch: int = 1000) -> int:
    """Recompute every held ID number's tail indexes (``jingmeng workers reindex``): for rows
    migrated without the key, or after the index key changed. Returns the workers indexed."""
    done, last = 0, 0
    while True:
        workers = session.scalars(select(Worker).where(Worker.id > last, Worker.id_number_enc.is_not(None))
                                  .order_by(Worker.id).limit(batch)).all()
        if not workers:
            return done
        for worker in workers:
            number = vault.decrypt(worker.id_number_enc, context=ID_CTX)  # type: ignore[arg-type]
            for column, digest in tail_indexes(vault, number).items():
                setattr(worker, column, digest)
        session.flush()
        done, last = done + len(workers), workers[-1].id


def set_phone(worker: Worker, vault: PiiVault, phone: str) -> None:
    phone = rules.check_phone(phone)
    worker.phone_enc = vault.encrypt(phone, context=PHONE_CTX)
    worker.phone_index = vault.index(phone, context=PHONE_CTX)


def build_worker(vault: PiiVault, data: dict[str, Any], *, today: date,
                 created_by: int | None = None) -> Worker:
    """A new, unsaved worker from validated fields (ID and phone encrypted)."""
    worker = Worker(created_by=created_by, **{k: data[k] for k in PROFILE_FIELDS if k in data})
    worker.destinations = data.get("destinations", [])
    set_identity(worker, vault, data["id_number"], today=today)
    if data.get("phone"):
        set_phone(worker, vault, data["phone"])
    refresh_completeness(worker)
    return worker


def register_worker(*, session: Session, vault: PiiVault, data: dict[str, Any], today: date,
                    created_by: int | None = None, under: str | None = None) -> Worker:
    """Register a worker: codes must exist (``check_codes``, fields ``under`` a prefix if given);
    ``Conflict`` naming the existing worker if the ID number is known."""
    check_codes(session=session, data=data, under=under)
    existing = find_by_id_number(session=session, vault=vault, id_number=data["id_number"])
    if existing is not None:
        raise Conflict("该身份证号已登记 / This ID number is already registered",
                       detail={"existing_worker_id": existing.id})
    worker = build_worker(vault, data, today=today, created_by=created_by)
    session.add(worker)
    session.flush()
    return worker


def update_worker(*, session: Session, vault: PiiVault, worker: Worker, data: dict[str, Any]) -> None:
    """Edit a worker's profile; an erased worker (PIPL Art. 47) is a ``Conflict``."""
    if worker.erased_at is not None:
        raise Conflict("该记录已删除个人信息 / This worker's personal data was erased")
    check_codes(session=session, data=data)
    apply_profile(worker, vault, data)
    session.flush()


def apply_profile(worker: Worker, vault: PiiVault, data: dict[str, Any]) -> None:
    """Set profile fields and the phone from checked data (the roster import checks codes in bulk)."""
    for key in PROFILE_FIELDS:
        if key in data:
            setattr(worker, key, data[key])
    if data.get("phone"):
        set_phone(worker, vault, data["phone"])
    refresh_completeness(worker)


def reveal(worker: Worker, vault: PiiVault) -> tuple[str | None, str | None]:
    """Decrypted (ID number, phone); callers must audit the read."""
    id_number = vault.decrypt(worker.id_number_enc, context=ID_CTX) if worker.id_number_enc else None
    phone = vault.decrypt(worker.phone_enc, context=PHONE_CTX) if worker.phone_enc else None
    return id_number, phone


@dataclass(frozen=True)
class IdNumberCorrection:
    """What a correction changed, for the audit row and the answer (masked, never in clear)."""

    previous_masked: str | None
    masked: str
    birth_date_changed: bool
    sex_changed: bool


def correct_id_number(*, session: Session, vault: PiiVault, worker: Worker, id_number: str, today: date,
                      reason: str) -> IdNumberCorrection:
    """Replace a mistyped ID number: checked as at registration (check character, birth date,
    region code, working age), deduplicated through the keyed index (``Conflict`` naming the
    worker who holds it), then the encrypted number, its index, the tail indexes, birth date and
    sex are all replaced — the old digest no longer finds anyone. The caller audits ``reason``."""
    if worker.erased_at is not None:
        raise Conflict("该记录已删除个人信息 / This worker's personal data was erased")
    if not reason or not reason.strip():
        raise RuleViolation("请说明更正原因 / Give the reason for the correction", field="reason")
    try:
        number, birth, _sex = rules.check_id_number(id_number, today=today)
        rules.check_working_age(birth, today=today)
    except RuleViolation as exc:
        raise RuleViolation(str(exc), field="id_number") from None
    previous, _phone = reveal(worker, vault)
    if previous == number:
        raise RuleViolation("与已登记的身份证号相同 / This is the number already registered", field="id_number")
    holder = find_by_id_number(session=session, vault=vault, id_number=number)
    if holder is not None and holder.id != worker.id:
        raise Conflict("该身份证号已由另一名劳动力登记 / Another worker is registered with this ID number",
                       detail={"existing_worker_id": holder.id})
    old_birth, old_sex = worker.birth_date, worker.sex
    set_identity(worker, vault, number, today=today)
    refresh_completeness(worker)
    session.flush()  # the unique index on id_number_index settles a concurrent correction
    return IdNumberCorrection(mask_id_number(previous) if previous else None, mask_id_number(number),
                              worker.birth_date != old_birth, worker.sex != old_sex)


def erase_worker(*, session: Session, worker: Worker) -> None:
    """Wipe personal fields on request; county, poverty status and placements stay for counts."""
    worker.name = "（已删除）"
    worker.id_number_enc = worker.id_number_index = None
    worker.id_tail4_index = worker.id_tail5_index = worker.id_tail6_index = None
    worker.phone_enc = worker.phone_index = None
    worker.birth_date = worker.sex = None
    worker.township = worker.village = worker.ethnicity = None
    worker.training_wish = worker.training_wish_text = worker.remark = None  # free text may name anyone
    worker.skills, worker.preferred_occupations, worker.work_experience = [], [], []
    worker.status = "inactive"
    worker.erased_at = utcnow()
    idempotency.forget_worker(session, worker.id)  # kept responses may carry the phone
    session.flush()


def search_condition(vault: PiiVault, q: str) -> ColumnElement[bool]:
    """What a clerk's search box means (``?q=``): a full ID number or a mobile number is looked
    up through its keyed index (never a plaintext comparison); the last 4–6 characters of an ID
    number (digits, a final X) through the keyed tail indexes — the caller scopes the result to
    her counties; anything else is a name, matched exactly or by its beginning — a clerk types
    王 or 王秀 to find 王秀兰."""
    text_ = q.strip()
    number = rules.normalize_id_number(text_)
    if len(number) == 18 and number[:17].isdigit():
        return Worker.id_number_index == id_index(vault, number)
    if len(number) in TAIL_LENGTHS and number[:-1].isdigit() and (number[-1].isdigit() or number[-1] == "X"):
        column = getattr(Worker, f"id_tail{len(number)}_index")
        return column == vault.index(number, context=TAIL_CTX.format(n=len(number)))
    try:
        return Worker.phone_index == phone_index(vault, text_)
    except RuleViolation:
        pass
    escaped = text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(Worker.name == text_, Worker.name.like(f"{escaped}%", escape="\\"))
