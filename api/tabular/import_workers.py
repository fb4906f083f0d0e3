"""Worker roster import: rosters as counties keep them (花名册), scope and duplicate checks
against the database, then bulk writes.

Only 姓名 and 身份证号 are required. The county comes from the file's county column when a row
fills it, else from the bureau's account when it has one county, else from the ID number's
region code (a retired code resolved to its current county). 性别 and 出生日期 cells are checked
against the ID number. A row marked as at work (已务工, 区外务工 …) registers an employed worker
and, when it names a place or an employer, the job as a placement found outside the service
(``models.placements.service.record_found_job``) so follow-ups and reports count it.

Everything is checked before anything is written, so ``atomic`` mode can refuse the whole
file without touching the database, and the request's one transaction covers all writes.
Existing ID numbers are found through the keyed index, one query per chunk of rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from api.auth import Principal
from api.schemas.workers import RosterWorkerSchema
from api.tabular.cells import SEX_LABELS
from api.tabular.columns import WORKER_SPEC
from api.tabular.reader import Table
from api.tabular.report import Duplicate, ImportReport, Incomplete
from api.tabular.rows import Layout, Row, layout, reject, validate_rows
from models.access.pii import PiiVault, mask_id_number
from models.db.base import utcnow
from models.errors import Conflict, RuleViolation
from models.placements import service as placement_service
from models.reference import gbt2260
from models.reference.places import resolve_place
from models.workers import rules as worker_rules
from models.workers import service as worker_service
from models.workers.tables import Worker

CHUNK = 5000
_COLUMNS = [c.key for c in Worker.__table__.columns if c.key != "id"]
INNER_MONGOLIA = "15"
WHERE_CODES = {"region": "150000"}
"""A 区内务工 row whose 务工地点 names no place is counted within the region."""


@dataclass
class Job:
    """The job a roster row says the worker holds (found outside the service)."""

    workplace_code: str | None
    employer_name: str | None
    terms: dict[str, Any]


@dataclass
class Plan:
    inserts: list[Row]
    updates: dict[int, Row]
    """existing worker id → row carrying its new data"""


def run(table: Table, *, session: Session, vault: PiiVault, principal: Principal, mode: str,
        on_duplicate: str, today: date, minimum_wage: int, error_limit: int) -> ImportReport:
    """Validate every row, decide duplicates, and write unless ``atomic`` found a bad row."""
    lay = layout(table, WORKER_SPEC)
    rows, unchecked = validate_rows(table, lay, RosterWorkerSchema(), prepare=_county_filler(principal, today),
                                   stop_after=error_limit if mode == "atomic" else None)
    report = ImportReport("workers", mode, on_duplicate, table.format, lay, rows, skipped_rows=table.skipped,
                          error_limit=error_limit, unchecked_rows=unchecked)
    jobs: dict[int, Job] = {}
    for row in rows:
        _cross_check(row, lay, today)
        if row.data is not None and (job := _job(row, lay, today=today, minimum_wage=minimum_wage)):
            jobs[row.number] = job
    plan = _plan(report, lay, session=session, vault=vault, principal=principal)
    if mode == "atomic" and report.rejected:
        return report
    _write(report, plan, jobs, session=session, vault=vault, today=today, created_by=principal.user_id,
           minimum_wage=minimum_wage)
    report.created, report.updated = len(plan.inserts), len(plan.updates)
    report.skipped = sum(d.action == "skipped" for d in report.duplicates)
    report.written = True
    return report


def _county_filler(principal: Principal, today: date):
    """The county of a row whose file leaves it out: the account's one county, else the ID's."""
    own = next(iter(principal.counties)) if principal.role == "bureau" and len(principal.counties) == 1 else None

    def fill(row: Row, data: dict[str, Any], failed: dict[str, str]) -> None:
        if "county_code" in data or "county_code" in failed:
            return
        if own is not None:
            data["county_code"] = own
            return
        if "id_number" not in data:
            return  # the ID's own error explains the row
        number = worker_rules.normalize_id_number(data["id_number"])
        code = gbt2260.successor(number[:6]) if len(number) == 18 else None
        if code and code.startswith(INNER_MONGOLIA):
            data["county_code"] = code
        else:
            failed["county_code"] = ("无法确定户籍旗县（身份证号地区码不是内蒙古的旗县，或已撤销且无唯一承继旗县），请增加"
                                     "“户籍所在旗县”列 / The county cannot be told from the ID number; add a "
                                     "county column")

    return fill


def _cross_check(row: Row, lay: Layout, today: date) -> None:
    """性别 and 出生日期 cells must agree with the ID number (when the ID itself is valid)."""
    if not ({"sex", "birth_date"} & set(row.facts)):
        return
    at = lay.positions.get("id_number")
    if at is None or any(i.column == lay.header_for("id_number") for i in row.issues):
        return
    try:
        _number, birth, sex = worker_rules.check_id_number(str(row.raw[at]), today=today)
    except (RuleViolation, TypeError):
        return
    if "sex" in row.facts and row.facts["sex"] != sex:
        said = SEX_LABELS[sex][0]
        reject(row, lay, "sex", f"性别与身份证号不符（身份证号为{said}）/ The sex does not match the ID number")
    if "birth_date" in row.facts:
        y, m, d = row.facts["birth_date"]
        if (y, m or birth.month, d or birth.day) != (birth.year, birth.month, birth.day):
            reject(row, lay, "birth_date", f"出生日期与身份证号不符（身份证号为{birth.isoformat()}）/ The birth "
                                           "date does not match the ID number")


def _job(row: Row, lay: Layout, *, today: date, minimum_wage: int) -> Job | None:
    """Set the row's status from 务工状态; the job it records, if it names a place or employer."""
    data, facts = row.data, row.facts
    assert data is not None
    status, where = facts.get("work_status", (None, None))
    place, employer = facts.get("workplace"), facts.get("employer_name")
    if status is None and (place or employer):
        status = "employed"  # a roster filling 务工单位/务工地点 records a job
    if status is not None:
        data["status"] = status
        row.given = row.given | {"status"}
    if status != "employed" or not (place or employer):
        return None
    code = resolve_place(place, home_county=data["county_code"])
    if code is None and where is not None:
        code = data["county_code"] if where == "home" else WHERE_CODES.get(where)
    terms: dict[str, Any] = {"start_date": today, "contract_type": "none", "contract_months": 0,
                             "social_insurance": False}
    if "work_start" in facts:
        start = date.fromisoformat(facts["work_start"])
        if start > today:
            reject(row, lay, "work_start", "外出务工时间不能晚于今天 / The start of work cannot be in the future")
            return None
        terms["start_date"] = start
    if "monthly_income" in facts:
        income = facts["monthly_income"]
        if not 0 < income <= 100_000:
            reject(row, lay, "monthly_income", "月收入须为1至100000元 / Must be between 1 and 100000 yuan")
            return None
        terms["monthly_wage"] = income
        if code is not None:
            try:
                placement_service.check_wage(code, terms, minimum_wage=minimum_wage, field="monthly_income")
            except RuleViolation as exc:
                reject(row, lay, "monthly_income", str(exc))
                return None
    return Job(code, employer[:128] if employer else None, terms)


