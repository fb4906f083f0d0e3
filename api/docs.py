"""flask-smorest Api (OpenAPI at /api/openapi.json) and a local Swagger UI."""
from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Flask, send_from_directory
from flask_smorest import Api

from api.errors import handle_http_exception
from api.schemas.common import ErrorSchema


class JingmengApi(Api):
    """flask-smorest's Api with the service's one error shape.

    ``handle_http_exception`` overrides flask-smorest's own handler (registered by
    ``Api.init_app``), so every HTTP error, ``abort()`` included, goes through
    ``api.errors``; ``ERROR_SCHEMA`` documents that shape in the OpenAPI spec.
    """

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):  # noqa: ANN001 - flask-smorest's signature
        from flask import request

        if (request.path == "/console" or request.path.startswith("/console/")) and (error.code or 500) >= 400:
            # A console URL that matched no route (the console blueprint's own handler answers
            # everything else): an HTML page for people, not the API's JSON.
            from api.console.frame import error_page

            return error_page(error.code)
        return handle_http_exception(error)


def init_app(app: Flask) -> None:
    api = JingmengApi(app)
    app.extensions["jm.api"] = api
    assets = Path(swagger_ui_bundle.swagger_ui_path)

    @app.get("/api/swagger-ui/<path:filename>")
    def swagger_ui_asset(filename: str):
        return send_from_directory(assets, filename, max_age=86400)


def api(app: Flask) -> Api:
    return app.extensions["jm.api"]
