"""The ``jingmeng`` command: a Flask CLI group over ``api.create_app``.

Each module in ``api/commands`` contributes its commands through ``register(app)``.
"""
from __future__ import annotations

import importlib
import pkgutil

from flask import Flask
from flask.cli import FlaskGroup

import api.commands


def register(app: Flask) -> None:
    for info in sorted(pkgutil.iter_modules(api.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"api.commands.{info.name}")
        module.register(app)


def _factory() -> Flask:
    from api import create_app

    return create_app()


cli = FlaskGroup(create_app=_factory, help="Jingmeng Match — 京蒙劳务协作 job matching.")


def main() -> None:
    cli(prog_name="jingmeng")