def _plan(report: ImportReport, lay: Layout, *, session: Session, vault: PiiVault,
          principal: Principal) -> Plan:
    keyed: dict[str, Row] = {}
    for row in report.rows:
        if row.data is None:
            continue
        if not principal.covers_county(row.data["county_code"]):
            reject(row, lay, "county_code", "只能导入本辖区旗县的劳动力 / You may import workers of your own "
                                            "counties only")
            continue
        key = worker_service.id_index(vault, row.data["id_number"])
        if key in keyed:
            reject(row, lay, "id_number", f"与第{keyed[key].number}行身份证号重复 / Same ID number as row "
                                          f"{keyed[key].number}")
            continue
        keyed[key] = row
    existing = _existing(session, list(keyed))
    inserts: list[Row] = []
    updates: dict[int, Row] = {}
    for key, row in keyed.items():
        if row.data is None:
            continue
        found = existing.get(key)
        if found is None:
            inserts.append(row)
            continue
        worker_id, county = found
        if report.on_duplicate == "update" and not principal.covers_county(county):
            reject(row, lay, "id_number", "该身份证号已由其他旗县登记，不能更新 / This ID number is registered "
                                          "by another county and cannot be updated here")
            continue
        action = "updated" if report.on_duplicate == "update" else "skipped"
        masked = mask_id_number(worker_rules.normalize_id_number(row.data["id_number"]))
        report.duplicates.append(Duplicate(row.number, lay.header_for("id_number"), masked, action, worker_id))
        if action == "updated":
            updates[worker_id] = row
    _check_codes(report, lay, session)
    return Plan([r for r in inserts if r.data is not None],
                {k: r for k, r in updates.items() if r.data is not None})


