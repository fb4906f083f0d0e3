"""A worker's registration rules: resident ID number, working age, mobile phone."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, strategies as st
from stdnum.cn import ric

from models.errors import RuleViolation
from models.workers import rules as worker_rules


def _id(region: str, birth: date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@given(birth=st.dates(date(2003, 1, 1), date(2009, 12, 31)), seq=st.integers(0, 999))
def test_valid_ids_are_accepted_and_sex_follows_the_sequence(birth, seq):
    number, got_birth, sex = worker_rules.check_id_number(_id("150921", birth, seq), today=date(2026, 11, 24))
    assert got_birth == birth and sex == ("M" if (seq % 10) % 2 else "F") and len(number) == 18


@given(birth=st.dates(date(2003, 1, 1), date(2009, 12, 31)), seq=st.integers(0, 999),
       pos=st.integers(0, 17), digit=st.sampled_from("0123456789X"))
def test_any_single_character_change_is_rejected_or_still_valid(birth, seq, pos, digit):
    good = _id("150921", birth, seq)
    bad = good[:pos] + digit + good[pos + 1:]
    if bad == good:
        return
    with pytest.raises(RuleViolation):
        worker_rules.check_id_number(bad, today=date(2026, 11, 24))


def test_a_region_code_younger_than_its_holder_is_accepted():
    # 卓资县 was 152624 until 2003 and 150921 after; people born before 2003 carry either.
    worker_rules.check_id_number(_id("152624", date(1990, 1, 1), 11), today=date(2026, 1, 1))
    worker_rules.check_id_number(_id("150921", date(1990, 1, 1), 11), today=date(2026, 1, 1))


def test_working_age_boundary():
    today = date(2026, 11, 24)
    worker_rules.check_working_age(date(2010, 11, 24), today=today)  # 16 today
    with pytest.raises(RuleViolation):
        worker_rules.check_working_age(date(2010, 11, 25), today=today)


@given(st.text(max_size=14))
def test_phone_rule_accepts_only_mainland_mobiles(text):
    try:
        phone = worker_rules.check_phone(text)
    except RuleViolation:
        return
    assert len(phone) == 11 and phone[0] == "1" and phone[1] in "3456789" and phone.isdigit()
