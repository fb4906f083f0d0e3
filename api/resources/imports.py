"""Roster import and export (花名册导入导出) of workers and postings, in .xlsx and .csv.

- ``POST /api/v1/workers/import`` (bureau, admin) and ``POST /api/v1/postings/import``
  (employer, admin): multipart field ``file``; ``mode=atomic`` (default: all rows or none) or
  ``valid_rows``; ``on_duplicate=skip`` (default) or ``update`` for ID numbers already
  registered. The report of rejected rows comes back as JSON, or — when the request sends
  ``Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`` — as a
  workbook of the rejected rows with an error column, ready to fix and upload again.
- ``GET …/import/template``: the empty roster with Chinese headers and a help sheet.
- ``GET …/export?format=xlsx|csv`` with the list endpoints' filters; ID numbers and phones
  are masked exactly as in the API's responses (exports never reveal; use the audited
  ``GET /api/v1/workers/{id}?reveal=true`` for one record). Exports are audited.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import abort
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from api import auth, db
from api.auth import roles
from api.http import Blueprint
from api.resources import postings, workers
from api.schemas.common import StrictSchema, one_of
from api.schemas.postings import PostingQuery
from api.schemas.workers import WorkerQuery
from api.protection import FORM_OVERHEAD
from api.tabular import exports, import_postings, import_workers
from api.tabular.columns import POSTING_SPEC, WORKER_SPEC, Spec
from api.tabular.reader import Budget, Table, read_upload
from api.tabular.report import ImportReport, template
from api.tabular.writers import CSV_MIME, XLSX_MIME, csv_bytes, download, xlsx_bytes
from models import clock

F = TypeVar("F", bound=Callable[..., Any])

blp = Blueprint("imports", __name__, url_prefix="/api/v1",
                description="Roster import and export in Excel/CSV (花名册导入导出)")


class ImportQuery(StrictSchema):
    mode = fields.String(load_default="atomic", validate=one_of(("atomic", "valid_rows")), metadata={
        "description": "atomic: import all rows or none (422 listing every error); valid_rows: import the "
                       "valid rows and report the rest"})
    on_duplicate = fields.String(load_default="skip", validate=one_of(("skip", "update")), metadata={
        "description": "An ID number already registered: skip the row or update that worker "
                       "(only within your counties). Listed in `duplicates` either way."})


class UploadForm(Schema):
    file = Upload(required=True, metadata={"description": ".xlsx, or .csv in UTF-8 or GBK; Chinese or "
                                                          "English headers (see the template)"})


class IssueOut(Schema):
    row = fields.Integer()
    column = fields.String()
    value = fields.String()
    message = fields.String()


class DuplicateOut(Schema):
    row = fields.Integer()
    column = fields.String()
    value = fields.String(metadata={"description": "Masked ID number"})
    action = fields.String(metadata={"description": "skipped or updated"})
    existing_worker_id = fields.Integer()


class SkippedRowOut(Schema):
    row = fields.Integer()
    reason = fields.String()


class IncompleteOut(Schema):
    row = fields.Integer()
    missing_fields = fields.List(fields.String())


class ImportResult(Schema):
    """The one report shape: the 200 body in both modes, and the 422's `errors` when an atomic
    import is refused (`written` false, nothing stored)."""

    kind = fields.String()
    mode = fields.String()
    on_duplicate = fields.String()
    format = fields.String()
    total_rows = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    skipped = fields.Integer()
    rejected = fields.Integer(metadata={"description": "Rows not imported because of errors"})
    written = fields.Boolean()
    ignored_columns = fields.List(fields.String(), metadata={"description": "Headers not recognised"})
    not_stored_columns = fields.List(fields.String(), metadata={
        "description": "Recognised roster columns that are not stored (序号, 培训意愿, 备注)"})
    non_data_rows = fields.Integer(metadata={"description": "Blank, total and footer rows passed over"})
    incomplete_profiles = fields.Integer(metadata={
        "description": "Workers registered with profile_complete false (not matched until completed)"})
    employed = fields.Integer(metadata={"description": "Rows marked as at work (已务工 …): status employed"})
    placements_recorded = fields.Integer(metadata={
        "description": "Jobs found outside the service recorded as placements (务工地点/务工单位)"})
    errors = fields.Integer(metadata={"description": "Errors found (all of them, listed or not)"})
    errors_not_listed = fields.Integer(metadata={
        "description": "Errors found beyond the first `MAX_IMPORT_ERRORS` listed in `rows`"})
    unchecked_rows = fields.Integer(metadata={
        "description": "Atomic mode: rows not checked because checking stopped after `MAX_IMPORT_ERRORS` "
                       "rejected rows (nothing was written)"})
    rows = fields.List(fields.Nested(IssueOut), metadata={
        "description": "The errors of the rejected rows, at most `MAX_IMPORT_ERRORS` (see `errors_not_listed`)"})
    skipped_rows = fields.List(fields.Nested(SkippedRowOut), metadata={
        "description": "Rows that hold no data (blank, 合计, 制表人 …), reported but not errors"})
    incomplete = fields.List(fields.Nested(IncompleteOut))
    duplicates = fields.List(fields.Nested(DuplicateOut))


class WorkerExportQuery(WorkerQuery):
    class Meta(WorkerQuery.Meta):
        exclude = ("page", "page_size")

    format = fields.String(load_default="xlsx", validate=one_of(("xlsx", "csv")))


class PostingExportQuery(PostingQuery):
    class Meta(PostingQuery.Meta):
        exclude = ("page", "page_size")

    format = fields.String(load_default="xlsx", validate=one_of(("xlsx", "csv")))


def limit_upload(view: F) -> F:
    """413 before the body is parsed when it is larger than ``MAX_UPLOAD_BYTES``."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        limit = current_app.config["MAX_UPLOAD_BYTES"] + FORM_OVERHEAD
        if request.content_length is not None and request.content_length > limit:
            abort(413, message=too_large())
        request.max_content_length = limit  # also stops a chunked body without Content-Length
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def too_large() -> str:
    mb = current_app.config["MAX_UPLOAD_BYTES"] / 1024 / 1024
    return f"文件超过{mb:g} MB上限，请拆分后上传 / The file exceeds the {mb:g} MB limit; split it"


