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


@pytest.mark.parametrize("text", [
    "已婚已育优先", "限未婚", "未婚", "仅招未婚", "要求已育", "未育者勿扰", "婚育情况：已婚", "收银员（已婚）",
    "单身优先", "离异者不招", "不招孕妇", "孕期勿扰", "未生育者优先",
    "Single only", "unmarried candidates only", "must be married", "married applicants preferred", "No children",
])
def test_marital_and_childbearing_restrictions_cite_both_laws(text):
    with pytest.raises(RuleViolation, match="Art. 27") as refused:
        posting_rules.check_lawful_wording(text)
    assert "Art. 43" in str(refused.value) and "婚姻、生育" in str(refused.value)


@pytest.mark.parametrize("text", [
    "婚育不限", "已婚未婚均可", "提供单身宿舍", "已婚可提供夫妻房", "育婴员", "婚庆策划助理",
    "Single room dormitory provided", "marriage leave and maternity leave as the law provides",
])
def test_marital_wording_that_restricts_nothing_passes(text):
    posting_rules.check_lawful_wording(text)
