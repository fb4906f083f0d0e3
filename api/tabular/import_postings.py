"""Posting import: an employer imports postings for itself; an administrator names the employer
in the 用人单位编号 column. The same rules as ``POST /api/v1/postings`` apply per row (schema,
reference codes, the Beijing minimum wage, gender neutrality under the Employment Promotion Law).
Postings have no natural key, so there is no duplicate detection and ``on_duplicate`` is moot.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from api.auth import Principal
from api.schemas.postings import PostingCreateSchema
from api.tabular.columns import POSTING_SPEC
from api.tabular.reader import Table
from api.tabular.report import ImportReport
from api.tabular.rows import layout, reject, validate_rows
from models.employers import service as employer_service
from models.postings import service as posting_service


def run(table: Table, *, session: Session, principal: Principal, mode: str, on_duplicate: str,
        minimum_wage: int, error_limit: int) -> ImportReport:
    """Validate every row; write them (one transaction) unless ``atomic`` found a bad row.

    Each row gets the posting API's own content check (``posting_service.content_errors``).
    """
    lay = layout(table, POSTING_SPEC)
    rows, unchecked = validate_rows(table, lay, PostingCreateSchema(),
                                   stop_after=error_limit if mode == "atomic" else None)
    report = ImportReport("postings", mode, on_duplicate, table.format, lay, rows, skipped_rows=table.skipped,
                          error_limit=error_limit, unchecked_rows=unchecked)
    known = employer_service.existing_ids(
        session, {r.data["employer_id"] for r in rows if r.data and "employer_id" in r.data})
    for row in rows:
        if row.data is None:
            continue
        employer_id = principal.acting_employer(row.data.get("employer_id"))
        if employer_id is None:
            reject(row, lay, "employer_id", "管理员导入须填写用人单位编号 / employer_id is required for "
                                            "administrators")
        elif not principal.owns_employer(employer_id):
            reject(row, lay, "employer_id", "只能为本单位导入岗位 / You may import postings for your own "
                                            "employer only")
        elif employer_id != principal.employer_id and employer_id not in known:
            reject(row, lay, "employer_id", employer_service.NO_SUCH_EMPLOYER)
        else:
            row.data["employer_id"] = employer_id
            errors = posting_service.content_errors(session=session, data=row.data, minimum_wage=minimum_wage)
            for name, messages in errors.items():
                for message in messages:
                    reject(row, lay, name, message)
    if mode == "atomic" and report.rejected:
        return report
    for row in rows:
        if row.data is not None:
            posting_service.create_posting(session=session, employer_id=row.data["employer_id"], data=row.data)
            report.created += 1
    report.written = True
    return report
