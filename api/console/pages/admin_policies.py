"""Administrators: subsidy policies (current versions) and enabling a template for a county —
``models.subsidies.policies.create_policy`` through the API's ``PolicyCreateSchema``."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select

from api import db
from api.auth import audit, current
from api.console.forms import Form, load_form
from api.console.frame import bp, console_page, nav_item, t
from api.schemas.subsidies import PolicyCreateSchema
from models import clock
from models.errors import DomainError
from models.reference.regions import Region
from models.subsidies import policies as subsidy_service
from models.subsidies.tables import SubsidyPolicy

nav_item("补贴政策", "Subsidy policies", "console.admin_policies", ("admin",), order=86,
         description_zh="为旗县启用政策模板", description_en="Enable a policy template for a county")

ENABLE_FIELDS = ("template", "county_code", "valid_from", "valid_to", "enabled", "name")


def _page(form: Form, status: int = 200):
    session = db.session()
    rows = session.scalars(select(SubsidyPolicy).where(SubsidyPolicy.is_current)
                           .order_by(SubsidyPolicy.county_code.is_not(None), SubsidyPolicy.county_code,
                                     SubsidyPolicy.key)).all()
    codes = sorted({r.county_code for r in rows if r.county_code})
    regions = dict(session.execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all()) \
        if codes else {}
    templates = [(r.key, f"{r.name}（{r.key}）") for r in rows if r.is_template]
    return render_template("console/admin_policies.html", rows=rows, regions=regions, templates=templates,
                           form=form), status


@bp.get("/admin/policies")
@console_page("admin")
def admin_policies():
    return _page(Form(data={"valid_from": clock.today().isoformat(), "enabled": "true"}))


@bp.post("/admin/policies")
@console_page("admin")
def admin_policies_enable():
    form = load_form(PolicyCreateSchema(only=ENABLE_FIELDS))
    if "rules" in form.errors:  # "send rules or a template": here, the template is the field
        form.errors.setdefault("template", []).extend(form.errors.pop("rules"))
    if form.ok:
        if "template" not in form.values:
            form.add_error("template", "请选择模板 / Choose a template")
        else:
            try:
                policy = subsidy_service.create_policy(session=db.session(), data=form.values,
                                                       created_by=current().user_id)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                audit("subsidy_policy.create", "subsidy_policy", policy.id, key=policy.key, version=policy.version)
                flash(t(f"已为{policy.county_code}创建政策 {policy.key}", f"Policy {policy.key} created"), "ok")
                return redirect(url_for("console.admin_policies"))
    return _page(form, status=422)
