"""workers: rosters as kept (profile_complete, missing_fields; poverty status, education and
expected wage may be unknown), keyed ID-tail search indexes; placements found outside the
service (employer name, income may be unknown)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 07:30:00

The ID-tail indexes are HMACs under the application's index key, which a migration does
not have unless the caller hands it a vault (``models.db.migrate.upgrade(..., vault=)``, as
``jingmeng db upgrade`` does). Without one the columns stay empty and
``jingmeng workers reindex`` fills them; until then tail search finds only workers
registered or updated since.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

TAILS = (4, 5, 6)


def upgrade() -> None:
    with op.batch_alter_table('workers') as batch_op:
        batch_op.alter_column('poverty_status', existing_type=sa.String(length=12), nullable=True)
        batch_op.alter_column('education', existing_type=sa.String(length=12), nullable=True)
        batch_op.alter_column('expected_monthly_wage', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('profile_complete', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
        batch_op.add_column(sa.Column('missing_fields', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
        for n in TAILS:
            batch_op.add_column(sa.Column(f'id_tail{n}_index', sa.String(length=64), nullable=True))
    with op.batch_alter_table('workers') as batch_op:
        batch_op.alter_column('missing_fields', existing_type=sa.JSON(), server_default=None)
        batch_op.create_index(batch_op.f('ix_workers_profile_complete'), ['profile_complete'], unique=False)
        for n in TAILS:
            batch_op.create_index(batch_op.f(f'ix_workers_id_tail{n}_index'), [f'id_tail{n}_index'],
                                  unique=False)
    with op.batch_alter_table('placements') as batch_op:
        batch_op.add_column(sa.Column('employer_name', sa.String(length=128), nullable=True))
        batch_op.alter_column('monthly_wage', existing_type=sa.Integer(), nullable=True)
    vault = context.config.attributes.get("pii_vault")
    if vault is not None:
        backfill_tails(op.get_bind(), vault)


def backfill_tails(conn: sa.Connection, vault) -> int:
    """Fill the tail indexes of every worker whose ID number is still held (not erased)."""
    from models.workers.service import tail_indexes  # the one definition of the digests

    workers = sa.table('workers', sa.column('id', sa.Integer), sa.column('id_number_enc', sa.LargeBinary),
                       *(sa.column(f'id_tail{n}_index', sa.String) for n in TAILS))
    rows = conn.execute(sa.select(workers.c.id, workers.c.id_number_enc)
                        .where(workers.c.id_number_enc.is_not(None))).all()
    batch = []
    for worker_id, blob in rows:
        number = vault.decrypt(blob, context="worker.id_number")
        batch.append({"wid": worker_id, **tail_indexes(vault, number)})
    if batch:
        conn.execute(workers.update().where(workers.c.id == sa.bindparam("wid"))
                     .values({f'id_tail{n}_index': sa.bindparam(f'id_tail{n}_index') for n in TAILS}), batch)
    return len(batch)


def downgrade() -> None:
    with op.batch_alter_table('placements') as batch_op:
        batch_op.alter_column('monthly_wage', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('employer_name')
    with op.batch_alter_table('workers') as batch_op:
        for n in TAILS:
            batch_op.drop_index(batch_op.f(f'ix_workers_id_tail{n}_index'))
            batch_op.drop_column(f'id_tail{n}_index')
        batch_op.drop_index(batch_op.f('ix_workers_profile_complete'))
        batch_op.drop_column('missing_fields')
        batch_op.drop_column('profile_complete')
        batch_op.alter_column('expected_monthly_wage', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('education', existing_type=sa.String(length=12), nullable=False)
        batch_op.alter_column('poverty_status', existing_type=sa.String(length=12), nullable=False)
