"""Fixtures for the job-fair tests: operator tokens scoped to given fairs, fairs with people."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from models.db import session_scope
from tests.factories import posting_payload, worker_payload
from tests.role_tables.fairs import open_fair


@pytest.fixture
def operator(app, api) -> Callable[..., str]:
    """``operator("op_a", fair_id)`` adds a ``fair``-role token for those fairs to ``api``."""
    from api.commands.core import create_token

    def make(role_name: str, *fair_ids: int) -> str:
        with session_scope(app.extensions["jm.sessions"]) as session:
            api.tokens[role_name] = create_token(session, role="fair", name=role_name, fair_ids=list(fair_ids))
        return role_name

    return make


@pytest.fixture
def busy_fair(api) -> dict:
    """An open fair with two employers' postings and four checked-in attendees."""
    fair = open_fair(api)
    own = [api.post("employer", "/api/v1/postings", json=posting_payload(openings=n, title=f"保安{n}")).get_json()["id"]
           for n in (1, 2)]
    other = api.post("employer_other", "/api/v1/postings",
                     json=posting_payload(title="家政服务员", district_code="110108")).get_json()["id"]
    for pid in own:
        assert api.post("employer", f"/api/v1/fairs/{fair}/postings", json={"posting_id": pid}).status_code == 201
    assert api.post("employer_other", f"/api/v1/fairs/{fair}/postings", json={"posting_id": other}).status_code == 201
    workers = []
    for seq in range(201, 205):
        wid = api.post("bureau", "/api/v1/workers", json=worker_payload(seq=seq, name=f"李{seq}")).get_json()["id"]
        assert api.post("admin", f"/api/v1/fairs/{fair}/attendees", json={"worker_id": wid}).status_code == 201
        workers.append(wid)
    return {"fair": fair, "own": own, "other": other, "workers": workers}
