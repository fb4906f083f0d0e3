"""Request-wide protections: bounded request bodies and the headers every answer carries.

A JSON body is small: six 300 MB bodies once took the workers from 0.85 to 5 GB. Uploads
(multipart forms) keep their own, larger limit (``MAX_UPLOAD_BYTES``, see
``api.resources.imports.limit_upload``). The limit is set on the request before anything
reads the body, so a chunked body without ``Content-Length`` is stopped too (werkzeug raises
413 when the stream passes it).
"""
from __future__ import annotations

from flask import Flask, Response, current_app, request

FORM_OVERHEAD = 64 * 1024
"""Room for a multipart form's boundaries and small fields beside the file."""


def body_limit() -> int:
    config = current_app.config
    if request.mimetype == "multipart/form-data":
        return config["MAX_UPLOAD_BYTES"] + FORM_OVERHEAD
    return config["MAX_JSON_BYTES"]


def _bound_body() -> None:
    request.max_content_length = body_limit()


def _headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.path.startswith("/api/v1/"):
        # Answers of the API may carry personal data (names, masked or full identifiers):
        # no browser or proxy may keep them.
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Pragma", "no-cache")
    return response


def init_app(app: Flask) -> None:
    app.before_request(_bound_body)
    app.after_request(_headers)