def read_table(upload: Any, spec: Spec) -> Table:
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = upload.read(limit + 1)
    if len(data) > limit:
        abort(413, message=too_large())
    config = current_app.config
    return read_upload(upload.filename or "", data, spec, budget=Budget(
        config["MAX_IMPORT_ROWS"], config["MAX_UNZIPPED_BYTES"], config["IMPORT_PARSE_SECONDS"]))


def wants_workbook() -> bool:
    accept = request.accept_mimetypes
    return accept[XLSX_MIME] > accept["application/json"]


def respond(report: ImportReport) -> Any:
    """The report as JSON or as a workbook; an atomic import with errors is a 422 (nothing written)."""
    status = 422 if not report.written else 200
    if wants_workbook():
        return download(report.workbook(), f"导入错误报告_{report.kind}_{clock.today()}.xlsx", XLSX_MIME, status)
    if status == 422:
        n = len(report.rejected)
        more = (f"；检查到{n}行错误后停止，其余{report.unchecked_rows}行未检查" if report.unchecked_rows else "",
                f"; checking stopped after {n} rejected rows, {report.unchecked_rows} rows were not checked"
                if report.unchecked_rows else "")
        abort(422, message=f"未导入任何数据：{n}行有错误{more[0]}，请按 errors.rows 修改后重新上传 / Nothing was "
                           f"imported: {n} rows have errors{more[1]}; fix them (errors.rows) and upload again",
              errors=report.as_dict())
    return report.as_dict()


def run_import(run: Callable[[], ImportReport], entity: str) -> Any:
    report = run()  # missing required columns: UploadError (400)
    auth.audit(f"{entity}.import", entity, None, **{k: v for k, v in report.summary().items()
                                                   if k not in ("ignored_columns", "not_stored_columns", "kind")})
    return respond(report)


def export(kind: str, items: Iterable[dict[str, Any]], fmt: str, entity: str, filters: dict[str, Any]) -> Response:
    count = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal count
        for item in items:
            count += 1
            yield item

    rows = exports.rows(kind, counted())
    title = {"workers": "劳动力花名册", "postings": "招聘岗位"}[kind]
    if fmt == "csv":
        body, mime = csv_bytes(exports.headers(kind), rows), CSV_MIME
    else:
        body, mime = xlsx_bytes([(title, exports.headers(kind), rows)]), XLSX_MIME
    auth.audit(f"{entity}.export", entity, None, rows=count, format=fmt, filters=filters)
    return download(body, f"{title}_{clock.today()}.{fmt}", mime)


