"""All reference data in one call: GB/T 2260 regions, pairings, occupations, skills, brands."""
from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.db import make_session_factory
from models.db import migrate
from models.db import session_scope
from seed import taxonomy
from seed.regions import load_pairings, load_regions


def load_reference(session: Session) -> str:
    """Insert what is missing (idempotent); returns a one-line summary."""
    regions, pairings = load_regions(session), load_pairings(session)
    return f"regions +{regions}, pairings +{pairings}, {taxonomy.load(session)}"


def prepare_database(engine: Engine) -> sessionmaker[Session]:
    """Migrate to the latest schema and load the reference data; returns a session factory."""
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        load_reference(session)
    return factory
