"""Use cases on postings: check, create, edit headcount, close, expire, take and free openings.

The Beijing minimum wage (北京最低工资标准) is a policy figure from the configuration; callers
pass it in (``minimum_wage=``) so this module never reads settings itself.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.db.base import utcnow
from models.errors import Conflict, RuleViolation, RuleViolations
from models.postings.tables import Posting
from models.workers.service import unknown_codes

EDITABLE = (
    "title", "description", "address", "wage_min", "wage_max", "provides_dormitory",
    "provides_meals", "social_insurance", "age_min", "age_max", "education_min",
    "required_skills", "preferred_skills", "languages", "contract_months", "start_date",
    "expires_on",
)


BEIJING_PREFIX = "11"
"""GB/T 2260 codes of Beijing's districts start with 11."""


def minimum_wage_error(workplace_code: str, monthly_wage: int, *, minimum_wage: int) -> str | None:
    """The message when a job in Beijing pays below the minimum wage (yuan a month), else None.

    One rule for postings (their ``wage_min``) and placements (the agreed ``monthly_wage``).
    """
    if workplace_code.startswith(BEIJING_PREFIX) and monthly_wage < minimum_wage:
        return (f"北京月工资不得低于最低工资标准{minimum_wage}元 / Beijing wages must be at least the minimum "
                f"wage of {minimum_wage} yuan")
    return None


def content_errors(*, session: Session, data: dict[str, Any], minimum_wage: int) -> dict[str, list[str]]:
    """Field messages for a posting's content: reference codes exist, Beijing pays the minimum wage.

    Returned rather than raised so the roster import can report them row by row.
    """
    skills = [s["code"] for s in data.get("required_skills", [])] + list(data.get("preferred_skills", []))
    occupations = [data["occupation_code"]] if "occupation_code" in data else []
    unknown = unknown_codes(session=session, skills=skills, occupations=occupations)
    errors: dict[str, list[str]] = {}
    if "skills" in unknown:
        errors["required_skills"] = [f"未知技能代码 / Unknown skill code: {', '.join(unknown['skills'])}"]
    if "occupations" in unknown:
        errors["occupation_code"] = ["未知职业代码 / Unknown occupation code"]
    if "broad_occupations" in unknown:
        errors["occupation_code"] = list(unknown["broad_occupations"].values())
    if "wage_min" in data and (message := minimum_wage_error(data.get("district_code", ""), data["wage_min"],
                                                             minimum_wage=minimum_wage)):
        errors["wage_min"] = [message]
    return errors


def check_content(*, session: Session, data: dict[str, Any], minimum_wage: int) -> None:
    """``content_errors`` as one ``RuleViolations`` (422 with every field)."""
    if errors := content_errors(session=session, data=data, minimum_wage=minimum_wage):
        raise RuleViolations(errors)


def create_posting(*, session: Session, employer_id: int, data: dict[str, Any]) -> Posting:
    """A new open posting from checked fields: the API runs ``check_content`` first, the roster
    import ``content_errors`` on every row before it writes any."""
    fields = {k: data[k] for k in EDITABLE if k in data}
    posting = Posting(employer_id=employer_id, occupation_code=data["occupation_code"],
                      district_code=data["district_code"], openings=data["openings"],
                      openings_left=data["openings"], status="open", **fields)
    session.add(posting)
    session.flush()
    return posting


def update_posting(*, session: Session, posting: Posting, data: dict[str, Any], minimum_wage: int) -> None:
    """Apply edits; content rules as on creation, and the combined wage and age ranges must still hold."""
    check_content(session=session, data={**data, "district_code": posting.district_code},
                  minimum_wage=minimum_wage)
    merged = {k: data.get(k, getattr(posting, k)) for k in ("wage_min", "wage_max", "age_min", "age_max")}
    if merged["wage_min"] > merged["wage_max"]:
        raise RuleViolation("最低工资不得高于最高工资 / wage_min must not exceed wage_max", field="wage_min")
    if merged["age_min"] > merged["age_max"]:
        raise RuleViolation("最低年龄不得大于最高年龄 / age_min must not exceed age_max", field="age_min")
    for key in EDITABLE:
        if key in data:
            setattr(posting, key, data[key])
    if "openings" in data:
        taken = posting.openings - posting.openings_left
        if data["openings"] < taken:
            raise RuleViolation(f"已录用{taken}人，招聘人数不能更少 / {taken} already hired; openings cannot be fewer",
                                field="openings")
        posting.openings = data["openings"]
        posting.openings_left = data["openings"] - taken
        if posting.status in ("open", "filled"):
            posting.status = "open" if posting.openings_left > 0 else "filled"
    session.flush()


def close_posting(*, session: Session, posting: Posting) -> None:
    """Close a posting to new referrals (open or filled → closed)."""
    if posting.status not in ("open", "filled"):
        raise Conflict(f"岗位状态为 {posting.status}，无法关闭 / A {posting.status} posting cannot be closed")
    posting.status = "closed"
    session.flush()


def expire_postings(*, session: Session, today: date) -> int:
    """Mark open postings whose ``expires_on`` has passed as expired; returns how many."""
    result = session.execute(
        update(Posting).where(Posting.status == "open", Posting.expires_on < today)
        .values(status="expired", updated_at=utcnow(), version=Posting.version + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def take_opening(*, session: Session, posting_id: int) -> bool:
    """Atomically take one opening; False when none is left or the posting is not open.

    A single conditional UPDATE is race-free on PostgreSQL (row lock) and SQLite (database
    write lock) alike, so concurrent hires can never over-fill a posting.
    """
    result = session.execute(
        update(Posting)
        .where(Posting.id == posting_id, Posting.status == "open", Posting.openings_left > 0)
        .values(openings_left=Posting.openings_left - 1, version=Posting.version + 1,
                updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if (result.rowcount or 0) != 1:
        return False
    session.execute(
        update(Posting).where(Posting.id == posting_id, Posting.openings_left == 0)
        .values(status="filled").execution_options(synchronize_session=False)
    )
    return True


def release_opening(*, session: Session, posting_id: int) -> None:
    """Give an opening back when a placement ends, if the posting is still being filled."""
    session.execute(
        update(Posting)
        .where(Posting.id == posting_id, Posting.status.in_(("open", "filled")),
               Posting.openings_left < Posting.openings)
        .values(openings_left=Posting.openings_left + 1, status="open",
                version=Posting.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def lock_posting(*, session: Session, posting_id: int) -> Posting | None:
    """Load a posting with a row lock where the database has them (PostgreSQL)."""
    # OF postings: the employer is joined-eager-loaded, and PostgreSQL refuses FOR UPDATE on
    # the nullable side of that outer join.
    return session.scalar(select(Posting).where(Posting.id == posting_id).with_for_update(of=Posting))