IMPORT_DOC = {"description": "Rows rejected in atomic mode: `errors` is the import report (same shape as "
                              "the 200 body; its `rows` lists every error), nothing written"}


def import_endpoint(view: Any) -> Any:
    """Upload limits, the `mode`/`on_duplicate` query and the file, and the documented answers
    shared by every roster import."""
    for decorate in reversed((
        limit_upload,
        blp.arguments(ImportQuery, location="query"),
        blp.arguments(UploadForm, location="files"),
        blp.response(200, ImportResult),
        blp.alt_response(400, description="Malformed file, unsafe workbook or missing required columns"),
        blp.alt_response(413, description="File or row count over the limit"),
        blp.alt_response(422, **IMPORT_DOC),
    )):
        view = decorate(view)
    return view


@blp.route("/workers/import")
class WorkersImport(MethodView):
    @roles("admin", "bureau")
    @import_endpoint
    def post(self, query: dict[str, Any], files: dict[str, Any]):
        """Import workers from a roster (花名册导入); a bureau imports only its own counties.

        Send `Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` to
        receive the report as a workbook of rejected rows with an error column."""
        table = read_table(files["file"], WORKER_SPEC)
        principal = auth.current()
        return run_import(lambda: import_workers.run(
            table, session=db.session(), vault=db.vault(), principal=principal, mode=query["mode"],
            on_duplicate=query["on_duplicate"], today=clock.today(),
            minimum_wage=current_app.config["BEIJING_MIN_WAGE"],
            error_limit=current_app.config["MAX_IMPORT_ERRORS"]), "worker")


@blp.route("/workers/import/template")
class WorkersTemplate(MethodView):
    @roles("admin", "bureau")
    @blp.response(200, description="The roster template (.xlsx)", content_type=XLSX_MIME)
    def get(self):
        """The worker roster template: Chinese headers, '*' marks required columns, a help sheet."""
        return download(template(WORKER_SPEC), "劳动力花名册导入模板.xlsx", XLSX_MIME)


@blp.route("/workers/export")
class WorkersExport(MethodView):
    @roles("admin", "bureau")
    @blp.arguments(WorkerExportQuery, location="query")
    @blp.response(200, description="Workers as .xlsx or .csv; ID numbers and phones masked")
    def get(self, args: dict[str, Any]):
        """Export workers of the caller's counties with the list filters (masked, audited)."""
        stmt = workers.list_query(args).execution_options(yield_per=1000)
        items = (workers.present(w) for w in db.session().scalars(stmt))
        filters = {k: v for k, v in args.items() if k not in ("format", "id_number", "phone")}
        return export("workers", items, args["format"], "worker", filters)


@blp.route("/postings/import")
class PostingsImport(MethodView):
    @roles("admin", "employer")
    @import_endpoint
    def post(self, query: dict[str, Any], files: dict[str, Any]):
        """Import postings; an employer imports for itself, an administrator names 用人单位编号.

        The `Accept` header chooses a JSON or a workbook report as for workers."""
        table = read_table(files["file"], POSTING_SPEC)
        principal = auth.current()
        return run_import(lambda: import_postings.run(
            table, session=db.session(), principal=principal, mode=query["mode"],
            on_duplicate=query["on_duplicate"], minimum_wage=current_app.config["BEIJING_MIN_WAGE"],
            error_limit=current_app.config["MAX_IMPORT_ERRORS"]), "posting")


@blp.route("/postings/import/template")
class PostingsTemplate(MethodView):
    @roles("admin", "employer")
    @blp.response(200, description="The postings template (.xlsx)", content_type=XLSX_MIME)
    def get(self):
        """The postings template: Chinese headers, '*' marks required columns, a help sheet."""
        return download(template(POSTING_SPEC), "招聘岗位导入模板.xlsx", XLSX_MIME)


@blp.route("/postings/export")
class PostingsExport(MethodView):
    @roles("admin", "bureau", "employer", "fair")
    @blp.arguments(PostingExportQuery, location="query")
    @blp.response(200, description="Postings as .xlsx or .csv")
    def get(self, args: dict[str, Any]):
        """Export postings with the list filters (employers get their own postings only)."""
        stmt = postings.list_query(args).execution_options(yield_per=1000)
        items = (postings.present(p) for p in db.session().scalars(stmt))
        return export("postings", items, args["format"], "posting",
                      {k: v for k, v in args.items() if k != "format"})
