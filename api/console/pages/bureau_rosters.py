"""County bureaus: roster upload (花名册导入) with the row report on screen and the
fix-and-reupload workbook (kept briefly for the uploader, ``models.access.downloads``) —
``api.tabular.import_workers.run`` and ``ImportReport`` exactly as
``POST /api/v1/workers/import`` uses them (same reader, limits, scope and duplicate checks)."""
from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for
from marshmallow import ValidationError

from api import auth, db
from api.console.forms import Form, flatten_messages
from api.console.frame import bp, console_page, nav_item
from api.resources.imports import ImportQuery, limit_upload, read_table
from api.tabular import import_workers
from api.tabular.columns import WORKER_SPEC
from api.tabular.reader import UploadError
from api.tabular.report import template
from api.tabular.writers import XLSX_MIME, download
from models import clock
from models.access import downloads

FIX_KIND = "roster_fix"

nav_item("导入花名册", "Upload a roster", "console.bureau_roster", ("bureau", "admin"), order=12,
         description_zh="上传 Excel/CSV 花名册，逐行查看错误", description_en="Upload an Excel/CSV roster, errors per row")


def _page(form: Form, report=None, status: int = 200):
    workbook = None
    if report is not None and (report.rejected or report.duplicates):
        workbook = url_for("console.bureau_roster_fix", download_id=_keep_fix_workbook(report))
    return render_template("console/bureau_roster.html", form=form, report=report, workbook=workbook,
                           keep_minutes=current_app.config["DOWNLOAD_KEEP_MINUTES"]), status


def _keep_fix_workbook(report) -> int:  # noqa: ANN001
    """The rows to fix, kept (encrypted) for the uploader: a stable URL rather than the whole
    workbook inline in the page."""
    def keep(session) -> int:  # noqa: ANN001
        return downloads.keep(session, db.vault(), user_id=auth.current().user_id, kind=FIX_KIND,
                              filename=f"导入错误报告_workers_{clock.today()}.xlsx", body=report.workbook(),
                              minutes=int(current_app.config["DOWNLOAD_KEEP_MINUTES"])).id

    if report.written:
        return keep(db.session())  # committed with the import
    # A refused (atomic) import: its transaction ends here — api.db keeps its audit entry apart —
    # and the workbook is written in its own (one writer at a time on SQLite).
    db.session().rollback()
    with db.session_factory().begin() as own:
        return keep(own)


@bp.get("/workers/import/fix/<int:download_id>.xlsx")
@console_page("bureau", "admin")
def bureau_roster_fix(download_id: int):
    """The uploader's rows to fix; anyone else's, an expired or an unknown one is the 404 page."""
    found = downloads.fetch(db.session(), db.vault(), download_id=download_id, user_id=auth.current().user_id,
                            kind=FIX_KIND)
    if found is None:
        abort(404)
    filename, body = found
    return download(body, filename, XLSX_MIME)


@bp.get("/workers/import")
@console_page("bureau", "admin")
def bureau_roster():
    return _page(Form(data={"mode": "valid_rows", "on_duplicate": "skip"}))


@bp.get("/workers/import/template.xlsx")
@console_page("bureau", "admin")
def bureau_roster_template():
    return download(template(WORKER_SPEC), "劳动力花名册导入模板.xlsx", XLSX_MIME)


@bp.post("/workers/import")
@console_page("bureau", "admin")
@limit_upload
def bureau_roster_upload():
    form = Form(data={k: request.form.get(k, "") for k in ("mode", "on_duplicate")})
    try:
        query = ImportQuery().load({k: v for k, v in form.data.items() if v})
    except ValidationError as err:
        form.errors = flatten_messages(err.messages)
        return _page(form, status=422)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        form.add_error("file", "请选择要上传的文件 / Choose a file to upload")
        return _page(form, status=422)
    try:
        table = read_table(upload, WORKER_SPEC)
        report = import_workers.run(table, session=db.session(), vault=db.vault(), principal=auth.current(),
                                    mode=query["mode"], on_duplicate=query["on_duplicate"], today=clock.today(),
                                    minimum_wage=current_app.config["BEIJING_MIN_WAGE"],
                                    error_limit=current_app.config["MAX_IMPORT_ERRORS"])
    except UploadError as exc:
        form.add_error("file", exc.message)
        return _page(form, status=exc.status)
    auth.audit("worker.import", "worker", None, **{k: v for k, v in report.summary().items()
                                                  if k not in ("ignored_columns", "kind")})
    # An atomic import with errors wrote nothing: the request is refused (and rolled back).
    return _page(form, report, status=200 if report.written else 422)
