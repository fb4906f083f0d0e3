"""Calendar-month arithmetic of stable employment (pure; hypothesis properties)."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from matching.destinations import destination_group, worker_accepts
from models.placements.tracking import (Contact, add_months, months_employed, next_follow_up, overdue_follow_ups,
                                        retained_at, tracking_status)

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
month_ends = st.builds(lambda y, m: date(y, m, calendar.monthrange(y, m)[1]),
                       st.integers(2000, 2060), st.integers(1, 12))
leap_days = st.builds(lambda y: date(y, 2, 29), st.sampled_from([y for y in range(2000, 2061) if calendar.isleap(y)]))
starts = st.one_of(days, month_ends, leap_days)


def test_documented_month_end_examples():
    assert months_employed(date(2023, 1, 31), date(2023, 2, 28)) == 1
    assert months_employed(date(2023, 1, 31), date(2023, 2, 27)) == 0
    assert months_employed(date(2024, 1, 31), date(2024, 2, 28)) == 0
    assert months_employed(date(2024, 1, 31), date(2024, 2, 29)) == 1
    assert months_employed(date(2024, 2, 29), date(2025, 2, 28)) == 12
    assert months_employed(date(2023, 1, 31), date(2023, 3, 30)) == 1
    assert months_employed(date(2023, 1, 31), date(2023, 3, 31)) == 2
    assert months_employed(date(2022, 3, 15), date(2022, 3, 15)) == 0
    assert add_months(date(2023, 1, 31), 2) == date(2023, 3, 31)


@given(starts, st.integers(0, 400))
def test_exactly_n_months_after_start_is_n_months(start, n):
    assert months_employed(start, add_months(start, n)) == n


@given(starts, st.integers(1, 400))
def test_the_day_before_the_anniversary_is_one_month_short(start, n):
    assert months_employed(start, add_months(start, n) - timedelta(days=1)) == n - 1


@given(starts, days)
def test_months_bracket_the_end_date(start, until):
    m = months_employed(start, until)
    assert m >= 0
    if until > start:
        assert add_months(start, m) <= until < add_months(start, m + 1)
    else:
        assert m == 0


@given(starts, days, days)
def test_months_never_decrease_as_time_passes(start, a, b):
    early, late = sorted((a, b))
    assert months_employed(start, early) <= months_employed(start, late)


@given(starts, st.integers(0, 400))
def test_add_months_keeps_the_day_or_clamps_to_month_end(start, n):
    out = add_months(start, n)
    assert (out.year - start.year) * 12 + out.month - start.month == n
    last = calendar.monthrange(out.year, out.month)[1]
    assert out.day == min(start.day, last)


@given(leap_days)
def test_leap_day_start_counts_a_year_on_28_february(start):
    assert months_employed(start, date(start.year + 1, 2, 28)) == 12
    assert months_employed(start, date(start.year + 1, 2, 27)) == 11


@given(starts, st.sampled_from([3, 6, 12]), st.integers(-40, 40))
def test_retention_needs_the_placement_old_enough_and_employed_at_the_milestone(start, months, shift):
    milestone = add_months(start, months)
    assert retained_at(start, None, months, milestone - timedelta(days=1)) is None
    end = milestone + timedelta(days=shift)
    assert retained_at(start, end, months, milestone + timedelta(days=60)) is (
        months_employed(start, end) >= months)


def test_destination_groups():
    assert destination_group("110105") == "beijing"
    assert destination_group("150921") == destination_group("150102") == "in_region"
    assert destination_group("130102") == destination_group(None) == "other"
    assert worker_accepts(["home_county"], "150921", "150921")
    assert not worker_accepts(["home_county"], "150102", "150921")
    assert not worker_accepts(["in_region", "other"], "110105", "150921")


START = date(2024, 1, 31)


def test_follow_ups_are_due_at_1_3_6_12_months_and_overdue_after_two_weeks():
    assert overdue_follow_ups(START, None, [], date(2024, 3, 13)) == []   # due 29 Feb + 14 days
    late = overdue_follow_ups(START, None, [], date(2024, 3, 15))
    assert [(d.months, d.due) for d in late] == [(1, date(2024, 2, 29))]
    assert tracking_status(START, None, [], date(2024, 3, 15)) == "at_risk"
    called = [Contact(date(2024, 2, 20), True, True)]
    assert overdue_follow_ups(START, None, called, date(2024, 3, 15)) == []
    assert tracking_status(START, None, called, date(2024, 3, 15)) == "active"
    assert next_follow_up(START, None, called, date(2024, 3, 15)) == date(2024, 4, 30)
    # a year on, only the 1-month call: 3, 6 and 12 are overdue
    assert [d.months for d in overdue_follow_ups(START, None, called, date(2025, 3, 1))] == [3, 6, 12]
    # a later call covers a missed earlier milestone
    assert overdue_follow_ups(START, None, [Contact(date(2024, 7, 25), True, True)], date(2024, 8, 20)) == []


def test_problems_in_the_latest_follow_up_put_the_job_at_risk_and_an_end_ends_it():
    as_of = date(2024, 3, 1)
    for contact in (Contact(date(2024, 2, 28), True, False), Contact(date(2024, 2, 28), False, True),
                    Contact(date(2024, 2, 28), True, True, issues="宿舍太远")):
        assert tracking_status(START, None, [contact], as_of) == "at_risk"
    assert tracking_status(START, date(2024, 2, 10), [], as_of) == "ended"
    assert overdue_follow_ups(START, date(2024, 2, 10), [], date(2025, 1, 1)) == []


def test_a_missed_scheduled_call_is_overdue():
    contact = Contact(date(2024, 2, 25), True, True, next_contact=date(2024, 3, 10))
    assert [d.months for d in overdue_follow_ups(START, None, [contact], date(2024, 3, 30))] == [None]
    assert next_follow_up(START, None, [contact], date(2024, 3, 1)) == date(2024, 3, 10)
