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
