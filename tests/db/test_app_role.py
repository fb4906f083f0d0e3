"""PostgreSQL: the service works as the application role of migration 0022, which reads and
writes the tables but cannot TRUNCATE, ALTER, UPDATE or DELETE the audit log, nor alter or drop
any table; migrations run as the owner."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from models.db import make_engine
from tests.conftest import make_app
from tests.factories import worker_payload


@pytest.fixture
def pg_app(postgresql_database, tmp_path):
    postgresql_database.reset()
    app = make_app(postgresql_database)
    app.instance_path = str(tmp_path / "instance")
    yield app
    app.extensions["jm.engine"].dispose()
    postgresql_database.reset()


@pytest.mark.parametrize("statement", [
    "TRUNCATE audit_log",
    "DELETE FROM audit_log",
    "UPDATE audit_log SET action = 'x'",
    "ALTER TABLE audit_log DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_log_no_truncate ON audit_log",
    "ALTER TABLE workers ADD COLUMN smuggled text",
    "DROP TABLE audit_log",
    "TRUNCATE workers CASCADE",
    "CREATE TABLE shadow (id int)",
])
def test_the_app_connection_cannot_tamper_with_the_audit_log_or_the_schema(pg_app, statement):
    with pg_app.extensions["jm.engine"].connect() as conn:
        assert conn.execute(text("SELECT current_user")).scalar() == pg_app.config["DB_APP_ROLE"]
        with pytest.raises(ProgrammingError, match="permission denied|must be owner|must be a member"):
            conn.execute(text(statement))


def test_a_login_that_is_a_member_of_the_app_role_cannot_even_leave_it(postgresql_database):
    """The stronger deployment: ``DATABASE_URL`` logs in as a member of the role (no ``SET ROLE``,
    so no way back to the owner with ``RESET ROLE``)."""
    from sqlalchemy.engine import make_url

    owner = make_engine(postgresql_database.url, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = 'jingmeng_app_login'")).scalar():
            conn.execute(text("CREATE ROLE jingmeng_app_login LOGIN IN ROLE jingmeng_app"))
    owner.dispose()
    url = make_url(postgresql_database.url).set(username="jingmeng_app_login").render_as_string(hide_password=False)
    app_engine = make_engine(url)
    try:
        with app_engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM regions")).scalar() > 0
            for statement in ("TRUNCATE audit_log", "DELETE FROM audit_log", "ALTER TABLE audit_log DISABLE TRIGGER ALL",
                              "SET ROLE postgres"):
                with pytest.raises(ProgrammingError, match="permission denied|must be owner"):
                    conn.execute(text(statement))
                conn.rollback()
    finally:
        app_engine.dispose()


def test_the_app_connection_appends_to_the_audit_log_and_writes_the_tables(pg_app, api_on):
    api = api_on(pg_app)
    created = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=77))
    assert created.status_code == 201, created.get_json()
    worker = created.get_json()["id"]
    assert api.get("bureau", f"/api/v1/workers/{worker}?reveal=true").status_code == 200  # audited read
    with pg_app.extensions["jm.engine"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() >= 1


def test_the_owner_still_migrates_and_the_app_role_is_not_the_owner(postgresql_database):
    owner = make_engine(postgresql_database.url)
    with owner.connect() as conn:
        table_owner = conn.execute(text("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log'")).scalar()
        assert table_owner == conn.execute(text("SELECT current_user")).scalar() != "jingmeng_app"
        grants = set(conn.execute(text(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = 'jingmeng_app' AND table_name = 'audit_log'")).scalars())
    owner.dispose()
    assert grants == {"SELECT", "INSERT"}


@pytest.fixture
def api_on(tokens_for):
    from tests.conftest import ApiClient

    def make(app):
        return ApiClient(app.test_client(), tokens_for(app))

    return make


@pytest.fixture
def tokens_for():
    from api.commands.core import create_token
    from models.db import session_scope
    from tests.factories import ZHUOZI

    def make(app):
        with session_scope(app.extensions["jm.sessions"]) as session:
            return {"bureau": create_token(session, role="bureau", name="卓资县就业局", counties=[ZHUOZI])}

    return make
