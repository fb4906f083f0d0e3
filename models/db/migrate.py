"""Schema migrations (Alembic), driven from code so no alembic.ini is needed."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "heads", *, vault: Any = None) -> None:
    """Migrate to ``revision``; a ``PiiVault`` lets data migrations that need the keys (the
    keyed ID-tail indexes of 0015) fill them, otherwise they leave that to a CLI command."""
    _run(engine, command.upgrade, revision, vault=vault)


def downgrade(engine: Engine, revision: str = "base") -> None:
    _run(engine, command.downgrade, revision)


def _run(engine: Engine, step: Callable[[Config, str], None], revision: str, *, vault: Any = None) -> None:
    """Run ``step`` in one transaction. On SQLite foreign keys are off meanwhile: batch mode
    rebuilds a table by copy-and-drop, and dropping a referenced table fails while they are
    on (the pragma cannot change inside a transaction); they are checked before commit."""
    cfg = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
            conn.commit()
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                cfg.attributes["pii_vault"] = vault
                step(cfg, revision)
                if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").all()):
                    raise RuntimeError(f"migration left rows with dangling foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys = ON")
                conn.commit()


def head_revision() -> str | None:
    """The latest revision(s), comma-joined when feature branches have not been merged."""
    heads = sorted(ScriptDirectory.from_config(alembic_config()).get_heads())
    return ",".join(heads) or None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        heads = sorted(MigrationContext.configure(conn).get_current_heads())
    return ",".join(heads) or None


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
