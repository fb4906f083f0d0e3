"""The OpenAPI document says what the service answers — on a populated database.

Random fuzzing mostly meets 404s on an empty database; here every read operation is called on
a demo world (workers with history, an erased worker, postings, applications, placements,
claims) with real ids, as an administrator and as a county bureau, and every answer is checked
against the document by schemathesis's conformance checks: documented status code, content
type, headers and response schema. PATCH without ``If-Match`` must be a documented 428.
"""
from __future__ import annotations

import re

import pytest
import schemathesis
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_headers_conformance,
                                 response_schema_conformance, status_code_conformance)
from sqlalchemy import func, select

from models.employers.tables import Employer
from models.placements.tables import Application, Placement
from models.postings.tables import Posting
from models.subsidies.tables import SubsidyClaim as Claim, SubsidyPolicy
from models.workers.tables import Worker

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture
def world(app, runner, db_session):
    result = runner.invoke(args=["seed", "demo", "--workers", "150", "--postings", "25", "--seed", "3",
                                 "--as-of", "2026-03-02"])
    assert result.exit_code == 0, result.output
    from api.commands.subsidies import load_templates

    load_templates(db_session)  # the shipped policy templates, as `jingmeng seed reference` loads them
    db_session.commit()
    tokens = runner.invoke(args=["token", "demo", "--port", "8123"]).output
    admin = re.search(r"jm_admin_\S+", tokens).group(0)
    bureau = re.search(r"jm_bureau_\S+", tokens).group(0)
    first = lambda model: db_session.scalar(select(func.min(model.id)))  # noqa: E731
    erased = db_session.scalar(select(func.max(Worker.id)))
    response = app.test_client().post(f"/api/v1/workers/{erased}/erase",
                                      headers={"Authorization": f"Bearer {admin}"})
    assert response.status_code == 200, response.get_json()
    ids = {"worker_id": first(Worker), "employer_id": first(Employer), "posting_id": first(Posting),
           "application_id": first(Application), "placement_id": first(Placement),
           "claim_id": first(Claim), "policy_id": first(SubsidyPolicy)}
    return {"admin": admin, "bureau": bureau, "ids": ids, "erased": erased}


def test_every_read_on_a_populated_world_matches_the_document(app, world):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    checked, failures = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET" or "{fair_id}" in operation.path:
            continue
        names = re.findall(r"{(\w+)}", operation.path)
        variants = [dict.fromkeys(names)]
        if "worker_id" in names:
            variants = [{**v, "worker_id": world["erased"]} for v in variants] + variants
        for params in variants:
            path_parameters = {n: params.get(n) or world["ids"].get(n) or 1 for n in names}
            for role in ("admin", "bureau"):
                case = operation.Case(path_parameters=path_parameters)
                response = case.call(headers={"Authorization": f"Bearer {world[role]}"})
                checked += 1
                try:
                    case.validate_response(response, checks=CHECKS)
                except BaseException as exc:  # schemathesis raises a FailureGroup
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    failures.append(f"{role} GET {operation.path} {path_parameters} → "
                                    f"{response.status_code}: {str(exc)[:400]}")
    assert checked > 60
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path, key", [("/api/v1/workers/{}", "worker_id"), ("/api/v1/employers/{}", "employer_id"),
                                       ("/api/v1/postings/{}", "posting_id"),
                                       ("/api/v1/subsidy-policies/{}", "policy_id")])
def test_patch_without_if_match_is_a_documented_428(app, world, path, key):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    template = path.replace("{}", "{" + key + "}")
    operation = schema[template]["PATCH"]
    response = app.test_client().patch(path.format(world["ids"][key]), json={},
                                       headers={"Authorization": f"Bearer {world['admin']}"})
    assert response.status_code == 428, response.get_json()
    assert "428" in operation.definition.raw["responses"]
