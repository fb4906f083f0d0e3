"""Use cases on subsidy claims: evaluate placements, record claims once, review, pay.

Request-side functions take the caller's ``session`` and only flush; the caller commits.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.subsidies import rules as sr
from models.db.base import utcnow
from models.errors import Conflict, RuleViolation
from models.placements.tables import Placement
from models.subsidies.tables import SubsidyClaim, SubsidyPolicy
from models.subsidies.policies import counties_with_policies, policies_in_force
from models.db.upsert import insert_ignore

RECENT_DAYS = 800
"""Placements that ended longer ago cannot qualify for any policy still being evaluated."""


@dataclass(frozen=True)
class Finding:
    placement: Placement
    policy: SubsidyPolicy
    evaluation: sr.Evaluation


def facts_for(*, session: Session, placement: Placement) -> sr.PlacementFacts:
    """The engine's view of a placement, with continuous employment over the worker's jobs."""
    rows = session.execute(select(Placement.start_date, Placement.end_date, Placement.employer_id)
                           .where(Placement.worker_id == placement.worker_id)).all()
    spans = [sr.Span(*row) for row in rows]
    current = sr.Span(placement.start_date, placement.end_date, placement.employer_id)
    return sr.PlacementFacts(
        placement_id=placement.id, worker_id=placement.worker_id, employer_id=placement.employer_id,
        county_code=placement.county_code, poverty_status=placement.poverty_status,
        destination=placement.destination, workplace_code=placement.workplace_code,
        start_date=placement.start_date, end_date=placement.end_date,
        monthly_wage_fen=(placement.monthly_wage or 0) * 100,  # yuan; an unknown income meets no floor
        contract_months=placement.contract_months, social_insurance=placement.social_insurance,
        employed_since=sr.chain_start(spans, current, same_employer=False),
        with_employer_since=sr.chain_start(spans, current, same_employer=True),
    )


def evaluate_placement(*, session: Session, placement: Placement, as_of: date) -> list[Finding]:
    facts = facts_for(session=session, placement=placement)
    return [Finding(placement, policy, sr.evaluate(facts, policy.rules, valid_from=policy.valid_from,
                                                    valid_to=policy.valid_to, as_of=as_of))
            for policy in policies_in_force(session=session, county_code=placement.county_code, as_of=as_of)]


def evaluate_worker(*, session: Session, worker_id: int, as_of: date) -> list[Finding]:
    placements = session.scalars(select(Placement).where(
        Placement.worker_id == worker_id, Placement.start_date <= as_of).order_by(Placement.start_date))
    return [f for p in placements for f in evaluate_placement(session=session, placement=p, as_of=as_of)]


def record_claim(*, session: Session, finding: Finding) -> bool:
    """Insert the claim unless (worker, policy key, period) has one; True when inserted.

    INSERT … ON CONFLICT DO NOTHING on the UNIQUE constraint, so concurrent runs (threads,
    a second scheduler, a re-run after a crash) can never produce two claims.
    """
    ev, placement, policy = finding.evaluation, finding.placement, finding.policy
    now = utcnow()
    values = dict(
        worker_id=placement.worker_id, placement_id=placement.id, employer_id=placement.employer_id,
        county_code=placement.county_code, policy_id=policy.id, policy_key=policy.key,
        policy_version=policy.version, period_key=ev.period_key, state="eligible",
        amount_fen=ev.amount_fen, payee=ev.payee, conditions=ev.conditions_json(),
        evidence_accepted=list(ev.evidence_accepted), evidence_seen=[], qualified_on=ev.qualified_on,
        created_at=now, updated_at=now, version=1)
    return insert_ignore(session, SubsidyClaim, values, ("worker_id", "policy_key", "period_key"))


def run_eligibility(*, sessions: sessionmaker[Session], as_of: date, county: str | None = None,
                    heartbeat: Callable[[], None] | None = None,
                    after_claim: Callable[[int], None] | None = None) -> dict[str, int]:
    """Evaluate every recent placement of counties with policies; one commit per new claim.

    Deliberately a multi-transaction batch for the eligibility job and ``jingmeng subsidies``:
    it takes the session factory, not a session, and commits per placement so a crash midway
    keeps the claims already found (the request-side use cases here only flush).
    ``after_claim`` is called after each commit (used by tests to simulate a crash midway).
    """
    counts = {"placements": 0, "eligible": 0, "claims_created": 0, "claims_existing": 0,
              "claims_updated": 0, "awaiting_start_evidence": 0}
    with sessions() as session:
        counties = [county] if county else counties_with_policies(session=session, as_of=as_of)
        ids = list(session.scalars(select(Placement.id).where(
            Placement.county_code.in_(counties), Placement.start_date <= as_of,
            or_(Placement.end_date.is_(None), Placement.end_date >= as_of - timedelta(days=RECENT_DAYS)))
            .order_by(Placement.id)))
    for placement_id in ids:
        with sessions() as session:
            placement = session.get(Placement, placement_id)
            counts["placements"] += 1
            for finding in evaluate_placement(session=session, placement=placement, as_of=as_of):
                if not finding.evaluation.eligible:
                    continue
                counts["eligible"] += 1
                if placement.awaiting_start_evidence:
                    # A back-dated start is only a claim once a document confirmed it.
                    counts["awaiting_start_evidence"] += 1
                    continue
                created = record_claim(session=session, finding=finding)
                if not created:
                    existing = session.scalar(select(SubsidyClaim).where(
                        SubsidyClaim.worker_id == placement.worker_id,
                        SubsidyClaim.policy_key == finding.policy.key,
                        SubsidyClaim.period_key == finding.evaluation.period_key))
                    if existing is not None and existing.placement_id == placement_id \
                            and refresh_amount(session=session, claim=existing, evaluation=finding.evaluation):
                        counts["claims_updated"] += 1
                session.commit()
                counts["claims_created" if created else "claims_existing"] += 1
                if created and after_claim:
                    after_claim(placement_id)
        if heartbeat:
            heartbeat()
    return counts


def decide(*, session: Session, claim: SubsidyClaim, approve: bool, user_id: int, reason: str,
           evidence_seen: list[str] | None = None) -> SubsidyClaim:
    """Approve or reject an eligible claim; approval freezes its amount and conditions."""
    target = "approved" if approve else "rejected"
    if not claim.can_move_to(target):
        raise Conflict(f"申领状态为 {claim.state}，不能{'批准' if approve else '驳回'} / "
                       f"A {claim.state} claim cannot be {target}")
    seen = sorted(set(evidence_seen or ()))
    if approve and claim.evidence_accepted:
        if not seen:
            raise RuleViolation("批准须注明已核验的证明材料（任一）/ Name the evidence you checked (any one "
                                f"of: {', '.join(claim.evidence_accepted)})", field="evidence_seen")
        if extra := sorted(set(seen) - set(claim.evidence_accepted)):
            raise RuleViolation(f"该政策不接受此类材料 / Not accepted by this policy: {', '.join(extra)}",
                                field="evidence_seen")
    # Conditions and amount were written by the engine while eligible; from here they are frozen.
    claim.state, claim.decided_by, claim.decided_at = target, user_id, utcnow()
    claim.decision_reason, claim.evidence_seen = reason, seen
    session.flush()
    return claim


def pay(*, session: Session, claim: SubsidyClaim, user_id: int, reason: str) -> SubsidyClaim:
    if not claim.can_move_to("paid"):
        raise Conflict(f"申领状态为 {claim.state}，不能发放 / A {claim.state} claim cannot be paid")
    claim.state, claim.paid_by, claim.paid_at, claim.payment_note = "paid", user_id, utcnow(), reason
    session.flush()
    return claim


def refresh_amount(*, session: Session, claim: SubsidyClaim, evaluation: sr.Evaluation) -> bool:
    """Update a still-eligible claim whose amount grew (per-month subsidies); never after approval."""
    if claim.state != "eligible" or claim.amount_fen == evaluation.amount_fen or not evaluation.eligible:
        return False
    done = session.execute(update(SubsidyClaim).where(SubsidyClaim.id == claim.id, SubsidyClaim.state == "eligible")
                           .values(amount_fen=evaluation.amount_fen, conditions=evaluation.conditions_json(),
                                   updated_at=utcnow(), version=SubsidyClaim.version + 1)
                           .execution_options(synchronize_session=False))
    return (done.rowcount or 0) == 1


def claims_by_key(*, session: Session, worker_id: int) -> dict[tuple[str, str], SubsidyClaim]:
    return {(c.policy_key, c.period_key): c for c in session.scalars(
        select(SubsidyClaim).where(SubsidyClaim.worker_id == worker_id))}


def payee_label(claim: SubsidyClaim, worker_name: str, employer: Any | None) -> str:
    if claim.payee == "employer" and employer is not None:
        return f"用人单位 / employer: {employer.name} ({employer.uscc})"
    return f"劳动者本人 / worker: {worker_name}"
