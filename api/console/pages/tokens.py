"""The signed-in user's own API tokens (for scripts): list, create (shown once), revoke."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from api import db
from api.auth import audit
from api.console.forms import Form
from api.console.frame import ROLES_ALL, bp, console_page, nav_item, signed_in_user, t
from models.access import accounts
from models.errors import DomainError

nav_item("我的API令牌", "My API tokens", "console.tokens", ROLES_ALL, order=99,
         description_zh="为脚本创建、撤销访问令牌", description_en="Create and revoke tokens for scripts")


def _page(form: Form, new_token: str | None = None, status: int = 200):
    rows = accounts.own_tokens(db.session(), g.principal.user_id)
    return render_template("console/tokens.html", form=form, rows=rows, new_token=new_token), status


@bp.get("/tokens")
@console_page()
def tokens():
    return _page(Form())


@bp.post("/tokens")
@console_page()
def tokens_create():
    form = Form(data={"label": request.form.get("label", "")})
    try:
        row, token = accounts.issue_token(db.session(), signed_in_user(), request.form.get("label", ""))
    except DomainError as exc:
        form.add_domain_error(exc)
        return _page(form, status=422)
    audit("token.create", "api_token", row.id, label=row.label)
    # Shown in this answer only (never in the session or a flash message): it is stored hashed.
    return _page(Form(), new_token=token)


@bp.post("/tokens/<int:token_id>/revoke")
@console_page()
def tokens_revoke(token_id: int):
    row = accounts.revoke_token(db.session(), g.principal.user_id, token_id)
    audit("token.revoke", "api_token", row.id, label=row.label)
    flash(t(f"已撤销令牌“{row.label}”", f"Token “{row.label}” revoked"), "ok")
    return redirect(url_for("console.tokens"))
