"""The shipped occupation/skill taxonomy and its database loader."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.config import Config
from models.db import migrate
from models.db.base import make_engine, make_session_factory, session_scope
from models.reference.taxonomy import LaborBrand, Occupation, Skill
from seed import taxonomy
from seed.regions import load_pairings, load_regions


def test_security_guard_has_the_national_code_and_security_skill() -> None:
    guard = taxonomy.occupations()["4-07-05-01"]
    assert guard.name_zh == "保安员"
    assert "security" in guard.skills
    assert taxonomy.skills()["security"].name_zh == "保安"


def test_about_forty_curated_occupations_with_well_formed_codes_and_known_skills() -> None:
    occs = taxonomy.occupations()
    assert 35 <= len(occs) <= 60
    for occ in occs.values():
        assert taxonomy.OCCUPATION_CODE.match(occ.code) or taxonomy.WORK_TYPE_CODE.match(occ.code), occ.code
        assert occ.skills and set(occ.skills) <= set(taxonomy.skills()), occ.code
        assert Config.BEIJING_MIN_WAGE <= occ.wage_min < occ.wage_max <= 20000, occ.code


def test_skill_codes_are_lowercase_snake_case() -> None:
    for code in taxonomy.skills():
        assert code.isascii() and code == code.lower() and " " not in code and "-" not in code


@pytest.mark.parametrize("text", ["security", "安保", "保安员", "Security Guard", "  SECURITY   guard ",
                                  "保安", "ＳＥＣＵＲＩＴＹ"])
def test_resolve_skill_accepts_names_and_synonyms_ignoring_case_width_and_spaces(text: str) -> None:
    assert taxonomy.resolve_skill(text) == "security"


def test_resolve_skill_returns_none_for_unknown_or_empty_text() -> None:
    assert taxonomy.resolve_skill("underwater basket weaving") is None
    assert taxonomy.resolve_skill("") is None
    assert taxonomy.resolve_skill(None) is None


def test_resolve_skills_keeps_unmatched_text_and_drops_repeats() -> None:
    codes, unmatched = taxonomy.resolve_skills(["电焊", "welder", "架线工", "会开挖掘机 ", "安保"])
    assert codes == ["welding", "line_work", "security"]
    assert unmatched == ["会开挖掘机"]


def test_resolve_skills_splits_a_roster_cell() -> None:
    codes, unmatched = taxonomy.resolve_skills("保安、消防证，养牛; 弹马头琴")
    assert codes == ["security", "fire_safety", "livestock"]
    assert unmatched == ["弹马头琴"]


@pytest.mark.parametrize(("text", "code"), [
    ("保安员", "4-07-05-01"), ("4-07-05-01", "4-07-05-01"), ("security guard", "4-07-05-01"),
    ("敖汉架线工", "6-29-02-12"), ("家政服务员", "4-10-01-06"), ("Strawberry Grower", "5-01-02-02-02"),
    ("外卖骑手", "4-10-08-01"),
])
def test_resolve_occupation(text: str, code: str) -> None:
    assert taxonomy.resolve_occupation(text) == code


def test_resolve_occupation_unknown_is_none() -> None:
    assert taxonomy.resolve_occupation("宇航员") is None


def test_every_synonym_names_exactly_one_skill() -> None:
    # Building the index raises on a spelling shared by two codes.
    assert len(taxonomy._skill_index()) > len(taxonomy.skills()) * 3


def test_brands_point_at_shipped_occupations_and_skills() -> None:
    occs, skills = taxonomy.occupations(), taxonomy.skills()
    names = {b.name for b in taxonomy.brands()}
    assert {"望京保安", "敖汉架线工", "京蒙家政"} <= names
    for brand in taxonomy.brands():
        assert brand.occupation_code in occs
        assert set(brand.skills) <= set(skills)
    aohan = next(b for b in taxonomy.brands() if b.name == "敖汉架线工")
    assert (aohan.county_code, aohan.occupation_code, aohan.illustrative) == ("150430", "6-29-02-12", False)


def test_load_inserts_once_and_is_idempotent(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/t.db")
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        load_regions(session)
        load_pairings(session)
        first = taxonomy.load(session)
    with session_scope(factory) as session:
        second = taxonomy.load(session)
    assert first.startswith(f"skills +{len(taxonomy.skills())}")
    assert second == "skills +0, occupations +0, brands +0"
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(Occupation)) > 2000
        assert session.scalar(select(func.count()).select_from(Occupation).where(
            Occupation.category.is_not(None))) == len(taxonomy.occupations())
        assert session.scalar(select(func.count()).select_from(Skill)) == len(taxonomy.skills())
        assert session.get(Skill, "security").synonyms[:3] == ["安保", "保安员", "security guard"]
        brand = session.scalar(select(LaborBrand).where(LaborBrand.name == "敖汉架线工"))
        assert brand.county_code == "150430" and brand.extra["illustrative"] is False
