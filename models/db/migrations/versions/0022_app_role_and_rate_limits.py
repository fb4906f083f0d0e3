"""The service's own PostgreSQL role (no TRUNCATE, ALTER, UPDATE or DELETE of audit_log) and the
rate-limit counters shared by every worker

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-02 17:00:00

Two roles on PostgreSQL: the *owner* (whoever runs the migrations, ``MIGRATION_DATABASE_URL``)
owns the tables and may alter them; the *application role* (``DB_APP_ROLE``, default
``jingmeng_app``, a NOLOGIN group role the service enters with ``SET ROLE`` or that a login
user is made a member of) may read and write the tables but owns none, so it cannot ALTER,
DROP or TRUNCATE any of them, and on ``audit_log`` it may only INSERT and SELECT. Default
privileges give it the same rights on the tables later migrations create. The role is
cluster-wide and may already exist (another database of the same server): it is created only
when missing, and the downgrade revokes this database's grants without dropping it.
SQLite has no roles; there the append-only triggers of 0001 are the defence.
"""
from __future__ import annotations

import os
import re

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0020'
branch_labels = None
depends_on = None

DEFAULT_APP_ROLE = "jingmeng_app"


def app_role() -> str:
    role = os.environ.get("DB_APP_ROLE") or DEFAULT_APP_ROLE
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise ValueError(f"DB_APP_ROLE must be a plain lower-case identifier, not {role!r}")
    return role


def upgrade() -> None:
    op.create_table(
        'rate_limit_counters',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('rate_limit_counters') as batch:
        batch.create_index(batch.f('ix_rate_limit_counters_expires_at'), ['expires_at'], unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    role = app_role()
    op.execute(f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE {role} NOLOGIN;
            END IF;
        END $$""")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
    op.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}")
    op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}")
    op.execute(f"REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM {role}")
    op.execute(f"REVOKE CREATE ON SCHEMA public FROM {role}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        role = app_role()
        op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM {role}")
        op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM {role}")
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}")
        op.execute(f"REVOKE USAGE ON SCHEMA public FROM {role}")
    with op.batch_alter_table('rate_limit_counters') as batch:
        batch.drop_index(batch.f('ix_rate_limit_counters_expires_at'))
    op.drop_table('rate_limit_counters')
