"""idempotency_keys: encrypted response bodies, expiry index, subjects for erasure

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-02 07:30:00

The existing rows hold response bodies in clear (a registered worker's phone among them).
They are replay caches of at most ``IDEMPOTENCY_TTL_HOURS``: they are deleted, not converted
(a client retrying such a key in the minutes around the upgrade gets a fresh execution
guarded by the endpoints' own duplicate checks).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM idempotency_keys")
    with op.batch_alter_table('idempotency_keys') as batch:
        batch.drop_column('response_body')
        batch.add_column(sa.Column('response_enc', sa.LargeBinary(), nullable=True))
        batch.create_index(batch.f('ix_idempotency_keys_created_at'), ['created_at'], unique=False)
    op.create_table(
        'idempotency_subjects',
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('worker_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['idempotency_keys.id'],
                                name=op.f('fk_idempotency_subjects_record_id_idempotency_keys'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('record_id', 'worker_id', name=op.f('pk_idempotency_subjects')),
    )
    op.create_index(op.f('ix_idempotency_subjects_worker_id'), 'idempotency_subjects', ['worker_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_idempotency_subjects_worker_id'), table_name='idempotency_subjects')
    op.drop_table('idempotency_subjects')
    op.execute("DELETE FROM idempotency_keys")
    with op.batch_alter_table('idempotency_keys') as batch:
        batch.drop_index(batch.f('ix_idempotency_keys_created_at'))
        batch.drop_column('response_enc')
        batch.add_column(sa.Column('response_body', sa.Text(), nullable=False, server_default=''))
