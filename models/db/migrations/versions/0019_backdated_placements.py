"""placements: back-dated starts carry a reason and await a verified start

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 07:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.db.base import UTCDateTime

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('placements') as batch:
        batch.add_column(sa.Column('backdate_reason', sa.Text(), nullable=True))
        batch.add_column(sa.Column('start_evidence', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('start_verified_at', UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('start_verified_by', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('placements') as batch:
        batch.drop_column('start_verified_by')
        batch.drop_column('start_verified_at')
        batch.drop_column('start_evidence')
        batch.drop_column('backdate_reason')
