"""Sign-in and sign-out: ``GET/POST /console/login``, ``POST /console/logout``."""
from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, session, url_for

from api import db
from api.auth import audit, principal_for
from api.console.forms import FORM_ERROR, Form
from api.console.frame import bp, console_page, lang, limiter, safe_next, sign_in, sign_out, signed_in_user, t
from models.access import accounts, downloads


def _next_target() -> str:
    return safe_next(request.values.get("next")) or url_for("console.home")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if request.method == "GET":
        if signed_in_user() is not None:
            return redirect(_next_target())
        notice = {"idle": t("您已因长时间未操作而退出，请重新登录", "You were signed out after a period of inactivity"),
                  "invalid": t("您的登录已失效，请重新登录", "Your session is no longer valid; sign in again")}.get(
            session.pop("signed_out", ""))
        return render_template("console/login.html", form=Form(), next=safe_next(request.args.get("next")),
                               notice=notice)
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    form = Form(data={"username": username})
    if not username.strip():
        form.add_error("username", "请输入用户名 / Enter your username")
    if not password:
        form.add_error("password", "请输入密码 / Enter your password")
    if form.errors:
        return render_template("console/login.html", form=form, next=safe_next(request.form.get("next"))), 200
    config = current_app.config
    result = accounts.verify(db.session(), username, password, max_attempts=int(config["LOGIN_MAX_ATTEMPTS"]),
                             lock_minutes=int(config["LOGIN_LOCK_MINUTES"]))
    user = result.user
    if result.ok:
        sign_in(user)
        audit("console.sign_in", "user", user.id, address=request.remote_addr)
        return redirect(_next_target())
    # Who failed is recorded by id only; an unknown username is not written down (it may be a
    # password typed into the wrong field).
    if user is not None:
        g.principal = principal_for(user)
    action = {"locked_now": "console.lockout", "locked": "console.sign_in_locked"}.get(
        result.outcome, "console.sign_in_failed")
    audit(action, "user", user.id if user else None, reason=result.outcome, address=request.remote_addr,
          **({"locked_until": result.locked_until.isoformat()} if result.locked_until else {}))
    g.pop("principal", None)
    if result.outcome in ("locked", "locked_now"):
        form.add_error(FORM_ERROR, f"账户已临时锁定，请在{config['LOGIN_LOCK_MINUTES']}分钟后重试 / The account is "
                                   f"locked for a while; try again in {config['LOGIN_LOCK_MINUTES']} minutes")
    else:
        form.add_error(FORM_ERROR, "用户名或密码错误 / Wrong username or password")
    return render_template("console/login.html", form=form, next=safe_next(request.form.get("next"))), 200


@bp.post("/logout")
@console_page()
def logout():
    audit("console.sign_out", "user", g.principal.user_id)
    # The cookie is signed, not stored: ending it here would leave any copy of it valid.
    accounts.end_sessions(db.session(), signed_in_user())
    downloads.forget_user(db.session(), g.principal.user_id)  # e.g. a roster's rows to fix
    sign_out()
    return redirect(url_for("console.login", lang=lang()))
