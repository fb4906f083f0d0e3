"""Every endpoint × every role: 401 without a token, 403 for a role that may not call it,
and never 401/403 for a role that may (object-level scope is tested per resource).

Adding an endpoint without a row here fails ``test_every_endpoint_is_in_the_table``.
"""
from __future__ import annotations

import pytest

from tests.factories import posting_payload, worker_payload

ALL = {"admin", "bureau", "employer", "fair"}
# "METHOD rule" → roles allowed. Placeholders: <int:worker_id>, <int:posting_id>, <int:employer_id>.
ALLOWED: dict[str, set[str]] = {
    "GET /api/v1/regions": ALL,
    "GET /api/v1/pairings": ALL,
    "GET /api/v1/workers": {"admin", "bureau"},
    "POST /api/v1/workers": {"admin", "bureau"},
    "GET /api/v1/workers/<int:worker_id>": {"admin", "bureau"},
    "PATCH /api/v1/workers/<int:worker_id>": {"admin", "bureau"},
    "POST /api/v1/workers/<int:worker_id>/erase": {"admin", "bureau"},
    "GET /api/v1/employers": ALL,
    "POST /api/v1/employers": {"admin"},
    "GET /api/v1/employers/<int:employer_id>": ALL,
    "PATCH /api/v1/employers/<int:employer_id>": {"admin", "employer"},
    "GET /api/v1/postings": ALL,
    "POST /api/v1/postings": {"admin", "employer"},
    "GET /api/v1/postings/<int:posting_id>": ALL,
    "PATCH /api/v1/postings/<int:posting_id>": {"admin", "employer"},
    "POST /api/v1/postings/<int:posting_id>/close": {"admin", "employer"},
}
PUBLIC = {"GET /healthz", "GET /readyz"}


def api_routes(app) -> set[str]:
    out = set()
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith("/api/v1") or rule.rule in ("/healthz", "/readyz")):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            out.add(f"{method} {rule.rule}")
    return out


def test_every_endpoint_is_in_the_table(app):
    assert api_routes(app) == set(ALLOWED) | PUBLIC


@pytest.fixture
def ids(api):
    worker = api.post("bureau", "/api/v1/workers", json=worker_payload()).get_json()["id"]
    posting = api.post("employer", "/api/v1/postings", json=posting_payload()).get_json()["id"]
    return {"worker_id": worker, "posting_id": posting, "employer_id": api.tokens["_employer_id"]}


def concrete(rule: str, ids: dict[str, int]) -> str:
    for key, value in ids.items():
        rule = rule.replace(f"<int:{key}>", str(value))
    assert "<" not in rule, f"no id for {rule}"
    return rule


@pytest.mark.parametrize("endpoint", sorted(ALLOWED))
def test_endpoint_by_role(api, ids, endpoint):
    method, rule = endpoint.split(" ", 1)
    path = concrete(rule, ids)
    kwargs = {"json": {}} if method in ("POST", "PATCH") else {}
    assert api.request(method, None, path, **kwargs).status_code == 401
    assert api.request(method, None, path, headers={"Authorization": "Bearer nope"}, **kwargs).status_code == 401
    for role in sorted(ALL):
        status = api.request(method, role, path, **kwargs).status_code
        if role in ALLOWED[endpoint]:
            assert status not in (401, 403), (role, status)
        else:
            assert status == 403, (role, status)


@pytest.mark.parametrize("endpoint", sorted(PUBLIC))
def test_probes_need_no_token(api, endpoint):
    assert api.get(None, endpoint.split(" ", 1)[1]).status_code == 200
