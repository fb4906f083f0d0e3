"""workers: 培训意愿 (training wish, with the roster's own words) and 备注 (remark)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 16:50:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('workers') as batch:
        batch.add_column(sa.Column('training_wish', sa.String(length=12), nullable=True))
        batch.add_column(sa.Column('training_wish_text', sa.String(length=128), nullable=True))
        batch.add_column(sa.Column('remark', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workers') as batch:
        batch.drop_column('remark')
        batch.drop_column('training_wish_text')
        batch.drop_column('training_wish')
