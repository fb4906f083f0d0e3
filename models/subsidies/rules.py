"""The subsidy eligibility engine: pure functions over placement facts and a policy's rules.

No database and no clock: the caller passes the facts and the evaluation date, and gets
back every condition with the values compared (met / not met), the amount in fen, the
payee and the period the claim belongs to — enough to explain a decision to a worker and
to the reviewing bureau (PIPL Art. 24: the decision itself stays with a person).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from matching.profiles import POVERTY_STATUSES
from models.placements.tracking import add_months, months_employed

GROUPS = POVERTY_STATUSES
"""The groups a policy may name are the workers' poverty statuses (Worker.poverty_status)."""
TIERS = ("cross_province", "other_prefecture", "same_prefecture", "home_county")
"""Destination tiers, farthest first: another province (Beijing included), another 盟市 of
the region, another county of the same 盟市, the worker's own county."""
LIMITS = ("once_per_year", "once_ever")
PAYEES = ("worker", "employer")
AMOUNT_KINDS = ("fixed", "per_month", "by_tier")
EVIDENCE = ("labour_contract", "bank_wage_records_3m", "stamped_payroll", "employer_certificate_uscc",
            "social_insurance_certificate", "village_certificate")
"""Accepted evidence (any one): contract; 3 months of bank wage records or a stamped payroll;
an employer certificate bearing its USCC; a social-insurance certificate; failing those a
certificate from the village secretary and resident first secretary."""
MAX_CHAIN_GAP_DAYS = 31
"""Two jobs separated by at most this many days still count as continuous employment."""

LABELS = {
    "eligible_group": "帮扶对象类别 / eligible group",
    "destination_tier": "就业地类别 / destination tier",
    "continuous_months": "连续稳定就业月数 / continuous months employed",
    "months_with_employer": "同一单位就业月数 / months with the same employer",
    "monthly_wage": "月工资（分）/ monthly wage (fen)",
    "social_insurance_months": "连续缴纳社保月数 / months of continuous social insurance",
    "contract_months": "劳动合同期限（月）/ contract length (months)",
    "in_force": "政策有效期 / policy validity period",
}


@dataclass(frozen=True)
class Span:
    """One job of the worker: [start, end] (end None while it lasts)."""

    start: date
    end: date | None
    employer_id: int | None


@dataclass(frozen=True)
class PlacementFacts:
    """What the engine needs to know about one placement; wages in fen."""

    placement_id: int
    worker_id: int
    employer_id: int | None
    county_code: str
    poverty_status: str
    destination: str
    workplace_code: str | None
    start_date: date
    end_date: date | None
    monthly_wage_fen: int
    contract_months: int
    social_insurance: bool
    employed_since: date
    """Start of the continuous employment (any employer) that includes this placement."""
    with_employer_since: date
    """Start of the continuous employment with this placement's employer."""


@dataclass(frozen=True)
class Condition:
    condition: str
    met: bool
    required: Any
    actual: Any
    label: str = ""


@dataclass(frozen=True)
class Evaluation:
    eligible: bool
    conditions: tuple[Condition, ...]
    amount_fen: int
    payee: str
    period_key: str
    qualified_on: date | None
    evidence_accepted: tuple[str, ...] = field(default_factory=tuple)

    @property
    def missing(self) -> list[str]:
        return [c.condition for c in self.conditions if not c.met]

    def conditions_json(self) -> list[dict[str, Any]]:
        return [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(c).items()}
                for c in self.conditions]


def chain_start(spans: Iterable[Span], current: Span, *, same_employer: bool,
                max_gap_days: int = MAX_CHAIN_GAP_DAYS) -> date:
    """Walk back from ``current`` over earlier jobs that end at most ``max_gap_days`` before
    the next one starts; returns where that continuous employment began."""
    earlier = sorted((s for s in spans if s.start < current.start
                      and (not same_employer or s.employer_id == current.employer_id)),
                     key=lambda s: s.start, reverse=True)
    since = current.start
    for span in earlier:
        if span.end is None or span.end >= since - timedelta(days=max_gap_days):
            since = min(since, span.start)
        else:
            break
    return since


def destination_tier(county_code: str, destination: str, workplace_code: str | None) -> str:
    """Tier of a job's place relative to the worker's county (GB/T 2260 prefixes).

    Not the matching engine's tiers (``matching.destinations``): subsidy policies grade by
    province and 盟市 (prefecture), not by Beijing pairing, so this is a rule of its own.
    """
    if workplace_code:
        if workplace_code[:2] != county_code[:2]:
            return "cross_province"
        if workplace_code == county_code:
            return "home_county"
        return "same_prefecture" if workplace_code[:4] == county_code[:4] else "other_prefecture"
    # Without a workplace code only the reported destination group is known.
    return "cross_province" if destination in ("beijing", "other") else "same_prefecture"


