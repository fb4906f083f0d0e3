"""workers: declared work experience per occupation (从业经历); fair interviews: P(hired | interviewed)
and P(lasting | hired)

Revision ID: 0021
Revises: 0023
Create Date: 2026-12-02 17:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('workers') as batch:
        batch.add_column(sa.Column('work_experience', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table('fair_interviews') as batch:
        batch.add_column(sa.Column('p_hired', sa.Float(), nullable=True))
        batch.add_column(sa.Column('p_lasting', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('fair_interviews') as batch:
        batch.drop_column('p_lasting')
        batch.drop_column('p_hired')
    with op.batch_alter_table('workers') as batch:
        batch.drop_column('work_experience')
