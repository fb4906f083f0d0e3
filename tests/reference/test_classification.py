"""The shipped 职业分类大典 2022 table, the curated overlay on it and title resolution."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from seed import classification, taxonomy
from seed.build_occupations import build_rows, strip_marks

MIGRATION = Path(__file__).parents[2] / "models/db/migrations/versions/0008_occupation_hierarchy.py"
SOURCE_GAPS = {"4-10-01-02"}
"""Curated occupations the source copy lacks (育婴员); anything else must be in the table."""


def test_the_table_holds_every_level_of_the_classification() -> None:
    table = classification.official()
    levels = [o.level for o in table.values()]
    assert levels.count(1) == 8
    assert levels.count(2) >= 70 and levels.count(3) >= 330  # the source lacks 7 of the 79 中类
    assert levels.count(4) >= 1600


def test_codes_are_well_formed_and_each_parent_is_a_higher_level_ancestor() -> None:
    table = classification.official()
    for o in table.values():
        assert classification.OCCUPATION_CODE.match(o.code), o.code
        if o.level == 1:
            assert o.parent_code is None and o.code.endswith("-00-00-00"), o.code
            continue
        parent = table[o.parent_code]
        assert parent.level < o.level, o.code
        kept = {1: 1, 2: 4, 3: 7}[parent.level]  # characters of the code a 大类/中类/小类 fixes
        assert o.code[:kept] == parent.code[:kept] and parent.code[kept:].strip("-0") == "", o.code


def test_names_carry_no_green_or_digital_mark_and_flags_keep_them() -> None:
    table = classification.official()
    assert table["4-09-08-01"].name == "保洁员" and table["4-09-08-01"].green
    assert not any(o.name.endswith(("L", "S")) for o in table.values())
    assert sum(o.green for o in table.values()) > 100 and sum(o.digital for o in table.values()) > 80


@pytest.mark.parametrize(("text", "code"), [
    ("保安", "4-07-05-01"), ("保洁", "4-09-08-01"), ("月嫂", "4-10-01-06"), ("外卖骑手", "4-10-08-01"),
    ("挖掘机司机", "6-30-05-05"), ("叉车司机", "6-30-05-01"), ("保洁员", "4-09-08-01"),
    ("6-30-05-05", "6-30-05-05"), ("铲车司机", "6-30-05-05"), ("起重工", "6-30-05-02"),
])
def test_common_titles_resolve_to_the_official_codes(text: str, code: str) -> None:
    assert taxonomy.resolve_occupation(text) == code


def test_group_names_are_not_taken_for_occupations() -> None:
    assert taxonomy.resolve_occupation("居民服务人员") is None  # 4-10-00-00, a 中类


def test_every_curated_occupation_is_an_official_one_a_work_type_under_one_or_a_known_gap() -> None:
    table = classification.official()
    for occ in taxonomy.occupations().values():
        if taxonomy.WORK_TYPE_CODE.match(occ.code):
            assert table[occ.code.rsplit("-", 1)[0]].level == 4, occ.code
        elif occ.code not in SOURCE_GAPS:
            assert table[occ.code].name == occ.name_zh, occ.code


def test_the_migration_moves_exactly_the_codes_the_curated_file_says_it_had() -> None:
    spec = importlib.util.spec_from_file_location("m0008", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    curated = taxonomy.occupations()
    assert {old: new for old, (new, _) in module.MOVES.items()} == {
        o.formerly: o.code for o in curated.values() if o.formerly}
    assert all(curated[new].name_zh == name for new, name in module.MOVES.values())


def test_brands_and_subsidy_templates_name_no_code_outside_the_table() -> None:
    known = {row["code"] for row in classification.table_rows(taxonomy.occupations())}
    assert {b.occupation_code for b in taxonomy.brands()} <= known
    templates = (Path(taxonomy.__file__).parent / "data" / "subsidy_templates.yaml").read_text("utf-8")
    assert "occupation" not in yaml.safe_load(templates).__repr__()


SAMPLE = """level,code,code_num,name,definition,tasks,csco_code_num,alias
1,4-00-00-00,4000000,社会生产服务和生活服务人员,,,4000000,社会生产服务和生活服务人员
2,4-09-00-00,4090000,水利、环境和公共设施管理服务人员,,,4090000,x
3,4-09-08-00,4090800,环境卫生服务人员,,,4090800,环境卫生服务人员
4,4-09-08-01,4090801,保洁员L,定义不复制,任务不复制,4090801,"保洁员L,保洁,清洁工,保洁"
4,4-09-08-01,4090801,保洁员L,定义不复制,任务不复制,4090801,"保洁员L,保洁,清洁工,保洁"
3,4-09-09-00,4090900,示例小类,,,4090900,示例小类
4,4-09-09-00,4090900,示例小类,,,4090900,示例小类
4,4-09-10-01,4091001,小类缺失的职业S,,,4091001,
"""


def test_build_keeps_one_row_per_code_strips_marks_and_skips_the_texts() -> None:
    rows = {r["code"]: r for r in build_rows(SAMPLE)}
    assert list(rows) == ["4-00-00-00", "4-09-00-00", "4-09-08-00", "4-09-08-01", "4-09-09-00", "4-09-10-01"]
    cleaner = rows["4-09-08-01"]
    assert (cleaner["name"], cleaner["green"], cleaner["digital"]) == ("保洁员", "1", "0")
    assert cleaner["aliases"] == "保洁|清洁工" and cleaner["parent_code"] == "4-09-08-00"
    assert "定义" not in repr(rows) and "任务" not in repr(rows)
    assert rows["4-09-09-00"]["level"] == "4"          # listed as 小类 and as 职业: the finer wins
    assert rows["4-09-10-01"]["parent_code"] == "4-09-00-00"  # its 小类 is missing: the 中类
    assert rows["4-09-10-01"]["digital"] == "1"


@pytest.mark.parametrize(("raw", "expected"), [
    ("保洁员L", ("保洁员", True, False)), ("大地测量工程技术人员L/S", ("大地测量工程技术人员", True, True)),
    ("CFO", ("CFO", False, False)), ("iOS", ("iOS", False, False)),
])
def test_marks_are_only_stripped_after_a_chinese_name(raw: str, expected) -> None:
    assert strip_marks(raw) == expected


@pytest.mark.parametrize("code", ["6-30-05-05", "4-09-08-01", "5-01-02-02-02", "4-10-01-02"])
def test_the_name_an_export_writes_resolves_back_to_its_code(code: str) -> None:
    assert taxonomy.resolve_occupation(taxonomy.occupation_name(code)) == code


def test_curated_occupations_and_brands_name_only_skills_of_the_vocabulary() -> None:
    vocabulary = set(taxonomy.skills())
    assert {s for o in taxonomy.occupations().values() for s in o.skills} <= vocabulary
    assert {s for b in taxonomy.brands() for s in b.skills} <= vocabulary
    assert all(b.occupation_code in taxonomy.occupations() for b in taxonomy.brands())
