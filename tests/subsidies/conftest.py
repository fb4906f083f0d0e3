"""Arrange placements, policies and claims for the subsidy, scheduler and outbox tests."""
from __future__ import annotations

from datetime import date
from typing import Any


from models.subsidies import policies as subsidy_service
from models.placements.tables import Placement
from tests.factories import ZHUOZI, worker_payload

OLD = date(2020, 1, 1)  # policies valid from here, so tests do not depend on today's date


def add_worker(api, seq: int, county: str = ZHUOZI, **overrides: Any) -> int:
    role = "bureau" if county == ZHUOZI else "admin"
    r = api.post(role, "/api/v1/workers", json=worker_payload(seq=seq, county=county, **overrides))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def add_placement(session, worker_id: int, *, start: date, county: str = ZHUOZI, **overrides: Any) -> Placement:
    values: dict[str, Any] = dict(
        worker_id=worker_id, county_code=county, poverty_status="alleviated", destination="beijing",
        workplace_code="110105", start_date=start, monthly_wage=5000, contract_months=12,
        social_insurance=True, employer_id=None)
    values.update(overrides)
    placement = Placement(**values)
    session.add(placement)
    session.commit()
    return placement


def county_policy(session, template: str, county: str = ZHUOZI, **overrides: Any):
    """Copy a shipped template to a county, enabled, valid from 2020."""
    from api.commands.subsidies import load_templates

    if subsidy_service.current_by_key(session, template) is None:
        load_templates(session)
    data = {"template": template, "county_code": county, "valid_from": OLD, "enabled": True, **overrides}
    policy = subsidy_service.create_policy(session=session, data=data, created_by=None)
    session.commit()
    return policy
