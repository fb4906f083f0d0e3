"""audit_log: TRUNCATE refused on PostgreSQL too (row triggers never see a TRUNCATE)

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-02 02:20:00
"""
from __future__ import annotations

from alembic import op

revision = '0013'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # 0001 made the log append-only with BEFORE UPDATE OR DELETE row triggers; a TRUNCATE
    # fires no row trigger, so it emptied the log. A statement trigger refuses it as well,
    # whatever role the service connects as. SQLite has no TRUNCATE (its DELETE is covered).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
