"""Change one's own password; a one-time password leads here at the first sign-in."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from api import db
from api.auth import audit
from api.console.forms import Form
from api.console.frame import ROLES_ALL, bp, console_page, nav_item, sign_in, signed_in_user, t
from models.access import accounts
from models.errors import DomainError

nav_item("修改密码", "Change password", "console.password", ROLES_ALL, order=98)


@bp.route("/password", methods=["GET", "POST"])
@console_page()
def password():
    user = signed_in_user()
    form = Form()
    if request.method == "POST":
        try:
            accounts.change_own_password(db.session(), user, request.form.get("current_password", ""),
                                         request.form.get("new_password", ""),
                                         request.form.get("repeat_password", ""))
        except DomainError as exc:
            form.add_domain_error(exc)
            return render_template("console/password.html", form=form, required=user.password_must_change), 422
        audit("user.change_password", "user", user.id)
        sign_in(user)  # the other sessions end with the old password; this one goes on
        flash(t("密码已修改", "Password changed"), "ok")
        return redirect(url_for("console.home"))
    return render_template("console/password.html", form=form, required=user.password_must_change)
