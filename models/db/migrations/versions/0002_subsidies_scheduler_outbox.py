"""Subsidy policies and claims, scheduler job runs and leases, notifications outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 04:42:41.018007
"""
from alembic import op
import sqlalchemy as sa
import models.db.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_leases',
    sa.Column('job', sa.String(length=48), nullable=False),
    sa.Column('holder', sa.String(length=96), nullable=False),
    sa.Column('expires_at', models.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acquired_at', models.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('renewals', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('job', name=op.f('pk_job_leases'))
    )
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=48), nullable=False),
    sa.Column('started_at', models.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', models.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=48), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('holder', sa.String(length=96), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs'))
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_runs_job'), ['job'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_runs_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_runs_status'), ['status'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('recipient_kind', sa.String(length=8), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=160), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('claim_token', sa.String(length=40), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', models.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', models.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', models.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_messages_dedupe_key'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_claim_token'), ['claim_token'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_status'), ['status'], unique=False)

    op.create_table('subsidy_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('county_code', sa.String(length=6), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('template_key', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', models.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', models.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['county_code'], ['regions.code'], name=op.f('fk_subsidy_policies_county_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_policies')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_subsidy_policies_key_version'))
    )
    with op.batch_alter_table('subsidy_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_policies_county_code'), ['county_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_policies_key'), ['key'], unique=False)
        batch_op.create_index('uq_subsidy_policies_current', ['key'], unique=True, postgresql_where=sa.text('is_current'), sqlite_where=sa.text('is_current'))

    op.create_table('subsidy_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('county_code', sa.String(length=6), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('policy_key', sa.String(length=64), nullable=False),
    sa.Column('policy_version', sa.Integer(), nullable=False),
    sa.Column('period_key', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('payee', sa.String(length=12), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('evidence_accepted', sa.JSON(), nullable=False),
    sa.Column('evidence_seen', sa.JSON(), nullable=False),
    sa.Column('qualified_on', sa.Date(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('paid_by', sa.Integer(), nullable=True),
    sa.Column('paid_at', models.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('payment_note', sa.Text(), nullable=True),
    sa.Column('created_at', models.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_subsidy_claims_employer_id_employers')),
    sa.ForeignKeyConstraint(['placement_id'], ['placements.id'], name=op.f('fk_subsidy_claims_placement_id_placements')),
    sa.ForeignKeyConstraint(['policy_id'], ['subsidy_policies.id'], name=op.f('fk_subsidy_claims_policy_id_subsidy_policies')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_subsidy_claims_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_claims')),
    sa.UniqueConstraint('worker_id', 'policy_key', 'period_key', name=op.f('uq_subsidy_claims_worker_id_policy_key_period_key'))
    )
    with op.batch_alter_table('subsidy_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_claims_county_code'), ['county_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_claims_placement_id'), ['placement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_claims_policy_id'), ['policy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_claims_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_claims_worker_id'), ['worker_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('subsidy_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_claims_worker_id'))
        batch_op.drop_index(batch_op.f('ix_subsidy_claims_state'))
        batch_op.drop_index(batch_op.f('ix_subsidy_claims_policy_id'))
        batch_op.drop_index(batch_op.f('ix_subsidy_claims_placement_id'))
        batch_op.drop_index(batch_op.f('ix_subsidy_claims_county_code'))

    op.drop_table('subsidy_claims')
    with op.batch_alter_table('subsidy_policies', schema=None) as batch_op:
        batch_op.drop_index('uq_subsidy_policies_current', postgresql_where=sa.text('is_current'), sqlite_where=sa.text('is_current'))
        batch_op.drop_index(batch_op.f('ix_subsidy_policies_key'))
        batch_op.drop_index(batch_op.f('ix_subsidy_policies_county_code'))

    op.drop_table('subsidy_policies')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_status'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_kind'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_claim_token'))

    op.drop_table('outbox_messages')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_runs_status'))
        batch_op.drop_index(batch_op.f('ix_job_runs_started_at'))
        batch_op.drop_index(batch_op.f('ix_job_runs_job'))

    op.drop_table('job_runs')
    op.drop_table('job_leases')
