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
