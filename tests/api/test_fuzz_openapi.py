"""Property-based fuzzing of every operation from the OpenAPI spec: never a 500, and every
answer as the document says (status code, content type, headers, response schema).

schemathesis generates valid and deliberately invalid requests from /api/openapi.json and
sends them through the WSGI app as an administrator (the role that reaches every operation)
and as a county bureau (whose answers are scoped and masked). ``FUZZ_EXAMPLES`` sets the
examples per operation (CI: 40, about 5,000 cases over both roles);
``bench/bench_fuzz.py`` runs it longer.
"""
from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_headers_conformance,
                                 response_schema_conformance, status_code_conformance)

from tests.conftest import make_app
from tests.factories import ZHUOZI

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))


@pytest.fixture
def fuzz_app(sqlite_database, tmp_path):
    from api.commands.core import create_token
    from models.db import session_scope

    sqlite_database.reset()
    app = make_app(sqlite_database)
    app.instance_path = str(tmp_path / "instance")
    with session_scope(app.extensions["jm.sessions"]) as session:
        app.config["FUZZ_TOKENS"] = {
            "admin": create_token(session, role="admin", name="fuzz"),
            "bureau": create_token(session, role="bureau", name="fuzz", counties=[ZHUOZI]),
        }
    yield app
    app.extensions["jm.engine"].dispose()


@pytest.mark.parametrize("role", ["admin", "bureau"])
def test_every_operation_answers_as_documented_and_never_500(fuzz_app, role):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)
    headers = {"Authorization": f"Bearer {fuzz_app.config['FUZZ_TOKENS'][role]}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    statuses: Counter[int] = Counter()
    failures: list[str] = []

    for operation in operations:
        @given(case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE))
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def conforms(case) -> None:
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS)
            except BaseException as exc:  # schemathesis raises a FailureGroup (an exception group)
                if isinstance(exc, KeyboardInterrupt):
                    raise
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}: {str(exc)[:300]}")
                raise

        try:
            conforms()
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt) or not failures:
                raise
    total = sum(statuses.values())
    print(f"\n{role}: {total} cases over {len(operations)} operations; statuses {dict(sorted(statuses.items()))}")
    assert not failures, "\n".join(failures[:20])
    # some operations have fewer distinct inputs than EXAMPLES (hypothesis stops early)
    assert total > EXAMPLES * len(operations) * 0.8 and any(s < 300 for s in statuses)
