"""Resident ID numbers as they were really issued (issue 11): the region code is the one in
force when the number was issued — younger than the holder, or long retired."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st
from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric

from models.errors import RuleViolation
from models.reference import gbt2260
from models.workers import rules

TODAY = date(2026, 12, 1)
INNER_MONGOLIA_COUNTIES = sorted(c for c, d in gbt2260.divisions().items()
                                 if c.startswith("15") and d.level == "county")


def _id(region: str, birth: date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def test_the_table_holds_current_and_retired_inner_mongolia_counties():
    current = [c for c in INNER_MONGOLIA_COUNTIES if gbt2260.get(c).current]
    assert len(current) > 90 and len(INNER_MONGOLIA_COUNTIES) - len(current) > 50
    assert {"150921", "152624", "152202", "152601"} <= set(INNER_MONGOLIA_COUNTIES)


@pytest.mark.parametrize("region", INNER_MONGOLIA_COUNTIES)
def test_every_current_and_retired_county_code_is_accepted_for_births_1950_to_2010(region):
    for year in range(1950, 2011):
        birth = date(year, 1 + year % 12, 1 + year % 28)
        number, got_birth, sex = rules.check_id_number(_id(region, birth, year % 1000), today=TODAY)
        assert number.startswith(region) and got_birth == birth and sex in "MF"


def test_the_real_cases_that_were_refused():
    # 卓资县 adults (re-coded 2003), 阿尔山市 adults (since 1996), an old 集宁市 number.
    for region, birth in [("150921", date(1975, 3, 8)), ("152202", date(1968, 10, 2)),
                          ("152601", date(1952, 6, 30)), ("152624", date(2001, 2, 14))]:
        rules.check_id_number(_id(region, birth, 123), today=TODAY)


def test_full_width_lower_case_and_spaced_numbers_are_normalised():
    number = _id("150921", date(1980, 5, 4), 27)
    spaced = " " + number[:6] + " " + number[6:14] + " " + number[14:].lower() + " "
    assert rules.check_id_number(spaced, today=TODAY)[0] == number
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ")) + "\u3000"
    assert rules.check_id_number(full_width, today=TODAY)[0] == number


VALID = _id("150921", date(1980, 5, 4), 27)


@pytest.mark.parametrize("value, message", [
    (VALID[:-1] + ("0" if VALID[-1] != "0" else "1"), "校验位（第18位）错误"),
    (VALID[:17], "只有17位，少了1位"),
    (VALID[:12], "只有12位，少了6位"),
    (VALID + "1", "有19位，多了1位"),
    (VALID[:10] + "A" + VALID[11:], "第11位是字母“A”（出生日期（第7–14位）只能是数字"),
    (VALID[:3] + "O" + VALID[4:], "第4位是字母“O”（地区码（第1–6位）只能是数字"),
    (VALID[:15] + "X" + VALID[16:], "第16位是字母“X”（顺序码（第15–17位）只能是数字；只有第18位校验位可以是X"),
    (VALID[:-1] + "Y", "第18位“Y”不是数字或X"),
    ("0" * 18, "全是0"),
    ("0" * 17 + "X", "以0开头"),
    ("000" + VALID[:6] + VALID[8:14] + "123", "以0开头"),  # an old 15-digit number padded with zeros
    (VALID[:15] + "000", "末3位是000"),  # Excel kept 15 significant digits
    (VALID[:6] + "19800504" + "12", "少了2位"),
    ("150921800504271", "15位的第一代身份证号"),
    ("150921********027X", "打码"),
])
def test_each_malformed_number_is_refused_naming_the_part_that_is_wrong(value, message):
    with pytest.raises(RuleViolation, match=message):
        rules.check_id_number(value, today=TODAY)


@settings(max_examples=300, deadline=None)
@given(length=st.integers(0, 30).filter(lambda n: n not in (15, 18)), digit=st.sampled_from("123456789"))
def test_any_wrong_length_says_how_many_characters_are_missing_or_extra(length, digit):
    with pytest.raises(RuleViolation) as caught:
        rules.check_id_number((digit * 30)[:length], today=TODAY)
    said = str(caught.value)
    assert (f"少了{18 - length}位" if length < 18 else f"多了{length - 18}位") in said and "18" in said


@pytest.mark.parametrize("birth", ["19900230", "19811301", "20010229", "19000000"])
def test_impossible_birth_dates_are_refused_as_dates(birth):
    body = f"150921{birth}123"
    with pytest.raises(RuleViolation, match=f"出生日期（第7–14位）“{birth}”不存在"):
        rules.check_id_number(body + ric.calc_check_digit(body + "0"), today=TODAY)


def test_a_birth_in_the_future_is_refused():
    with pytest.raises(RuleViolation, match="未来"):
        rules.check_id_number(_id("150921", date(2027, 1, 5), 11), today=TODAY)


@pytest.mark.parametrize("region", ["999999", "150999", "159901", "150000"])
def test_codes_that_never_existed_are_refused_as_region_codes(region):
    assert not gbt2260.can_issue_ids(region)
    with pytest.raises(RuleViolation, match="从未设立"):
        rules.check_id_number(_id(region, date(1980, 5, 4), 27), today=TODAY)


@pytest.mark.parametrize("retired, successor", [
    ("152624", "150921"),  # 卓资县, 乌兰察布盟 → 乌兰察布市 (2003)
    ("152601", "150902"),  # 集宁市 → 集宁区
    ("152628", "150981"),  # 丰镇县 → 丰镇市
    ("150921", "150921"),  # a current county is its own successor
])
def test_a_retired_code_resolves_to_its_successor_county(retired, successor):
    assert gbt2260.successor(retired) == successor
    assert gbt2260.is_current_county(gbt2260.successor(retired))


def test_every_retired_inner_mongolia_county_resolves_to_a_current_one_or_to_none():
    for code in INNER_MONGOLIA_COUNTIES:
        found = gbt2260.successor(code)
        assert found is None or (gbt2260.is_current_county(found, "15") and found[:2] == code[:2])


@settings(max_examples=400, deadline=None)
@given(region=st.sampled_from(["150921", "150430", "110105", "152527", "999999", "150900", "110103",
                               "152624", "152202"]),
       birth=st.dates(date(1940, 1, 1), date(2010, 12, 31)), seq=st.integers(0, 999),
       corrupt=st.booleans())
def test_the_check_accepts_everything_stdnum_accepts_and_differs_only_on_the_code_years(
        region, birth, seq, corrupt):
    number = _id(region, birth, seq)
    if corrupt:
        number = number[:-1] + ("0" if number[-1] != "0" else "1")
    try:
        ric.validate(number)
        stdnum_ok = True
    except stdnum_exc.ValidationError:
        stdnum_ok = False
    try:
        rules.check_id_number(number, today=TODAY)
        ours = True
    except RuleViolation:
        ours = False
    assert ours >= stdnum_ok  # never refuse what stdnum accepts
    assert ours == (not corrupt and gbt2260.can_issue_ids(region))


@settings(max_examples=500, deadline=None)
@given(region=st.sampled_from(INNER_MONGOLIA_COUNTIES), birth=st.dates(date(1950, 1, 1), date(2010, 12, 31)),
       seq=st.integers(0, 999), wrong=st.integers(1, 10))
def test_any_inner_mongolia_code_old_or_new_is_accepted_and_a_wrong_check_character_is_named(region, birth, seq, wrong):
    number = _id(region, birth, seq)
    assert rules.check_id_number(number, today=TODAY)[1] == birth
    checks = "0123456789X"
    bad = number[:-1] + checks[(checks.index(number[-1]) + wrong) % 11]
    with pytest.raises(RuleViolation, match="校验位（第18位）错误|末3位是000"):
        rules.check_id_number(bad, today=TODAY)
