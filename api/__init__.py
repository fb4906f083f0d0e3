"""Flask application factory for Jingmeng Match."""
from __future__ import annotations

from typing import Any

from flask import Flask

from api.config import Config, ensure_secrets


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app as a short list of named steps."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(Config.load(test_config))
    ensure_secrets(app.config, app.instance_path)
    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_logging(app: Flask) -> None:
    from api.logs import configure_logging, install_request_id

    configure_logging(app.config["LOG_LEVEL"], app.config["LOG_FILE"])
    install_request_id(app)


def register_extensions(app: Flask) -> None:
    from api import db, docs, protection, ranking, throttle

    protection.init_app(app)
    db.init_app(app)
    throttle.init_app(app)  # rate-limit counters in the database: after db
    docs.init_app(app)
    ranking.init_app(app)


def register_blueprints(app: Flask) -> None:
    from api import docs
    from api.http import BoundedIntConverter
    from api.resources import ALL_BLUEPRINTS

    app.url_map.converters["int"] = BoundedIntConverter

    for blueprint in ALL_BLUEPRINTS:
        docs.api(app).register_blueprint(blueprint)

    from api import console

    console.init_app(app)  # the server-rendered console at /console (plain Flask, not in the OpenAPI)


def register_errorhandlers(app: Flask) -> None:
    from api.errors import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    from api.cli import register

    register(app)
