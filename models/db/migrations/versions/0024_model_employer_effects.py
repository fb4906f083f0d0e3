"""model_employer_effects: each model version's estimate of the employers it ranks
(training.employer_effects)

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-04 19:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'model_employer_effects',
        sa.Column('model_version_id', sa.Integer(), nullable=False),
        sa.Column('employer_id', sa.Integer(), nullable=False),
        sa.Column('response_effect', sa.Float(), nullable=False),
        sa.Column('lasting_effect', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['model_version_id'], ['model_versions.id'],
                                name=op.f('fk_model_employer_effects_model_version_id_model_versions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['employer_id'], ['employers.id'],
                                name=op.f('fk_model_employer_effects_employer_id_employers'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('model_version_id', 'employer_id', name=op.f('pk_model_employer_effects')),
    )


def downgrade() -> None:
    op.drop_table('model_employer_effects')
