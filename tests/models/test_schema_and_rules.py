"""The migrations build exactly the ORM schema; validation rules hold for all inputs."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import given, strategies as st
from stdnum.cn import ric

import models.db.all_tables  # noqa: F401
from models.reference import gbt2260
from models.db import make_engine
from models.db.base import Base
from models.db.migrate import upgrade
from models.access.pii import PiiKeys, PiiVault, mask_id_number, mask_phone
from models.errors import RuleViolation
from models.postings import rules as posting_rules
from models.workers import rules as worker_rules


def test_migrations_match_the_models(database):
    engine = make_engine(database.url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


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


def test_gbt2260_levels_and_history():
    assert gbt2260.get("150921").level == "county" and gbt2260.get("150900").level == "prefecture"
    assert gbt2260.is_current_county("150921", "15") and not gbt2260.is_current_county("152624", "15")
    assert not gbt2260.is_current_county("110103")  # 崇文区, merged in 2010


@given(st.text(min_size=1, max_size=40))
def test_vault_round_trips_and_index_is_keyed(value):
    a, b = PiiVault(PiiKeys.generate()), PiiVault(PiiKeys.generate())
    blob = a.encrypt(value, context="t")
    assert a.decrypt(blob, context="t") == value
    assert value.encode() not in blob or len(value) < 3
    assert a.index(value, context="t") == a.index(value, context="t") != b.index(value, context="t")


def test_vault_refuses_a_blob_moved_to_another_field():
    vault = PiiVault(PiiKeys.generate())
    blob = vault.encrypt("13800000000", context="worker.phone")
    with pytest.raises(Exception):
        vault.decrypt(blob, context="worker.id_number")


def test_masks():
    assert mask_id_number("15092120040517123X") == "150921********123X"
    assert mask_phone("13800000000") == "138****0000"


@given(st.integers(1, 200_000), st.integers(1, 200_000))
def test_wage_range_rule(lo, hi):
    if lo <= hi:
        posting_rules.check_wage_range(lo, hi)
    else:
        with pytest.raises(RuleViolation):
            posting_rules.check_wage_range(lo, hi)


def test_renamed_divisions_take_their_latest_name():
    assert gbt2260.get("120110").name == "东丽区" and gbt2260.is_current_county("120110")
    assert gbt2260.get("150404").name == "松山区"
