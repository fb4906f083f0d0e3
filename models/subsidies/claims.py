"""Use cases on subsidy claims: evaluate placements, record claims once, review, pay.

Request-side functions take the caller's ``session`` and only flush; the caller commits.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
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
from models.db.upsert import insert_ignore, insert_ignore_many
from models.scheduling.runner import BATCH_PARTITION_SIZE

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
    return facts_from(placement, [sr.Span(*row) for row in rows])


def facts_from(placement: Placement, spans: list[sr.Span]) -> sr.PlacementFacts:
    """``facts_for`` with the worker's job spans already read (a partition reads them at once)."""
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


def record_claims(*, session: Session, findings: list[Finding]) -> list[int]:
    """``record_claim`` for many findings in a few multi-row INSERT … ON CONFLICT DO NOTHING
    statements; returns the placement ids whose claim was inserted."""
    now = utcnow()
    rows = [dict(
        worker_id=f.placement.worker_id, placement_id=f.placement.id, employer_id=f.placement.employer_id,
        county_code=f.placement.county_code, policy_id=f.policy.id, policy_key=f.policy.key,
        policy_version=f.policy.version, period_key=f.evaluation.period_key, state="eligible",
        amount_fen=f.evaluation.amount_fen, payee=f.evaluation.payee, conditions=f.evaluation.conditions_json(),
        evidence_accepted=list(f.evaluation.evidence_accepted), evidence_seen=[],
        qualified_on=f.evaluation.qualified_on, created_at=now, updated_at=now, version=1) for f in findings]
    return insert_ignore_many(session, SubsidyClaim, rows, ("worker_id", "policy_key", "period_key"),
                              returning="placement_id")


def run_eligibility(*, sessions: sessionmaker[Session], as_of: date, county: str | None = None,
                    heartbeat: Callable[[], None] | None = None,
                    after_claim: Callable[[int], None] | None = None,
                    partition_size: int = BATCH_PARTITION_SIZE) -> dict[str, int]:
    """Evaluate every recent placement of counties with policies, a partition at a time.

    Deliberately a multi-transaction batch for the eligibility job and ``jingmeng subsidies``:
    it takes the session factory, not a session. Placements are read by keyset pagination
    on the id, ``partition_size`` at a time with their workers' job spans, the counties'
    policies and the claims already made; the partition's new claims are inserted in bulk
    and committed together, so a crash midway keeps the partitions already done and a
    re-run adds nothing twice (UNIQUE worker, policy key, period).
    ``after_claim`` is called for each new claim after its commit (tests simulate a crash).
    """
    counts = {"placements": 0, "eligible": 0, "claims_created": 0, "claims_existing": 0,
              "claims_updated": 0, "awaiting_start_evidence": 0}
    with sessions() as session:
        counties = [county] if county else counties_with_policies(session=session, as_of=as_of)
    recent = (Placement.county_code.in_(counties), Placement.start_date <= as_of,
              or_(Placement.end_date.is_(None), Placement.end_date >= as_of - timedelta(days=RECENT_DAYS)))
    after = 0
    while True:
        with sessions() as session:
            placements = session.scalars(select(Placement).where(*recent, Placement.id > after)
                                         .order_by(Placement.id).limit(partition_size)).all()
            if not placements:
                break
            after = placements[-1].id
            created = _evaluate_partition(session, placements, as_of, counts)
            session.commit()
        counts["claims_created"] += len(created)
        for placement_id in created:
            if after_claim:
                after_claim(placement_id)
        if heartbeat:
            heartbeat()
    return counts


def _evaluate_partition(session: Session, placements: Sequence[Placement], as_of: date,
                        counts: dict[str, int]) -> list[int]:
    workers = sorted({p.worker_id for p in placements})
    spans: dict[int, list[sr.Span]] = defaultdict(list)
    for worker_id, *span in session.execute(select(
            Placement.worker_id, Placement.start_date, Placement.end_date, Placement.employer_id)
            .where(Placement.worker_id.in_(workers))):
        spans[worker_id].append(sr.Span(*span))
    policies = {c: policies_in_force(session=session, county_code=c, as_of=as_of)
                for c in sorted({p.county_code for p in placements})}
    existing = {(c.worker_id, c.policy_key, c.period_key): c for c in session.scalars(
        select(SubsidyClaim).where(SubsidyClaim.worker_id.in_(workers)))}
    new: dict[tuple[int, str, str], Finding] = {}
    for placement in placements:
        counts["placements"] += 1
        facts = facts_from(placement, spans[placement.worker_id])
        for policy in policies[placement.county_code]:
            evaluation = sr.evaluate(facts, policy.rules, valid_from=policy.valid_from,
                                     valid_to=policy.valid_to, as_of=as_of)
            if not evaluation.eligible:
                continue
            counts["eligible"] += 1
            if placement.awaiting_start_evidence:
                # A back-dated start is only a claim once a document confirmed it.
                counts["awaiting_start_evidence"] += 1
                continue
            key = (placement.worker_id, policy.key, evaluation.period_key)
            claim = existing.get(key)
            if claim is None and key not in new:
                new[key] = Finding(placement, policy, evaluation)
                continue
            counts["claims_existing"] += 1
            if claim is not None and claim.placement_id == placement.id \
                    and refresh_amount(session=session, claim=claim, evaluation=evaluation):
                counts["claims_updated"] += 1
    created = record_claims(session=session, findings=list(new.values()))
    counts["claims_existing"] += len(new) - len(created)  # made meanwhile by a concurrent run
    return created


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
