"""The eligibility engine: every condition met and unmet, over dates (month ends, leap years) and wages."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from models.placements.tracking import add_months, months_employed
from models.subsidies import rules as sr

DAYS = st.dates(date(2023, 1, 1), date(2029, 12, 31))
MONTH_ENDS = st.builds(lambda y, m: add_months(date(y, m, 1), 1) - timedelta(days=1),
                       st.integers(2023, 2029), st.integers(1, 12))
STARTS = st.one_of(DAYS, MONTH_ENDS, st.sampled_from([date(2024, 2, 29), date(2024, 1, 31), date(2023, 1, 29)]))
BASE = dict(eligible_groups=["alleviated", "monitored"], limit="once_per_year", payee="worker",
            amount={"kind": "fixed", "fen": 100000}, evidence_any_of=["labour_contract"])
FAR = date(2099, 12, 31)


def facts(start: date, **kw) -> sr.PlacementFacts:
    values = dict(placement_id=1, worker_id=1, employer_id=7, county_code="150921", poverty_status="alleviated",
                  destination="beijing", workplace_code="110105", start_date=start, end_date=None,
                  monthly_wage_fen=500000, contract_months=12, social_insurance=True,
                  employed_since=start, with_employer_since=start)
    values.update(kw)
    return sr.PlacementFacts(**values)


def run(f: sr.PlacementFacts, as_of: date, **rules) -> sr.Evaluation:
    return sr.evaluate(f, {**BASE, **rules}, valid_from=date(2020, 1, 1), valid_to=None, as_of=as_of)


def cond(ev: sr.Evaluation, name: str) -> sr.Condition:
    return next(c for c in ev.conditions if c.condition == name)


@given(start=STARTS, n=st.integers(0, 40))
def test_months_employed_agrees_with_add_months_at_every_boundary(start, n):
    reached = add_months(start, n)
    assert months_employed(start, reached) == n
    if n:
        assert months_employed(start, reached - timedelta(days=1)) == n - 1


@given(start=STARTS, a=st.integers(0, 800), b=st.integers(0, 800))
def test_months_employed_never_decreases_as_time_passes(start, a, b):
    a, b = sorted((a, b))
    assert months_employed(start, start + timedelta(days=a)) <= months_employed(start, start + timedelta(days=b))


def test_month_end_and_leap_year_examples():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert months_employed(date(2024, 1, 30), date(2024, 2, 28)) == 0
    assert months_employed(date(2024, 1, 30), date(2024, 2, 29)) == 1
    assert months_employed(date(2023, 11, 30), date(2024, 2, 29)) == 3


@given(start=STARTS, need=st.integers(1, 12), extra=st.integers(-60, 60))
def test_continuous_months_condition_is_met_exactly_from_the_qualifying_day(start, need, extra):
    qualifying = add_months(start, need)
    as_of = qualifying + timedelta(days=extra)
    if as_of < start:
        return
    ev = run(facts(start), as_of, min_continuous_months=need)
    c = cond(ev, "continuous_months")
    assert c.met == (as_of >= qualifying) and c.required == need
    assert ev.eligible == c.met
    if ev.eligible:
        assert ev.qualified_on == qualifying and ev.period_key == str(qualifying.year)


@given(start=STARTS, months=st.integers(0, 14), need=st.integers(1, 12))
def test_an_ended_job_counts_only_up_to_its_end(start, months, need):
    end = add_months(start, months)
    ev = run(facts(start, end_date=end), end + timedelta(days=400), min_continuous_months=need)
    assert cond(ev, "continuous_months").actual == months
    assert cond(ev, "continuous_months").met == (months >= need)


@given(wage=st.integers(1, 2_000_000), floor=st.integers(1, 2_000_000))
def test_minimum_wage_condition_compares_fen(wage, floor):
    ev = run(facts(date(2024, 1, 1), monthly_wage_fen=wage), date(2025, 1, 1), min_monthly_wage_fen=floor)
    c = cond(ev, "monthly_wage")
    assert (c.met, c.required, c.actual) == (wage >= floor, floor, wage)


@given(group=st.sampled_from(sr.GROUPS))
def test_group_condition(group):
    ev = run(facts(date(2024, 1, 1), poverty_status=group), date(2025, 1, 1))
    assert cond(ev, "eligible_group").met == (group in BASE["eligible_groups"])


@pytest.mark.parametrize("workplace,destination,tier", [
    ("110105", "beijing", "cross_province"), ("320106", "other", "cross_province"),
    ("150102", "in_region", "other_prefecture"), ("150902", "in_region", "same_prefecture"),
    ("150921", "in_region", "home_county"), (None, "beijing", "cross_province"),
])
def test_destination_tiers_and_tier_amounts(workplace, destination, tier):
    amount = {"kind": "by_tier", "tiers": {"cross_province": 100000, "other_prefecture": 50000,
                                           "same_prefecture": 30000}}
    ev = run(facts(date(2024, 1, 1), workplace_code=workplace, destination=destination), date(2025, 1, 1),
             destination_tiers=list(amount["tiers"]), amount=amount)
    assert cond(ev, "destination_tier").actual == tier
    assert ev.eligible == (tier != "home_county")
    assert ev.amount_fen == amount["tiers"].get(tier, 0)


@given(insured=st.booleans(), months=st.integers(0, 12), contract=st.integers(0, 36))
def test_employer_subsidy_needs_contract_and_continuous_social_insurance(insured, months, contract):
    start = date(2024, 3, 31)
    ev = run(facts(start, social_insurance=insured, contract_months=contract),
             add_months(start, months), payee="employer", min_contract_months=12,
             social_insurance_required=True, min_social_insurance_months=6, limit="once_ever")
    si, ct = cond(ev, "social_insurance_months"), cond(ev, "contract_months")
    assert si.met == (insured and months >= 6) and si.actual == (months if insured else 0)
    assert ct.met == (contract >= 12)
    assert ev.eligible == (si.met and ct.met) and ev.payee == "employer"
    assert ev.period_key == "ever"


@given(months=st.integers(0, 30))
def test_per_month_amount_is_capped(months):
    start = date(2024, 1, 31)
    ev = run(facts(start), add_months(start, months), min_months_with_employer=6,
             amount={"kind": "per_month", "fen_per_month": 20000, "max_months": 6})
    assert ev.amount_fen == (20000 * min(months, 6) if months >= 6 else 0)


@given(gap=st.integers(0, 90), first=st.integers(1, 6))
def test_jobs_separated_by_a_short_gap_are_continuous(gap, first):
    a_start = date(2024, 1, 15)
    a_end = add_months(a_start, first)
    b_start = a_end + timedelta(days=gap)
    spans = [sr.Span(a_start, a_end, 1), sr.Span(b_start, None, 2)]
    since = sr.chain_start(spans, spans[1], same_employer=False)
    assert since == (a_start if gap <= sr.MAX_CHAIN_GAP_DAYS else b_start)
    assert sr.chain_start(spans, spans[1], same_employer=True) == b_start


@given(valid_to=DAYS, start=st.dates(date(2023, 1, 1), date(2028, 12, 31)))
def test_in_force_is_judged_on_the_qualifying_day(valid_to, start):
    qualifying = add_months(start, 3)
    ev = sr.evaluate(facts(start), {**BASE, "min_continuous_months": 3}, valid_from=date(2023, 1, 1),
                     valid_to=valid_to, as_of=qualifying + timedelta(days=200))
    assert cond(ev, "in_force").met == (qualifying <= valid_to)
    assert ev.eligible == (qualifying <= valid_to)


def test_conditions_explain_values_in_json():
    ev = run(replace(facts(date(2024, 1, 1)), monthly_wage_fen=90000), date(2024, 3, 1),
             min_continuous_months=3, min_monthly_wage_fen=100000)
    assert not ev.eligible and set(ev.missing) == {"continuous_months", "monthly_wage"}
    rows = {c["condition"]: c for c in ev.conditions_json()}
    assert rows["continuous_months"]["actual"] == 2 and rows["monthly_wage"]["required"] == 100000
    assert "/" in rows["monthly_wage"]["label"]
