"""Casework: a caseworker claims a review case, and writes to the requester
apart from their private note.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests") as table:
        table.add_column(sa.Column("requester_message", sa.Text(), nullable=True))
        table.add_column(sa.Column("case_owner", sa.String(120), nullable=True))
        table.add_column(sa.Column("case_claimed_at", sa.DateTime(timezone=True), nullable=True))
    # Until now a rejection's note was sent to the requester word for word:
    # it stays what they were told.
    op.execute(
        "UPDATE requests SET requester_message = decision_note "
        "WHERE status = 'rejected' AND decision_note IS NOT NULL AND decided_by <> 'system'"
    )


def downgrade() -> None:
    with op.batch_alter_table("requests") as table:
        table.drop_column("case_claimed_at")
        table.drop_column("case_owner")
        table.drop_column("requester_message")
