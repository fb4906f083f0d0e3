"""One session per request, committed after a successful response, always closed."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from api.errors import DATABASE_UNAVAILABLE, database_unavailable
from sqlalchemy.orm import Session, sessionmaker

from models.db import make_engine
from models.db import make_session_factory
from models.access.pii import PiiKeys, PiiVault


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    engine = make_engine(url, role=app_role(app.config))
    app.extensions["jm.engine"] = engine
    app.extensions["jm.sessions"] = make_session_factory(engine)
    app.extensions["jm.vault"] = PiiVault(
        PiiKeys.from_b64(app.config["PII_ENC_KEY"], app.config["PII_INDEX_KEY"])
    )
    app.after_request(_commit)
    app.teardown_appcontext(_close)


def app_role(config: Any) -> str | None:
    """The PostgreSQL role the service works as (none on SQLite)."""
    return (config["DB_APP_ROLE"] or None) if config["DATABASE_URL"].startswith("postgresql") else None


def migration_engine() -> Engine:
    """An engine as the tables' owner, for ``jingmeng db upgrade`` (never the app role)."""
    config = current_app.config
    return make_engine(config["MIGRATION_DATABASE_URL"] or config["DATABASE_URL"])


def session_factory() -> sessionmaker[Session]:
    return current_app.extensions["jm.sessions"]


def session() -> Session:
    """The request's session (created on first use)."""
    if "db" not in g:
        g.db = session_factory()()
    return g.db


def vault() -> PiiVault:
    return current_app.extensions["jm.vault"]


def _commit(response: Response) -> Response:
    db: Session | None = g.get("db")
    if db is None:
        return response
    if response.status_code >= 400:
        _safe_rollback(db)
        _keep_refused_audit(response.status_code)
        return response
    try:
        db.commit()
    except IntegrityError as exc:
        db.rollback()
        from api.errors import error_response

        current_app.logger.warning("integrity conflict at commit", extra={"error": str(exc.orig)})
        return error_response(409, "与现有记录冲突 / Conflicts with an existing record")
    except DATABASE_UNAVAILABLE as exc:
        # The commit did not happen (or its outcome is unknown to the client): never a 200.
        _safe_rollback(db)
        return database_unavailable(exc)
    return response


def _keep_refused_audit(status: int) -> None:
    """The audit entries of a refused request, written in their own transaction."""
    trail = g.pop("audit_trail", None)
    if not trail:
        return
    from models.access.tables import AuditEntry

    try:
        with session_factory().begin() as own:
            own.add_all(AuditEntry(**{**values, "detail": {**values["detail"], "refused": status}})
                        for values in trail)
    except DATABASE_UNAVAILABLE:
        current_app.logger.warning("audit of a refused request not written: database unavailable")


def _safe_rollback(db: Session) -> None:
    try:
        db.rollback()
    except DATABASE_UNAVAILABLE:
        pass


def _close(_exc: BaseException | None) -> None:
    db: Session | None = g.pop("db", None)
    if db is not None:
        _safe_rollback(db)
        db.close()
