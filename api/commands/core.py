"""Database, token and reference-data commands."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select, update

from api import db
from api.commands.users import usage_error
from models.access import accounts
from models.errors import DomainError
from models import clock
from models.db import migrate
from models.postings import service as posting_service
from models.db import session_scope
from models.access.tables import ROLES, ApiToken, User, hash_token, new_token
from models.db.base import utcnow
from models.employers.tables import Employer
from models.workers.tables import Worker
from seed.reference import load_reference


def sessions():
    return db.session_factory()


def create_token(session, *, role: str, name: str, counties: list[str] | None = None,
                 employer_id: int | None = None, fair_ids: list[int] | None = None,
                 label: str | None = None) -> str:
    """Create a user with one token; returns the token (shown once, stored hashed)."""
    user = User(name=name, role=role, counties=counties or [], employer_id=employer_id,
                fair_ids=fair_ids or [])
    session.add(user)
    session.flush()
    token = new_token(role)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), label=label))
    return token


def register(app: Flask) -> None:
    db_group = AppGroup("db", help="Database schema (Alembic migrations).")

    @db_group.command("upgrade")
    @click.option("--revision", default="heads")
    def db_upgrade(revision: str) -> None:
        """Migrate the database to the latest schema."""
        engine = db.migration_engine()  # the owner: the app role may not create or alter tables
        try:
            migrate.upgrade(engine, revision, vault=db.vault())
            click.echo(f"database at {migrate.current_revision(engine)}")
        finally:
            engine.dispose()

    @db_group.command("current")
    def db_current() -> None:
        """Show the schema revision and whether it is the latest."""
        engine = current_app.extensions["jm.engine"]
        click.echo(f"{migrate.current_revision(engine)} (head {migrate.head_revision()})")

    token_group = AppGroup("token", help="API tokens.")

    @token_group.command("create")
    @click.option("--role", type=click.Choice(ROLES), required=True)
    @click.option("--name", default=None, help="Who the token is for")
    @click.option("--county", "counties", multiple=True, help="County code (bureau), repeatable")
    @click.option("--employer", "employer_id", type=int, help="Employer id (employer role)")
    @click.option("--fair", "fair_ids", type=int, multiple=True, help="Fair id (fair role), repeatable")
    def token_create(role: str, name: str | None, counties: tuple[str, ...],
                     employer_id: int | None, fair_ids: tuple[int, ...]) -> None:
        """Create a user and print its token once (it is stored hashed)."""
        try:
            with session_scope(sessions()) as session:
                counties_, employer_id, fair_ids_ = accounts.check_scope(session, role, counties, employer_id,
                                                                        fair_ids)
                token = create_token(session, role=role, name=name or role, counties=counties_,
                                     employer_id=employer_id, fair_ids=fair_ids_)
        except DomainError as exc:
            raise usage_error(exc) from None
        click.echo(token)

    @token_group.command("revoke-label")
    @click.argument("label")
    def token_revoke_label(label: str) -> None:
        """Revoke every token carrying a label (e.g. the demo tokens)."""
        with session_scope(sessions()) as session:
            n = session.execute(update(ApiToken).where(ApiToken.label == label, ApiToken.revoked_at.is_(None))
                                .values(revoked_at=utcnow())).rowcount
        click.echo(f"revoked {n}")

    @token_group.command("demo")
    @click.option("--port", default=8000, type=int)
    def token_demo(port: int) -> None:
        """Replace the demo tokens (one per role) and print them with the service URLs."""
        with session_scope(sessions()) as session:
            session.execute(update(ApiToken).where(ApiToken.label == "demo", ApiToken.revoked_at.is_(None))
                            .values(revoked_at=utcnow()))
            employer_id = session.scalar(select(Employer.id).order_by(Employer.id))
            from models.reference.regions import Pairing

            # Every paired county and every county the data has workers in (the demo world has
            # four unpaired home counties too), so the demo bureau sees — and is alerted for — all.
            counties = sorted(set(session.scalars(select(Pairing.county_code)))
                              | set(session.scalars(select(Worker.county_code).distinct()))) or ["150921"]
            made = {
                "admin": create_token(session, role="admin", name="演示管理员", label="demo"),
                f"bureau ({len(counties)} counties)": create_token(
                    session, role="bureau", name="演示就业局", counties=counties, label="demo"),
                "fair": create_token(session, role="fair", name="演示招聘会", label="demo",
                                     fair_ids=_demo_fair_ids(session)),
            }
            if employer_id is not None:
                made[f"employer (#{employer_id})"] = create_token(
                    session, role="employer", name="演示用人单位", employer_id=employer_id, label="demo")
            from api.commands.users import demo_accounts

            signins = demo_accounts(session, counties=counties, employer_id=employer_id,
                                    fair_ids=_demo_fair_ids(session))
        base = f"http://127.0.0.1:{port}"
        click.echo(f"\nJingmeng Match is starting on {base}")
        click.echo(f"  Console    : {base}/console/   (sign in with a demo account below)")
        click.echo(f"  Swagger UI : {base}/api/docs")
        click.echo(f"  OpenAPI    : {base}/api/openapi.json")
        click.echo(f"  Health     : {base}/healthz  {base}/readyz")
        click.echo("Demo console accounts (username / password; a password is shown once, when the account is made):")
        for role, username, password in signins:
            shown = password or "(set earlier; new one: jingmeng users reset-password " + username + ")"
            click.echo(f"  {role:<10} {username:<16} {shown}")
        click.echo("Demo tokens (use as 'Authorization: Bearer <token>'; replaced at every start):")
        for role, token in made.items():
            click.echo(f"  {role:<28} {token}")
        click.echo("")

    seed_group = AppGroup("seed", help="Reference data and the synthetic demo world.")

    @seed_group.command("reference")
    def seed_reference() -> None:
        """Load regions (GB/T 2260), pairings, occupations, skills and the subsidy templates."""
        from api.commands.subsidies import load_templates

        with session_scope(sessions()) as session:
            summary = load_reference(session)
            templates = load_templates(session)
        click.echo(f"{summary}, subsidy templates {templates}")

    postings_group = AppGroup("postings", help="Posting maintenance.")

    @postings_group.command("expire")
    def postings_expire() -> None:
        """Mark postings past their expiry date as expired."""
        with session_scope(sessions()) as session:
            n = posting_service.expire_postings(session=session, today=clock.today())
        click.echo(f"expired {n}")

    workers_group = AppGroup("workers", help="Worker maintenance.")

    @workers_group.command("reindex")
    def workers_reindex() -> None:
        """Recompute the keyed ID-tail search indexes of every worker (after migration 0015 ran
        without the keys, or after the index key changed)."""
        from models.workers import service as worker_service

        with session_scope(sessions()) as session:
            n = worker_service.reindex_tails(session=session, vault=db.vault())
        click.echo(f"reindexed {n} workers")

    for group in (db_group, token_group, seed_group, postings_group, workers_group):
        app.cli.add_command(group)


def _demo_fair_ids(session) -> list[int]:
    """All fairs (once the fairs tables exist), so the demo fair operator sees them."""
    from sqlalchemy import inspect, text

    if "fairs" not in inspect(session.get_bind()).get_table_names():
        return []
    return list(session.scalars(text("SELECT id FROM fairs ORDER BY id")))
