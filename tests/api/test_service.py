"""Service-wide behaviour: probes, OpenAPI, Swagger UI, error shape, request ids, CLI tokens."""
from __future__ import annotations

from sqlalchemy import text

from models.db.migrate import head_revision


def test_readyz_reports_the_migration(api):
    body = api.get(None, "/readyz").get_json()
    assert body == {"status": "ok", "database": "ok", "migration": head_revision()}


def test_readyz_is_503_when_the_schema_is_not_current(app, client):
    engine = app.extensions["jm.engine"]
    with engine.begin() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('older')"))
    try:
        r = client.get("/readyz")
        assert r.status_code == 503 and r.get_json()["migration"] == "older"
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
            for v in versions:
                conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": v})


def test_openapi_and_swagger_ui_are_served(api):
    spec = api.get(None, "/api/openapi.json").get_json()
    assert spec["info"]["title"] == "Jingmeng Match API"
    assert "/api/v1/workers" in spec["paths"] and "bearer" in spec["components"]["securitySchemes"]
    page = api.get(None, "/api/docs")
    assert page.status_code == 200 and b"swagger" in page.data.lower()
    asset = api.get(None, "/api/swagger-ui/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000


def test_errors_share_one_shape_and_echo_the_request_id(api):
    r = api.get("bureau", "/api/v1/nothing-here", headers={"X-Request-ID": "abc123"})
    assert r.status_code == 404 and r.headers["X-Request-ID"] == "abc123"
    assert set(r.get_json()) == {"code", "status", "message"}
    bad_json = api.post("bureau", "/api/v1/workers", data="{not json", content_type="application/json")
    assert bad_json.status_code in (400, 422) and set(bad_json.get_json()) >= {"code", "status", "message"}


def test_token_create_prints_a_working_token_once(app, runner, api):
    result = runner.invoke(args=["token", "create", "--role", "bureau", "--county", "150921"])
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("jm_bureau_")
    r = app.test_client().get("/api/v1/workers", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    with app.extensions["jm.engine"].connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM api_tokens")).scalars().all()
    assert token not in stored and all(len(h) == 64 for h in stored)


def test_token_create_rejects_unknown_county(runner):
    result = runner.invoke(args=["token", "create", "--role", "bureau", "--county", "999999"])
    assert result.exit_code != 0 and "unknown county" in result.output.lower()


def test_token_create_checks_the_scope_as_user_create_does(runner):
    """A scope the role does not have is refused, as ``jingmeng users create`` refuses it."""
    result = runner.invoke(args=["token", "create", "--role", "employer", "--county", "150921"])
    assert result.exit_code != 0
    assert "only bureau users have counties" in result.output.lower()
    assert "an employer user needs an existing employer" in result.output.lower()


def test_audit_log_is_append_only(app, api):
    api.post("bureau", "/api/v1/workers", json=__import__("tests.factories", fromlist=["x"]).worker_payload())
    import pytest
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError):
        with app.extensions["jm.engine"].begin() as conn:
            conn.execute(text("UPDATE audit_log SET action = 'tampered'"))
    with pytest.raises(DBAPIError):
        with app.extensions["jm.engine"].begin() as conn:
            conn.execute(text("DELETE FROM audit_log"))


def test_audit_log_refuses_truncate_on_postgresql(app, api, database):
    import pytest
    from sqlalchemy.exc import DBAPIError

    if database.backend != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE is refused above")
    from models.db import make_engine

    api.post("bureau", "/api/v1/workers", json=__import__("tests.factories", fromlist=["x"]).worker_payload())
    # The service's role has no TRUNCATE privilege (migration 0022) …
    with pytest.raises(DBAPIError, match="permission denied"):
        with app.extensions["jm.engine"].begin() as conn:
            conn.execute(text("TRUNCATE audit_log"))
    # … and even the tables' owner is refused by the statement trigger (migration 0013).
    owner = make_engine(database.url)
    try:
        with pytest.raises(DBAPIError, match="append-only"):
            with owner.begin() as conn:
                conn.execute(text("TRUNCATE audit_log"))
    finally:
        owner.dispose()
    with app.extensions["jm.engine"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() > 0
