"""kept_downloads: a user's file made from personal data (a roster's rows to fix), encrypted
and kept briefly for a stable download URL

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 17:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.db.base import UTCDateTime

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'kept_downloads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('body_enc', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_kept_downloads_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_downloads')),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_kept_downloads_user_id'), 'kept_downloads', ['user_id'], unique=False)
    op.create_index(op.f('ix_kept_downloads_expires_at'), 'kept_downloads', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_kept_downloads_expires_at'), table_name='kept_downloads')
    op.drop_index(op.f('ix_kept_downloads_user_id'), table_name='kept_downloads')
    op.drop_table('kept_downloads')
