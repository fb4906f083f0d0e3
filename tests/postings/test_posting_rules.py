"""Posting content rules."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from models.errors import RuleViolation
from models.postings import rules as posting_rules


@given(st.integers(1, 200_000), st.integers(1, 200_000))
def test_wage_range_rule(lo, hi):
    if lo <= hi:
        posting_rules.check_wage_range(lo, hi)
    else:
        with pytest.raises(RuleViolation):
            posting_rules.check_wage_range(lo, hi)


@pytest.mark.parametrize("text, article", [
    ("男保安（门岗）", "27"), ("仅招男士", "27"), ("要求男士", "27"), ("只要女生", "27"), ("女服务员若干", "27"),
    ("Male candidates only", "27"), ("only females", "27"), ("限男", "27"),
    ("限汉族", "28"), ("仅限蒙古族", "28"), ("汉族优先", "28"),
    ("限本地户口", "31"), ("北京户口优先", "31"), ("不招农村户口", "31"),
])
def test_restrictions_are_refused_however_they_are_worded(text, article):
    with pytest.raises(RuleViolation, match=f"Art. {article}"):
        posting_rules.check_lawful_wording(text)


@pytest.mark.parametrize("text", [
    "保安员（门岗）", "男女不限", "要求男女不限，年龄18-50", "民族不限", "汉族、蒙古族员工均可",
    "限本科及以上", "Security guard, all welcome", "提供住宿，包吃", "北京市朝阳区望京",
])
def test_lawful_wording_passes(text):
    posting_rules.check_lawful_wording(text)
