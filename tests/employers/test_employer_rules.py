"""Employer rules: contact phones as companies give them, USCC normalisation."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from models.employers import rules
from models.errors import RuleViolation


@given(area=st.sampled_from(["010", "021", "022"]), local=st.from_regex(r"[2-9]\d{7}", fullmatch=True),
       sep=st.sampled_from(["-", "", " "]))
def test_three_digit_area_codes_take_eight_digit_numbers(area, local, sep):
    assert rules.check_contact_phone(f"{area}{sep}{local}") == f"{area}-{local}"
    with pytest.raises(RuleViolation, match="area code"):
        rules.check_contact_phone(f"{area}-{local[:7]}")


@given(area=st.from_regex(r"0[3-9]\d{2}", fullmatch=True), local=st.from_regex(r"[2-9]\d{6,7}", fullmatch=True),
       ext=st.one_of(st.just(""), st.from_regex(r"\d{1,6}", fullmatch=True)))
def test_four_digit_area_codes_take_seven_or_eight_digits_and_an_extension(area, local, ext):
    text = f"{area}-{local}" + (f"转{ext}" if ext else "")
    assert rules.check_contact_phone(text) == f"{area}-{local}" + (f"-{ext}" if ext else "")


@pytest.mark.parametrize("bad", ["12345", "0471-123", "010-1234567", "010-01234567", "phone", ""])
def test_numbers_that_are_neither_mobile_nor_landline_are_refused(bad):
    with pytest.raises(RuleViolation):
        rules.check_contact_phone(bad)


def test_the_uscc_is_stored_upper_case_without_separators():
    assert rules.normalize_uscc(" 91110105-ma01abcd2x ") == "91110105MA01ABCD2X"
