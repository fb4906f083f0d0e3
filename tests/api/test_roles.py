"""Every endpoint × every role: 401 without a token, 403 for a role that may not call it,
and never 401/403 for a role that may (object-level scope is tested per resource).

The tables live in tests/role_tables/ (one module per area). An endpoint without a row
fails ``test_every_endpoint_is_in_a_table``.
"""
from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.role_tables as role_tables

TABLES = [importlib.import_module(f"tests.role_tables.{m.name}")
          for m in sorted(pkgutil.iter_modules(role_tables.__path__), key=lambda m: m.name)]
ALLOWED: dict[str, set[str]] = {k: v for t in TABLES for k, v in t.ALLOWED.items()}
OWNER = {k: t for t in TABLES for k in t.ALLOWED}
ROLES = ("admin", "bureau", "employer", "fair")
PUBLIC = {"GET /healthz", "GET /readyz"}


def api_routes(app) -> set[str]:
    out = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") or rule.rule in ("/healthz", "/readyz"):
            out |= {f"{m} {rule.rule}" for m in rule.methods - {"HEAD", "OPTIONS"}}
    return out


def test_every_endpoint_is_in_a_table(app):
    assert api_routes(app) == set(ALLOWED) | PUBLIC


def concrete(rule: str, ids: dict[str, int]) -> str:
    rule = rule.replace("<string:version>", "v0")
    for key, value in ids.items():
        rule = rule.replace(f"<int:{key}>", str(value))
    assert "<" not in rule, f"no id for {rule}"
    return rule


@pytest.mark.parametrize("endpoint", sorted(ALLOWED))
def test_endpoint_by_role(api, endpoint):
    method, rule = endpoint.split(" ", 1)
    path = concrete(rule, OWNER[endpoint].make_ids(api))
    kwargs = {"json": {}} if method in ("POST", "PATCH", "PUT") else {}
    assert api.request(method, None, path, **kwargs).status_code == 401
    assert api.request(method, None, path, headers={"Authorization": "Bearer nope"}, **kwargs).status_code == 401
    for role in ROLES:
        status = api.request(method, role, path, **kwargs).status_code
        if role in ALLOWED[endpoint]:
            assert status not in (401, 403), (role, status)
        else:
            assert status == 403, (role, status)


@pytest.mark.parametrize("endpoint", sorted(PUBLIC))
def test_probes_need_no_token(api, endpoint):
    assert api.get(None, endpoint.split(" ", 1)[1]).status_code == 200
