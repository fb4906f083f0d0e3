"""Pure parts of the roster import: cell converters, header folding, formula neutralising,
and the cached resident-ID check agreeing with python-stdnum."""
from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric

from api.tabular import cells
from api.tabular.columns import WORKER_SPEC, header_key
from api.tabular.writers import neutralise
from models.workers import rules


def test_skills_keep_level_and_certificate_and_split_outside_brackets():
    assert cells.skills("保安（中级，有证）;电工、家政(高级)") == [
        {"code": "security", "level": 3, "certified": True}, {"code": "electrician"},
        {"code": "housekeeping", "level": 4}]
    with pytest.raises(cells.CellError, match="开挖掘机"):
        cells.skills("保安;开挖掘机")


@pytest.mark.parametrize("raw,expected", [
    ("卓资县", "150921"), ("150921", "150921"), (" 敖汉旗 ", "150430"),
])
def test_counties_by_name_or_code(raw, expected):
    assert cells.region("15")(raw) == expected


def test_beijing_district_names_win_over_namesakes_elsewhere():
    assert cells.region(None, prefer=("11", "15"))("朝阳区") == "110105"
    with pytest.raises(cells.CellError, match="Unknown county"):
        cells.region("15")("朝阳区")


@pytest.mark.parametrize("raw,expected", [
    (5000, 5000), (5000.0, 5000), ("5,000", 5000), ("5000元", 5000), (" 4500 ", 4500),
])
def test_integers_from_cells(raw, expected):
    assert cells.integer(raw) == expected


@pytest.mark.parametrize("raw", ["面议", "5000.5", "=A1", True])
def test_non_integers_are_refused(raw):
    with pytest.raises(cells.CellError):
        cells.integer(raw)


@pytest.mark.parametrize("raw,expected", [
    ("2026-03-01", "2026-03-01"), ("2026/3/1", "2026-03-01"), ("2026年3月1日", "2026-03-01"),
    (datetime(2026, 3, 1), "2026-03-01"),
])
def test_dates_from_cells(raw, expected):
    assert cells.day(raw) == expected


def test_headers_fold_case_width_units_and_required_marks():
    assert header_key("期望月薪（元）") == header_key("期望月薪*") == header_key("期望月薪")
    assert WORKER_SPEC.column("Expected_Monthly_Wage").field == "expected_monthly_wage"
    assert WORKER_SPEC.column("身份证号码").field == "id_number"


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+86", "'+86"), ("-3", "'-3"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("张三", "张三"), (-3, -3), ("150921********1239", "150921********1239"),
])
def test_neutralise_only_touches_text_that_a_spreadsheet_would_run(value, expected):
    assert neutralise(value) == expected
