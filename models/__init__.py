"""SQLAlchemy 2 typed ORM, the engine/session factory, migrations and entity rules."""
from models.base import Base, make_engine, make_session_factory, session_scope

__all__ = ["Base", "make_engine", "make_session_factory", "session_scope"]
