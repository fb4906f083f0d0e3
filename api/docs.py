"""flask-smorest Api (OpenAPI at /api/openapi.json) and a local Swagger UI."""
from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Flask, send_from_directory
from flask_smorest import Api


def init_app(app: Flask) -> None:
    api = Api(app)
    app.extensions["jm.api"] = api
    assets = Path(swagger_ui_bundle.swagger_ui_path)

    @app.get("/api/swagger-ui/<path:filename>")
    def swagger_ui_asset(filename: str):
        return send_from_directory(assets, filename, max_age=86400)


def api(app: Flask) -> Api:
    return app.extensions["jm.api"]
