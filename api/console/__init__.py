"""The console: server-rendered pages at ``/console`` for clerks, employers, fair operators and
administrators (issue 13). How a page module plugs in: docs/console.md.

    from api.console import bp, console_page, nav_item, load_form

A page module is any module in ``api/console/pages/``; each is imported when the app is built,
so its routes and navigation entries register themselves — no shared list to edit.
"""
from __future__ import annotations

import importlib
import pkgutil

from flask import Flask

from api.console.forms import FORM_ERROR, Form, flatten_messages, form_payload, load_form
from api.console.frame import (PUBLIC_ENDPOINTS, ROLES_ALL, bp, console_page, csrf, error_page, lang, nav_for, nav_item,
                               signed_in_user, t)

__all__ = ["FORM_ERROR", "Form", "PUBLIC_ENDPOINTS", "ROLES_ALL", "bp", "console_page", "csrf", "error_page",
           "flatten_messages", "form_payload", "init_app", "lang", "load_form", "nav_for", "nav_item",
           "signed_in_user", "t"]


def _import_pages() -> None:
    from api.console import pages, signin  # noqa: F401 - sign-in and sign-out routes

    for info in sorted(pkgutil.iter_modules(pages.__path__), key=lambda m: m.name):
        importlib.import_module(f"{pages.__name__}.{info.name}")


def init_app(app: Flask) -> None:
    from api.console import frame

    frame.init_app(app)
    _import_pages()
    app.register_blueprint(bp)
