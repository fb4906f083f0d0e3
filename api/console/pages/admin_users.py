"""Administrators manage console accounts: list, create with role and scope, reset a password,
disable. The rules are ``models.access.accounts`` (the same as ``jingmeng users``)."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from sqlalchemy import select

from api import db
from api.auth import audit
from api.console.forms import Form, load_form
from api.console.frame import bp, console_page, nav_item, t
from api.schemas.users import UserCreateSchema
from models.access import accounts
from models.access.tables import ROLES
from models.db.base import utcnow
from models.errors import DomainError

nav_item("用户管理", "Users", "console.admin_users", ("admin",), order=80,
         description_zh="创建账户、重置密码、停用", description_en="Create accounts, reset passwords, disable")

ROLE_LABELS = {"admin": ("系统管理员", "Administrator"), "bureau": ("旗县就业局", "County bureau"),
               "employer": ("用人单位", "Employer"), "fair": ("招聘会", "Job fair")}


def _scope_names(users) -> tuple[dict[str, str], dict[int, str]]:
    from models.employers.tables import Employer
    from models.reference.regions import Region

    codes = sorted({c for u in users for c in (u.counties or [])})
    employer_ids = sorted({u.employer_id for u in users if u.employer_id})
    session = db.session()
    regions = dict(session.execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all()) if codes else {}
    employers = dict(session.execute(select(Employer.id, Employer.name).where(Employer.id.in_(employer_ids))).all()) \
        if employer_ids else {}
    return regions, employers


def _page(form: Form, *, shown: dict | None = None, status: int = 200):
    users = accounts.accounts_list(db.session())
    regions, employers = _scope_names(users)
    return render_template("console/admin_users.html", form=form, users=users, regions=regions,
                           employers=employers, roles=[(r, t(*ROLE_LABELS[r])) for r in ROLES],
                           role_labels=ROLE_LABELS, shown=shown, now=utcnow()), status


@bp.get("/admin/users")
@console_page("admin")
def admin_users():
    return _page(Form(data={"role": "bureau"}))


@bp.post("/admin/users")
@console_page("admin")
def admin_users_create():
    form = load_form(UserCreateSchema())
    if form.ok:
        try:
            user, password = accounts.create_user(db.session(), **form.values)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            audit("user.create", "user", user.id, role=user.role)
            # The one-time password is in this answer only, never in the session.
            return _page(Form(data={"role": "bureau"}), shown={"username": user.username, "password": password,
                                                                "created": True})
    return _page(form, status=422)


@bp.post("/admin/users/<int:user_id>/reset-password")
@console_page("admin")
def admin_users_reset_password(user_id: int):
    user = accounts.by_id(db.session(), user_id)
    password = accounts.set_password(db.session(), user)
    audit("user.reset_password", "user", user.id)
    return _page(Form(data={"role": "bureau"}), shown={"username": user.username, "password": password,
                                                        "created": False})


@bp.post("/admin/users/<int:user_id>/disable")
@console_page("admin")
def admin_users_disable(user_id: int):
    user = accounts.by_id(db.session(), user_id)
    try:
        accounts.disable(db.session(), user, by_user_id=g.principal.user_id)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("console.admin_users"))
    audit("user.disable", "user", user.id)
    flash(t(f"已停用 {user.username}", f"{user.username} disabled"), "ok")
    return redirect(url_for("console.admin_users"))
