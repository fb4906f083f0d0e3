"""Shared fixtures: a migrated database per backend (SQLite always, PostgreSQL when
``TEST_DATABASE_URL`` is set), a fresh database state per test, apps, clients and tokens.

Without PostgreSQL the PostgreSQL runs skip with a clear message; under ``CI=true`` a
missing or unreachable PostgreSQL is a failure, not a skip.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from models.db import make_engine
from models.db import session_scope
from models.access.pii import PiiKeys

REFERENCE_TABLES = {"regions", "pairings", "occupations", "skills", "labor_brands", "alembic_version"}
TEST_KEYS = PiiKeys.generate()
ENC_KEY, INDEX_KEY = TEST_KEYS.to_b64()


def _load_reference(url: str) -> None:
    from seed.reference import prepare_database

    engine = make_engine(url)
    prepare_database(engine)
    engine.dispose()


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    in_ci = os.environ.get("CI", "").lower() == "true"
    if not url:
        if in_ci:
            pytest.fail("CI=true but TEST_DATABASE_URL is not set: the PostgreSQL tests must run in CI")
        pytest.skip("PostgreSQL tests skipped: set TEST_DATABASE_URL=postgresql+psycopg://… to run them")
    try:
        url = _per_worker_database(url)
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    except Exception as exc:  # unreachable server
        if in_ci:
            pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is unreachable in CI: {exc}")
        pytest.skip(f"PostgreSQL tests skipped: TEST_DATABASE_URL unreachable ({exc.__class__.__name__})")
    return url


def _per_worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (test_gw0, …)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@dataclass
class Database:
    """A migrated database with reference data, reset to that state by ``reset()``."""

    backend: str
    url: str
    template: Path | None = None

    def reset(self, app=None) -> None:
        if self.backend == "sqlite":
            if app is not None:
                app.extensions["jm.engine"].dispose()
            path = Path(self.url.removeprefix("sqlite:///"))
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.template, path)
            return
        engine = app.extensions["jm.engine"] if app is not None else make_engine(self.url)
        with engine.begin() as conn:
            names = [r[0] for r in conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
            data = [n for n in names if n not in REFERENCE_TABLES]
            if data:
                # The audit log refuses TRUNCATE (a trigger); a test database is emptied by a
                # superuser with triggers off for this transaction only.
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                conn.execute(text(f"TRUNCATE {', '.join(data)} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory) -> Database:
    root = tmp_path_factory.mktemp("sqlite")
    template = root / "template.db"
    _load_reference(f"sqlite:///{template}")
    engine = make_engine(f"sqlite:///{template}")
    with engine.connect() as conn:  # fold the WAL into the file so a plain copy is complete
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    return Database("sqlite", f"sqlite:///{root / 'test.db'}", template)


@pytest.fixture(scope="session")
def postgresql_database() -> Database:
    url = _postgres_url()
    _load_reference(url)
    return Database("postgresql", url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request) -> Database:
    """Parametrises a test over both backends."""
    return request.getfixturevalue(f"{request.param}_database")


def make_app(database: Database, **overrides):
    from api import create_app

    config = {
        "TESTING": True, "DATABASE_URL": database.url, "PII_ENC_KEY": ENC_KEY,
        "PII_INDEX_KEY": INDEX_KEY, "MODEL_SIGNING_KEY": INDEX_KEY, "LOG_LEVEL": "WARNING",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(database: Database, tmp_path) -> Iterator:
    database.reset()
    application = make_app(database)
    application.instance_path = str(tmp_path / "instance")
    yield application
    application.extensions["jm.engine"].dispose()
    if database.backend == "postgresql":
        database.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def sessions(app):
    """The app's session factory, for jobs and services that open their own sessions."""
    return app.extensions["jm.sessions"]


@pytest.fixture
def db_session(app):
    """A session outside any request, for arranging and inspecting data."""
    session = app.extensions["jm.sessions"]()
    yield session
    session.close()


class ApiClient:
    """Calls the API as a given role: ``api.post("bureau", "/api/v1/workers", json=…)``."""

    def __init__(self, client, tokens: dict[str, str]) -> None:
        self.client, self.tokens = client, tokens

    def _headers(self, role: str | None, headers: dict[str, str] | None) -> dict[str, str]:
        out = dict(headers or {})
        if role is not None:
            out["Authorization"] = f"Bearer {self.tokens[role]}"
        return out

    def request(self, method: str, role: str | None, path: str, **kw):
        kw["headers"] = self._headers(role, kw.get("headers"))
        response = self.client.open(path, method=method, **kw)
        assert response.status_code < 500, response.get_data(as_text=True)
        return response

    def get(self, role, path, **kw):
        return self.request("GET", role, path, **kw)

    def post(self, role, path, **kw):
        return self.request("POST", role, path, **kw)

    def patch(self, role, path, **kw):
        return self.request("PATCH", role, path, **kw)

    def delete(self, role, path, **kw):
        return self.request("DELETE", role, path, **kw)


@pytest.fixture
def tokens(app) -> dict[str, str]:
    """One token per role: ``bureau`` covers 卓资县, ``bureau_other`` 敖汉旗; ``employer``
    owns employer ``employers["own"]``, ``employer_other`` another one."""
    from api.commands.core import create_token
    from models.employers.tables import Employer
    from tests.factories import AOHAN, ZHUOZI, uscc_code

    with session_scope(app.extensions["jm.sessions"]) as session:
        own = Employer(name="北京甲物业公司", uscc=uscc_code(901), district_code="110105",
                       industry="物业", contact_name="王", verified=True)
        other = Employer(name="北京乙家政公司", uscc=uscc_code(902), district_code="110108",
                         industry="家政", contact_name="赵", verified=True)
        session.add_all([own, other])
        session.flush()
        out = {
            "admin": create_token(session, role="admin", name="admin"),
            "bureau": create_token(session, role="bureau", name="卓资县就业局", counties=[ZHUOZI]),
            "bureau_other": create_token(session, role="bureau", name="敖汉旗就业局", counties=[AOHAN]),
            "employer": create_token(session, role="employer", name="甲", employer_id=own.id),
            "employer_other": create_token(session, role="employer", name="乙", employer_id=other.id),
            "fair": create_token(session, role="fair", name="招聘会"),
        }
        out["_employer_id"], out["_employer_other_id"] = own.id, other.id  # type: ignore[assignment]
    return out


@pytest.fixture
def api(client, tokens) -> ApiClient:
    return ApiClient(client, tokens)
