"""Property-based fuzzing of every operation from the OpenAPI spec: never a 500.

schemathesis generates valid and deliberately invalid requests from /api/openapi.json and
sends them through the WSGI app as an administrator (the role that reaches every operation).
"""
from __future__ import annotations

import pytest
import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, given, settings

from tests.conftest import make_app


@pytest.fixture
def fuzz_app(sqlite_database, tmp_path):
    from api.commands.core import create_token
    from models.db import session_scope

    sqlite_database.reset()
    app = make_app(sqlite_database)
    app.instance_path = str(tmp_path / "instance")
    with session_scope(app.extensions["jm.sessions"]) as session:
        app.config["FUZZ_TOKEN"] = create_token(session, role="admin", name="fuzz")
    yield app
    app.extensions["jm.engine"].dispose()


def test_no_operation_answers_500(fuzz_app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)
    headers = {"Authorization": f"Bearer {fuzz_app.config['FUZZ_TOKEN']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    statuses: list[int] = []

    for operation in operations:
        @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def no_server_error(case) -> None:
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])

        no_server_error()
    assert len(statuses) > 5 * len(operations) and any(s < 300 for s in statuses)
