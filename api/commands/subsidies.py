"""``jingmeng subsidies load-templates|evaluate``: the shipped policy templates and a manual check."""
from __future__ import annotations

import json
from importlib import resources
from typing import Any

import click
import yaml
from flask import Flask
from flask.cli import AppGroup
from marshmallow import ValidationError

from api.schemas.subsidies import TemplateSchema
from api import db
from models import clock
from models.subsidies import claims as claim_service
from models.db import session_scope
from models.subsidies import policies as subsidy_service


def read_templates() -> list[dict[str, Any]]:
    """The templates of seed/data/subsidy_templates.yaml, validated like an API request."""
    raw = yaml.safe_load(resources.files("seed.data").joinpath("subsidy_templates.yaml").read_text("utf-8"))
    try:
        return TemplateSchema(many=True).load(raw)
    except ValidationError as exc:  # a broken shipped file must fail loudly, never half-load
        raise click.ClickException(f"invalid subsidy template: {exc.messages}") from None


def load_templates(session) -> dict[str, int]:
    """Load (or update) the disabled templates; idempotent. Called by ``seed reference`` too."""
    return subsidy_service.upsert_templates(session=session, templates=read_templates())


def register(app: Flask) -> None:
    group = AppGroup("subsidies", help="Subsidy policies (补贴政策) and eligibility.")

    @group.command("load-templates")
    def load_templates_command() -> None:
        """Load the three policy templates of DOMAIN.md (disabled, no county)."""
        with session_scope(db.session_factory()) as session:
            counts = load_templates(session)
        click.echo(f"subsidy templates: {counts}")

    @group.command("evaluate")
    @click.option("--county", default=None, help="Only this county")
    def evaluate_command(county: str | None) -> None:
        """Run the eligibility check now without the job lock (prefer `jingmeng jobs run eligibility`)."""
        counts = claim_service.run_eligibility(sessions=db.session_factory(),
                                               as_of=clock.today(), county=county)
        click.echo(json.dumps(counts))

    app.cli.add_command(group)
