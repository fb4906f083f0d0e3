"""Migration 0008 on a database written before it: rows stored under a corrected code move."""
from __future__ import annotations

import os
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import MetaData, Table, insert, select, text
from sqlalchemy.engine import make_url

from models.db import make_engine, make_session_factory, migrate, session_scope
from seed import taxonomy
from seed.regions import load_regions

NOW = datetime(2026, 1, 5, tzinfo=timezone.utc)
OLD = {  # the old codes, as 0007-era data stored them
    "4-09-07-02": "保洁员", "6-02-04-01": "畜禽屠宰加工工", "6-02-05-01": "乳品加工工",
    "5-01-02-03": "果类园艺工", "4-07-05-01": "保安员",
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path):
    """A database with nothing in it, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/m.db"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("PostgreSQL tests skipped: set TEST_DATABASE_URL=postgresql+psycopg://… to run them")
    name = f"{make_url(base).database}_m0008_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _old_world(conn) -> None:
    """What a 0007 database held: curated rows under old codes and references to them."""
    meta = MetaData()
    t = {n: Table(n, meta, autoload_with=conn) for n in ("occupations", "employers", "postings",
                                                          "workers", "labor_brands")}
    conn.execute(insert(t["occupations"]), [
        {"code": c, "name_zh": n, "name_en": n, "category": "x", "skills": ["cleaning"],
         "wage_min": 3000, "wage_max": 4000} for c, n in OLD.items()])
    conn.execute(insert(t["employers"]).values(
        id=1, name="北京某物业", uscc="91110000000000000X", district_code="110105", industry="物业",
        contact_name="王", verified=True, created_at=NOW, updated_at=NOW, version=1))
    posting = dict(employer_id=1, title="t", district_code="110105", address="a", openings=2,
                   openings_left=2, wage_min=4000, wage_max=5000, provides_dormitory=False,
                   provides_meals=False, social_insurance=True, age_min=18, age_max=50,
                   education_min="none", required_skills=[], preferred_skills=[], languages=[],
                   contract_months=12, start_date=date(2026, 2, 1), expires_on=date(2026, 3, 1),
                   status="open", created_at=NOW, updated_at=NOW, version=1)
    conn.execute(insert(t["postings"]), [
        {**posting, "id": i, "occupation_code": c}
        for i, c in enumerate(("4-09-07-02", "6-02-04-01", "6-02-05-01", "4-07-05-01"), start=1)])
    worker = dict(name="w", county_code="150921", poverty_status="none", languages=[], education="junior",
                  skills=[], destinations=["beijing"], expected_monthly_wage=5000, needs_dormitory=True,
                  available_from=date(2026, 2, 1), status="seeking", created_at=NOW, updated_at=NOW,
                  version=1)
    conn.execute(insert(t["workers"]), [
        {**worker, "id": 1, "preferred_occupations": ["6-02-05-01", "6-02-04-01"]},
        {**worker, "id": 2, "preferred_occupations": ["4-07-05-01"]},
        {**worker, "id": 3, "preferred_occupations": ["5-01-02-03", "4-09-07-02"]}])
    conn.execute(insert(t["labor_brands"]).values(name="兴和保洁", occupation_code="4-09-07-02", extra={}))


def test_upgrade_rewrites_old_codes_everywhere_at_once(empty_url) -> None:
    engine = make_engine(empty_url)
    migrate.upgrade(engine, "0007")
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        load_regions(session)
    with engine.begin() as conn:
        _old_world(conn)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        postings = dict(conn.execute(text("SELECT id, occupation_code FROM postings")).all())
        prefs = {wid: value for wid, value in conn.execute(select(
            Table("workers", MetaData(), autoload_with=conn).c[("id", "preferred_occupations")]))}
        brand = conn.execute(text("SELECT occupation_code FROM labor_brands")).scalar_one()
        names = dict(conn.execute(text("SELECT code, name_zh FROM occupations")).all())
    # 乳品加工工 moves onto 畜禽屠宰加工工's old code while that one moves away: no mix-up
    assert postings == {1: "4-09-08-01", 2: "6-01-04-01", 3: "6-02-04-01", 4: "4-07-05-01"}
    assert prefs == {1: ["6-02-04-01", "6-01-04-01"], 2: ["4-07-05-01"], 3: ["5-01-02-02-02", "4-09-08-01"]}
    assert brand == "4-09-08-01"
    assert (names["4-09-08-01"], names["6-01-04-01"], names["6-02-04-01"]) == ("保洁员", "畜禽屠宰加工工", "乳品加工工")
    assert "4-09-07-02" not in names and "6-02-05-01" not in names and "5-01-02-03" not in names
    with session_scope(factory) as session:  # `seed reference` afterwards fills in the rest
        taxonomy.load(session)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name_zh FROM occupations WHERE code = '4-09-07-02'")).scalar_one() \
            == "工业固体废物处理处置工"
        assert conn.execute(text("SELECT count(*) FROM occupations")).scalar_one() > 2000
    engine.dispose()
