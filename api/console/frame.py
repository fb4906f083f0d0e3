"""The console's frame: the blueprint, the signed-in session, ``@console_page``, the navigation
registry, language, security headers and HTML error pages. See docs/console.md.

Every console request first loads the signed-in user from the session (a disabled user, a
changed password or an idle session signs out) and sets ``g.principal`` to the very
``api.auth.Principal`` a bearer token gives, so ``api.auth.current()``, the ``scope_by_*``
helpers and every service behave in the console exactly as in the API. Then a state-changing
request's CSRF token is checked (Flask-WTF); the JSON API is never checked (bearer tokens
carry no ambient authority, and the console cookie is limited to ``/console``).
"""
from __future__ import annotations

import functools
import time
from datetime import timedelta
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException

from api import db
from api.auth import principal_for
from models.access.tables import User
from models.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])
ROOT = Path(__file__).resolve().parent.parent

bp = Blueprint("console", __name__, url_prefix="/console",
               static_folder=str(ROOT / "static" / "console"), static_url_path="/static")
csrf = CSRFProtect()
from api.throttle import limiter  # noqa: E402 - the sign-in form's limit (see ``signin.py``)

LANGUAGES = ("zh", "en")
ROLES_ALL = ("admin", "bureau", "employer", "fair")
PUBLIC_ENDPOINTS = {"console.login", "console.static"}
"""Endpoints an anonymous visitor may open; every other console route needs ``@console_page``
(a test walks the URL map and checks each one redirects to the sign-in page)."""

PASSWORD_CHANGE_ENDPOINTS = {"console.password", "console.logout"}
"""What a user whose one-time password must be changed can open before changing it."""

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")


# --- navigation ------------------------------------------------------------------------------

@dataclass(frozen=True)
class NavItem:
    label_zh: str
    label_en: str
    endpoint: str
    roles: frozenset[str]
    order: int = 100
    description_zh: str = ""
    description_en: str = ""


NAV: dict[str, NavItem] = {}


def nav_item(label_zh: str, label_en: str, endpoint: str, roles: Iterable[str], *, order: int = 100,
             description_zh: str = "", description_en: str = "") -> NavItem:
    """Add a navigation entry (call it at import of the page module that serves ``endpoint``).

    ``endpoint`` is the full name (``"console.admin_users"``); ``roles`` who see the entry;
    ``order`` sorts the entries (lower first). Registering the same endpoint again replaces it.
    """
    item = NavItem(label_zh, label_en, endpoint, frozenset(roles), order, description_zh, description_en)
    NAV[endpoint] = item
    return item


def nav_for(role: str) -> list[NavItem]:
    return sorted((i for i in NAV.values() if role in i.roles), key=lambda i: (i.order, i.endpoint))


# --- language --------------------------------------------------------------------------------

def lang() -> str:
    return session.get("lang") if session.get("lang") in LANGUAGES else "zh"


def t(zh: str, en: str) -> str:
    """The text in the chosen language (Chinese unless the user switched to English)."""
    return en if lang() == "en" else zh


def lang_url(code: str) -> str:
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return url_for(request.endpoint or "console.home", **(request.view_args or {}), **args)


# --- the session ------------------------------------------------------------------------------

class ConsoleSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, sent with ``Secure`` when configured or when the request itself
    came over HTTPS (behind a proxy, configure ``SESSION_COOKIE_SECURE``)."""

    def get_cookie_secure(self, app) -> bool:  # noqa: ANN001 - Flask's signature
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def password_stamp(user: User) -> str:
    return user.password_changed_at.isoformat() if user.password_changed_at else ""


def sign_in(user: User) -> None:
    """Start a fresh session for ``user`` (a new cookie: no fixation of an earlier one)."""
    language = lang()
    session.clear()
    session.permanent = True
    session.update(uid=user.id, pw=password_stamp(user), iat=time.time(), seen=int(time.time()), lang=language)
    g.console_user = user
    g.principal = principal_for(user)


def sign_out(reason: str | None = None) -> None:
    """End the session; ``reason`` (``idle``, ``invalid``) is shown once on the sign-in page."""
    language = lang()
    session.clear()
    session["lang"] = language
    if reason:
        session["signed_out"] = reason
    g.pop("console_user", None)
    g.pop("principal", None)


def signed_in_user() -> User | None:
    return g.get("console_user")


def _load_user() -> None:
    """The session's user, re-read every request; signs out what is no longer valid."""
    g.console_user = None
    if request.args.get("lang") in LANGUAGES:
        session["lang"] = request.args["lang"]
    uid = session.get("uid")
    if uid is None:
        return
    now = int(time.time())
    idle = int(current_app.config["CONSOLE_IDLE_MINUTES"]) * 60
    if now - int(session.get("seen", 0)) > idle:
        sign_out("idle")
        return
    user = db.session().get(User, uid)
    revoked = user.sessions_revoked_at.timestamp() if user is not None and user.sessions_revoked_at else 0.0
    if user is None or not user.active or password_stamp(user) != session.get("pw") \
            or float(session.get("iat", 0)) <= revoked:
        sign_out("invalid")
        return
    if now - int(session.get("seen", 0)) >= 30:  # refresh the idle clock, not on every click
        session["seen"] = now
    g.console_user = user
    g.principal = principal_for(user)


@bp.before_request
def _before() -> None:
    _load_user()
    csrf.protect()  # POST/PUT/PATCH/DELETE only (WTF_CSRF_METHODS); 400 when missing or wrong


def console_page(*roles: str) -> Callable[[F], F]:
    """Make a view a console page for ``roles`` (none given: any signed-in user).

    Anonymous (or signed-out) visitors are redirected to the sign-in page, which returns them
    here afterwards; a signed-in user of another role gets 403. Inside the view ``g.principal``
    is the user's ``api.auth.Principal``: call the services exactly as the API resources do.
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if signed_in_user() is None:
                target = request.full_path if request.method == "GET" else request.path
                return redirect(url_for("console.login", next=target.rstrip("?")))
            if signed_in_user().password_must_change and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
                return redirect(url_for("console.password"))
            if roles and g.principal.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapper.console_roles = roles  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def safe_next(target: str | None) -> str | None:
    """Only a console path of this site (never another host, never ``//host``)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console") or target.startswith("//") \
            or "\\" in target:
        return None
    return target


# --- responses ---------------------------------------------------------------------------------

def _headers(response: Response) -> Response:
    """On every answer under /console (also the 404 of an address no route matched)."""
    if not (request.path == "/console" or request.path.startswith("/console/")):
        return response
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if request.endpoint != "console.static":
        # Console pages show personal data: no browser or proxy may keep a copy.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def error_page(status: int, message: str | None = None) -> tuple[str, int]:
    phrase = HTTPStatus(status).phrase
    default = {
        400: ("请求无效，请返回重试（表单可能已过期）", "Bad request; go back and try again (the form may have expired)"),
        403: ("您无权打开此页面", "You are not allowed to open this page"),
        429: ("登录尝试过于频繁，请稍后再试", "Too many sign-in attempts from here; try again later"),
        404: ("未找到，或不在您的管辖范围内", "Not found, or not within your scope"),
    }.get(status, (phrase, phrase))
    return render_template("console/error.html", status=status, phrase=phrase,
                           message=message or t(*default)), status


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    if exc.code is None or exc.code < 400:
        return exc
    response = current_app.make_response(error_page(exc.code))
    if exc.code in (405, 429):
        response.headers.update({k: v for k, v in exc.get_headers() if k in ("Allow", "Retry-After")})
    return response


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    """A service's refusal that a page did not turn into field messages (e.g. 404 out of scope)."""
    return error_page(exc.status, exc.message)


def init_app(app) -> None:  # noqa: ANN001
    app.config.update(
        WTF_CSRF_CHECK_DEFAULT=False,  # only the console's forms are checked (in ``_before``)
        WTF_CSRF_TIME_LIMIT=None,  # a token is valid as long as its session
        SESSION_COOKIE_NAME="jm_console", SESSION_COOKIE_PATH="/console",
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=int(app.config["CONSOLE_IDLE_MINUTES"])),
    )
    app.session_interface = ConsoleSessionInterface()
    csrf.init_app(app)
    app.after_request(_headers)
    app.jinja_env.globals.update(t=t, lang=lang, lang_url=lang_url, nav_for=nav_for,
                                 signed_in_user=signed_in_user)
