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


def test_excel_serial_dates_months_and_compact_dates_are_read():
    assert cells.day(45352) == "2024-03-01" and cells.day(45352.0) == "2024-03-01"
    assert cells.day("45352") == "2024-03-01" and cells.day("20240301") == "2024-03-01"
    assert cells.day_or_month("2026年3月") == "2026-03-01" and cells.day_or_month("2026.03") == "2026-03-01"
    assert cells.day_or_month("202603") == "2026-03-01" and cells.day_or_month(45352) == "2024-03-01"
    assert cells.birth_day("1985.03") == (1985, 3, None) and cells.birth_day("1985年") == (1985, None, None)
    with pytest.raises(cells.CellError, match="Not a valid date"):
        cells.day("2026-02-30")


def test_full_width_text_stray_spaces_and_a_lowercase_x_are_normalised():
    assert cells.id_text("１５０９２１１９９００１０１１２３ｘ ") == "15092119900101123X"
    assert cells.id_text(" 15092119900101123x\u3000") == "15092119900101123X"
    assert cells.phone("１３８ ０００-０１２３４") == "13800001234"
    assert cells.name(" 王 秀兰 ") == "王秀兰" and cells.name("Bater Wu") == "Bater Wu"
    assert cells.integer("５６００元") == 5600 and cells.integer("3800元/月") == 3800


@pytest.mark.parametrize("raw", [1.50921199001011e17, 150921199001011234, "1.50921E+17", "1.509212E17"])
def test_an_id_number_excel_turned_into_a_number_is_refused_with_the_store_as_text_advice(raw):
    with pytest.raises(cells.CellError, match="format the ID column as Text") as exc:
        cells.id_text(raw)
    assert "15位" in str(exc.value)


@pytest.mark.parametrize("values,skipped", [
    (["合计", None, None, 45000], True),
    ([None, "小计", 3], True),
    (["制表人：李娜", None, "审核人：王强"], True),
    (["填报日期: 2026年11月30日"], True),
    (["注：本表由村委会填报"], True),
    ([1, "王秀兰", "女", "150921199001011234"], False),
    ([2, "李合计", "男"], False),                                # a name is no total
    ([3, "张三", None, None, None, None, None, "合计村"], False),  # 合计 further right is data
])
def test_total_and_footer_rows_are_told_from_data_rows(values, skipped):
    from api.tabular.reader import footer_reason

    assert (footer_reason(values) is not None) is skipped
