"""index postings.updated_at (ranking-cache fingerprint)

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-24 05:05:00
"""
from alembic import op

revision = '0006'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postings_updated_at'), ['updated_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postings_updated_at'))
