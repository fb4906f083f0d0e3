"""merge feature branches (subsidies/scheduler, job fairs, posting index) into one head

Revision ID: 0007
Revises: 0002, 0005, 0006
Create Date: 2026-11-24 05:37:15.640923
"""

revision = '0007'
down_revision = ('0002', '0005', '0006')
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: this revision only joins the branches."""


def downgrade() -> None:
    """Nothing to undo."""
