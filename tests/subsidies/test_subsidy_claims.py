"""Eligibility and claims: explained eligibility, one claim per worker/policy/period under
concurrency and crashes, human review by the worker's county, frozen amounts, export."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from models import clock
from models.subsidies import claims as claim_service
from models.subsidies import policies as subsidy_service
from models.subsidies.tables import SubsidyClaim
from models.placements.tracking import add_months
from tests.concurrency import at_once
from tests.factories import AOHAN
from tests.subsidies.conftest import OLD, add_placement, add_worker, county_policy

TODAY = clock.today()


def claims(session) -> list[SubsidyClaim]:
    session.expire_all()
    return list(session.scalars(select(SubsidyClaim).order_by(SubsidyClaim.id)))


def test_eligibility_explains_what_is_met_and_missing(api, db_session):
    county_policy(db_session, "template-transport")
    county_policy(db_session, "template-stable-job")
    worker = add_worker(api, 1)
    add_placement(db_session, worker, start=add_months(TODAY, -4), monthly_wage=900)
    r = api.get("bureau", f"/api/v1/workers/{worker}/eligibility")
    assert r.status_code == 200
    items = {i["policy_key"].split("-", 1)[1]: i for i in r.get_json()["items"]}
    transport, stable = items["transport-2020"], items["stable-job-2020"]
    assert transport["eligible"] and transport["amount_fen"] == 100000 and transport["payee"] == "worker"
    assert transport["missing"] == [] and transport["qualified_on"] == add_months(TODAY, -1).isoformat()
    assert not stable["eligible"] and set(stable["missing"]) == {"months_with_employer", "monthly_wage"}
    wage = next(c for c in stable["conditions"] if c["condition"] == "monthly_wage")
    assert (wage["required"], wage["actual"], wage["met"]) == (100000, 90000, False)
    assert api.get("bureau_other", f"/api/v1/workers/{worker}/eligibility").status_code == 404
    assert api.get("admin", f"/api/v1/workers/{worker}/eligibility").status_code == 200


def test_eligibility_run_creates_claims_once_with_the_exact_policy_version(api, db_session, sessions):
    policy = county_policy(db_session, "template-transport")
    for seq in range(3):
        add_placement(db_session, add_worker(api, seq + 1), start=add_months(TODAY, -5))
    add_placement(db_session, add_worker(api, 9), start=add_months(TODAY, -1))  # too early
    counts = claim_service.run_eligibility(sessions=sessions, as_of=TODAY)
    assert counts["claims_created"] == 3, counts
    assert claim_service.run_eligibility(sessions=sessions, as_of=TODAY)["claims_created"] == 0
    made = claims(db_session)
    assert len(made) == 3 and {c.policy_id for c in made} == {policy.id}
    assert all(c.policy_version == 1 and c.amount_fen == 100000 and c.state == "eligible" for c in made)
    # a new version leaves existing claims on version 1
    subsidy_service.new_version(session=db_session, policy=policy, changes={"name": "改"}, created_by=None)
    db_session.commit()
    claim_service.run_eligibility(sessions=sessions, as_of=TODAY)
    assert {c.policy_version for c in claims(db_session)} == {1}


def test_the_database_refuses_a_second_claim_for_the_same_period(api, db_session, sessions):
    county_policy(db_session, "template-transport")
    worker = add_worker(api, 1)
    add_placement(db_session, worker, start=add_months(TODAY, -5))
    claim_service.run_eligibility(sessions=sessions, as_of=TODAY)
    original = claims(db_session)[0]
    from sqlalchemy.exc import IntegrityError

    copy = SubsidyClaim(**{c.key: getattr(original, c.key) for c in SubsidyClaim.__table__.columns if c.key != "id"})
    db_session.add(copy)
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()


def test_concurrent_eligibility_runs_never_duplicate(api, db_session, sessions):
    county_policy(db_session, "template-transport")
    county_policy(db_session, "template-employer-hiring")
    for seq in range(6):
        add_placement(db_session, add_worker(api, seq + 1), start=add_months(TODAY, -7),
                      employer_id=api.tokens["_employer_id"])
    at_once(lambda _: claim_service.run_eligibility(sessions=sessions, as_of=TODAY), range(4))
    made = claims(db_session)
    assert len(made) == 12
    assert len({(c.worker_id, c.policy_key, c.period_key) for c in made}) == 12
    hiring = [c for c in made if c.payee == "employer"]
    assert len(hiring) == 6 and all(c.amount_fen == 500000 and c.period_key == "ever" for c in hiring)


def test_a_run_killed_midway_and_rerun_leaves_no_duplicates(api, db_session, sessions):
    county_policy(db_session, "template-transport")
    for seq in range(5):
        add_placement(db_session, add_worker(api, seq + 1), start=add_months(TODAY, -4))
    seen: list[int] = []

    def crash_after_two(placement_id: int) -> None:
        seen.append(placement_id)
        if len(seen) == 2:
            raise KeyboardInterrupt("scheduler killed")

    with pytest.raises(KeyboardInterrupt):
        claim_service.run_eligibility(sessions=sessions, as_of=TODAY, after_claim=crash_after_two,
                                      partition_size=2)
    assert len(claims(db_session)) == 2
    again = claim_service.run_eligibility(sessions=sessions, as_of=TODAY)
    assert (again["claims_created"], again["claims_existing"]) == (3, 2)
    assert len(claims(db_session)) == 5


def _one_claim(api, db_session, sessions, template="template-transport", county=None, seq=1):
    kwargs = {"county": county} if county else {}
    county_policy(db_session, template, **kwargs)
    worker = add_worker(api, seq, **kwargs)
    add_placement(db_session, worker, start=add_months(TODAY, -7), employer_id=api.tokens["_employer_id"],
                  **kwargs)
    claim_service.run_eligibility(sessions=sessions, as_of=TODAY)
    return claims(db_session)[-1].id


def test_review_needs_a_reason_evidence_and_a_bureau_of_the_county(api, db_session, sessions):
    claim = _one_claim(api, db_session, sessions)
    url = f"/api/v1/claims/{claim}"
    ok = {"reason": "材料齐全，核验劳动合同", "evidence_seen": ["labour_contract"]}
    assert api.post("admin", f"{url}/approve", json=ok).status_code == 403
    assert api.post("bureau_other", f"{url}/approve", json=ok).status_code == 404
    r = api.post("bureau", f"{url}/approve", json={"evidence_seen": ["labour_contract"]})
    assert r.status_code == 422 and "reason" in r.get_json()["errors"]["json"]
    r = api.post("bureau", f"{url}/approve", json={"reason": "同意"})
    assert r.status_code == 422 and "evidence_seen" in r.get_json()["errors"]["json"]
    assert api.post("bureau", f"{url}/pay", json={"reason": "已发放"}).status_code == 409
    r = api.post("bureau", f"{url}/approve", json=ok)
    assert r.status_code == 200
    body = r.get_json()
    assert body["state"] == "approved" and body["decision_reason"] == ok["reason"] and body["decided_by"]
    assert api.post("bureau", f"{url}/reject", json={"reason": "改判"}).status_code == 409
    r = api.post("bureau", f"{url}/pay", json={"reason": "银行代发 2026-11 批次"})
    assert r.status_code == 200 and r.get_json()["state"] == "paid"


def test_rejection_is_final_for_the_period(api, db_session, sessions):
    claim = _one_claim(api, db_session, sessions)
    assert api.post("bureau", f"/api/v1/claims/{claim}/reject", json={"reason": "非县外就业"}).status_code == 200
    claim_service.run_eligibility(sessions=sessions, as_of=TODAY)
    assert [c.state for c in claims(db_session)] == ["rejected"]


def test_amount_and_conditions_freeze_at_approval(api, db_session, sessions):
    county_policy(db_session, "template-stable-job")
    policy = subsidy_service.current_by_key(db_session, f"150921-stable-job-{OLD.year}")
    rules = {**policy.rules, "amount": {"kind": "per_month", "fen_per_month": 20000, "max_months": 12}}
    subsidy_service.new_version(session=db_session, policy=policy, changes={"rules": rules}, created_by=None)
    db_session.commit()
    start = add_months(TODAY, -20)
    a, b = add_worker(api, 1), add_worker(api, 2)
    add_placement(db_session, a, start=start)
    add_placement(db_session, b, start=start)
    claim_service.run_eligibility(sessions=sessions, as_of=add_months(start, 7))
    first = claims(db_session)
    assert [c.amount_fen for c in first] == [140000, 140000]
    r = api.post("bureau", f"/api/v1/claims/{first[0].id}/approve",
                 json={"reason": "核验工资流水", "evidence_seen": ["bank_wage_records_3m"]})
    assert r.status_code == 200
    counts = claim_service.run_eligibility(sessions=sessions, as_of=add_months(start, 10))
    assert counts["claims_updated"] == 1
    approved, eligible = claims(db_session)
    assert approved.amount_fen == 140000 and eligible.amount_fen == 200000
    months = next(c for c in approved.conditions if c["condition"] == "months_with_employer")
    assert months["actual"] == 7


def test_claims_list_filters_and_scope(api, db_session, sessions):
    _one_claim(api, db_session, sessions)
    _one_claim(api, db_session, sessions, county=AOHAN, seq=2)
    assert api.get("bureau", "/api/v1/claims").get_json()["total"] == 1
    assert api.get("admin", "/api/v1/claims").get_json()["total"] == 2
    assert api.get("admin", f"/api/v1/claims?county={AOHAN}").get_json()["total"] == 1
    assert api.get("admin", "/api/v1/claims?state=approved").get_json()["total"] == 0
    assert api.get("admin", f"/api/v1/claims?period={TODAY.year}&policy=none").get_json()["total"] == 0
    assert api.get("admin", "/api/v1/claims?state=bogus").status_code == 422


def test_export_masks_id_numbers_and_names_the_payee(api, db_session, sessions):
    _one_claim(api, db_session, sessions, template="template-employer-hiring")
    _one_claim(api, db_session, sessions, seq=2)
    r = api.get("bureau", "/api/v1/claims/export.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert len(data) == 4 and "收款方 Payee" in header  # 2 workers × 2 policies
    id_col, payee_col = header.index("身份证号 ID (masked)"), header.index("收款方 Payee")
    assert all("********" in row[id_col] and len(row[id_col]) == 18 for row in data)
    assert {row[payee_col].split(":")[0] for row in data} == {"用人单位 / employer", "劳动者本人 / worker"}
    assert {row[header.index("金额(分) Fen")] for row in data} == {500000, 100000}


def test_placements_of_workers_outside_policy_counties_are_ignored(api, db_session, sessions):
    county_policy(db_session, "template-transport")
    add_placement(db_session, add_worker(api, 1, county=AOHAN), county=AOHAN, start=TODAY - timedelta(days=200))
    assert claim_service.run_eligibility(sessions=sessions, as_of=TODAY)["placements"] == 0
    assert db_session.scalar(select(func.count()).select_from(SubsidyClaim)) == 0
