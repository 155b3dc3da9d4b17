"""How long each file took to read, and each request to be decided, for the
reading and decision time histograms at ``/metrics``.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as table:
        table.add_column(sa.Column("read_seconds", sa.Float(), nullable=True))
    with op.batch_alter_table("requests") as table:
        table.add_column(sa.Column("decision_seconds", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("requests") as table:
        table.drop_column("decision_seconds")
    with op.batch_alter_table("submissions") as table:
        table.drop_column("read_seconds")
