"""Declarative base, engine and session factory (usable without Flask), migrations, upsert."""
from models.db.base import Base, make_engine, make_session_factory, session_scope

__all__ = ["Base", "make_engine", "make_session_factory", "session_scope"]