def _existing(session: Session, keys: list[str]) -> dict[str, tuple[int, str]]:
    """Registered workers by ID-number index: one query per chunk."""
    out: dict[str, tuple[int, str]] = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        for worker_id, key, county in session.execute(select(
                Worker.id, Worker.id_number_index, Worker.county_code).where(Worker.id_number_index.in_(chunk))):
            out[key] = (worker_id, county)
    return out


def _check_codes(report: ImportReport, lay: Layout, session: Session) -> None:
    """Resolved skills and occupations must exist in the reference tables (one query each)."""
    valid = [r for r in report.rows if r.data is not None]
    unknown = worker_service.unknown_codes(
        session=session, skills={s["code"] for r in valid for s in r.data["skills"]},  # type: ignore[index]
        occupations={o for r in valid for o in (*r.data["preferred_occupations"],
                                                *worker_service.experience_occupations(r.data))})  # type: ignore[index]
    if not unknown:
        return
    for row in valid:
        for name, messages in worker_service.code_errors(row.data, unknown).items():  # type: ignore[arg-type]
            for message in messages:
                reject(row, lay, name, message)


def _write(report: ImportReport, plan: Plan, jobs: dict[int, Job], *, session: Session, vault: PiiVault,
           today: date, created_by: int, minimum_wage: int) -> None:
    now = utcnow()
    placed: list[tuple[int, Row]] = []  # (worker id, row) of the rows recording a job
    for start in range(0, len(plan.inserts), CHUNK):
        batch, keys = [], {}
        for row in plan.inserts[start:start + CHUNK]:
            worker = worker_service.build_worker(vault, row.data, today=today,  # type: ignore[arg-type]
                                                 created_by=created_by)
            values = {c: getattr(worker, c) for c in _COLUMNS}
            values.update(created_at=now, updated_at=now, version=1)
            batch.append(values)
            if worker.missing_fields:
                report.incomplete.append(Incomplete(row.number, list(worker.missing_fields)))
            if row.number in jobs:
                keys[worker.id_number_index] = row
        session.execute(insert(Worker.__table__), batch)  # Core: ~2x faster than ORM bulk insert
        if keys:
            for worker_id, key in session.execute(select(Worker.id, Worker.id_number_index)
                                                  .where(Worker.id_number_index.in_(list(keys)))):
                placed.append((worker_id, keys[key]))
    ids = list(plan.updates)
    for start in range(0, len(ids), CHUNK):
        for worker in session.scalars(select(Worker).where(Worker.id.in_(ids[start:start + CHUNK]))):
            row = plan.updates[worker.id]
            # Only what the file carries: a column it lacks (or a blank cell) never clears a field.
            worker_service.apply_profile(worker, vault, {k: v for k, v in row.data.items()  # type: ignore[union-attr]
                                                         if k in row.given})
            if worker.missing_fields:
                report.incomplete.append(Incomplete(row.number, list(worker.missing_fields)))
            if row.number in jobs:
                placed.append((worker.id, row))
        session.flush()
    report.employed = sum(1 for r in [*plan.inserts, *plan.updates.values()]
                          if r.data and r.data.get("status") == "employed")
    for worker_id, row in placed:
        job = jobs[row.number]
        worker = session.get(Worker, worker_id)
        assert worker is not None
        try:
            placement_service.record_found_job(session=session, worker=worker, workplace_code=job.workplace_code,
                                               employer_name=job.employer_name, terms=job.terms, today=today,
                                               minimum_wage=minimum_wage)
        except Conflict:
            continue  # already placed (an update of someone whose job is on record): keep that one
        report.placements_recorded += 1
    report.incomplete.sort(key=lambda i: i.row)