def evaluate(facts: PlacementFacts, rules: dict[str, Any], *, valid_from: date,
             valid_to: date | None, as_of: date) -> Evaluation:
    """Evaluate one placement against one policy version's rules on ``as_of``."""
    employed_to = min(facts.end_date or as_of, as_of)
    # Months are counted as for follow-ups (稳定就业): one calendar-month arithmetic for both.
    months = months_employed(facts.employed_since, employed_to)
    with_employer = months_employed(facts.with_employer_since, employed_to)
    tier = destination_tier(facts.county_code, facts.destination, facts.workplace_code)
    checks: list[Condition] = []
    reached: list[date] = [facts.start_date]

    def check(name: str, met: bool, required: Any, actual: Any) -> None:
        checks.append(Condition(name, bool(met), required, actual, LABELS[name]))

    check("eligible_group", facts.poverty_status in rules["eligible_groups"],
          list(rules["eligible_groups"]), facts.poverty_status)
    if rules.get("destination_tiers"):
        check("destination_tier", tier in rules["destination_tiers"], list(rules["destination_tiers"]), tier)
    if need := rules.get("min_continuous_months", 0):
        check("continuous_months", months >= need, need, months)
        reached.append(add_months(facts.employed_since, need))
    if need := rules.get("min_months_with_employer", 0):
        check("months_with_employer", with_employer >= need, need, with_employer)
        reached.append(add_months(facts.with_employer_since, need))
    if (floor := rules.get("min_monthly_wage_fen")) is not None:
        check("monthly_wage", facts.monthly_wage_fen >= floor, floor, facts.monthly_wage_fen)
    if rules.get("social_insurance_required"):
        need = max(rules.get("min_social_insurance_months", 0), 1)
        insured = with_employer if facts.social_insurance else 0
        check("social_insurance_months", insured >= need, need, insured)
        reached.append(add_months(facts.with_employer_since, need))
    if need := rules.get("min_contract_months", 0):
        check("contract_months", facts.contract_months >= need, need, facts.contract_months)

    all_met = all(c.met for c in checks)
    qualified_on = max(reached) if all_met else None
    on = qualified_on or as_of
    in_force = valid_from <= on and (valid_to is None or on <= valid_to)
    check("in_force", in_force, {"from": valid_from.isoformat(),
                                 "to": valid_to.isoformat() if valid_to else None}, on.isoformat())
    eligible = all_met and in_force
    amount = amount_fen(rules["amount"], tier=tier, months=with_employer if
                        rules.get("min_months_with_employer") else months)
    period = period_key(rules["limit"], qualified_on or as_of)
    return Evaluation(eligible, tuple(checks), amount if eligible else 0, rules["payee"], period,
                      qualified_on if eligible else None, tuple(rules.get("evidence_any_of", ())))


def amount_fen(amount: dict[str, Any], *, tier: str, months: int) -> int:
    """Fixed, per month up to a cap, or by destination tier — always integer fen."""
    kind = amount["kind"]
    if kind == "fixed":
        return int(amount["fen"])
    if kind == "per_month":
        return int(amount["fen_per_month"]) * min(months, int(amount["max_months"]))
    return int(amount["tiers"].get(tier, 0))


def period_key(limit: str, qualified_on: date) -> str:
    """The claim's period: the qualifying year (once a year) or ``ever`` (once ever)."""
    return str(qualified_on.year) if limit == "once_per_year" else "ever"


def consistency_errors(rules: dict[str, Any]) -> dict[str, list[str]]:
    """Cross-field checks of a policy's rules, as field → bilingual messages."""
    errors: dict[str, list[str]] = {}
    amount = rules.get("amount") or {}
    tiers: Sequence[str] = rules.get("destination_tiers") or ()
    if amount.get("kind") == "by_tier" and tiers:
        if extra := sorted(set(amount.get("tiers", {})) - set(tiers)):
            errors["amount"] = [f"金额分档包含不符合条件的就业地类别 / Amount tiers not among destination_tiers: {', '.join(extra)}"]
    if rules.get("min_social_insurance_months") and not rules.get("social_insurance_required"):
        errors["min_social_insurance_months"] = [
            "须同时要求缴纳社保 / Requires social_insurance_required: true"]
    if rules.get("payee") == "employer" and not rules.get("min_contract_months") \
            and not rules.get("social_insurance_required"):
        errors["payee"] = ["发给用人单位的补贴须要求劳动合同或社保 / An employer subsidy needs a "
                           "contract length or social insurance condition"]
    return errors
