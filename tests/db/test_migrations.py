"""The migrations build exactly the schema the tables declare (both backends)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import models.db.all_tables  # noqa: F401
from models.db import make_engine
from models.db.base import Base
from models.db.migrate import upgrade


def test_migrations_match_the_models(database):
    engine = make_engine(database.url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_migration_0015_backfills_the_id_tail_indexes_when_given_the_vault(tmp_path):
    """Rows registered before 0015 get their keyed tail indexes during the upgrade when the
    caller hands the vault over (``jingmeng db upgrade`` does); without one they stay empty."""
    from sqlalchemy import text

    from models.access.pii import PiiKeys, PiiVault
    from models.workers.service import tail_indexes
    from tests.factories import id_number

    vault = PiiVault(PiiKeys.generate())
    numbers = [id_number(seq=501), id_number(seq=502)]
    for with_vault in (True, False):
        engine = make_engine(f"sqlite:///{tmp_path}/pre_0015_{with_vault}.db")
        upgrade(engine, "0013")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO regions (code, name, level) VALUES ('150921', '卓资县', 'county')"))
            for n, number in enumerate(numbers, start=1):
                conn.execute(text(
                    "INSERT INTO workers (id, name, id_number_enc, id_number_index, county_code, poverty_status, "
                    "languages, education, skills, preferred_occupations, destinations, expected_monthly_wage, "
                    "needs_dormitory, available_from, status, created_at, updated_at, version) VALUES "
                    "(:id, '张三', :enc, :idx, '150921', 'alleviated', '[\"zh\"]', 'junior', '[]', '[]', "
                    "'[\"beijing\"]', 5000, 0, '2026-01-01', 'seeking', '2026-01-01', '2026-01-01', 1)"),
                    {"id": n, "enc": vault.encrypt(number, context="worker.id_number"),
                     "idx": vault.index(number, context="worker.id_number")})
        upgrade(engine, vault=vault if with_vault else None)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, id_tail4_index, id_tail5_index, id_tail6_index, "
                                     "profile_complete, missing_fields FROM workers ORDER BY id")).all()
        engine.dispose()
        for (_id, t4, t5, t6, complete, missing), number in zip(rows, numbers):
            expected = tail_indexes(vault, number)
            got = {"id_tail4_index": t4, "id_tail5_index": t5, "id_tail6_index": t6}
            assert got == (expected if with_vault else dict.fromkeys(expected))
            assert complete in (True, 1) and missing in ("[]", [])
