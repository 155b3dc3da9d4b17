"""A corrected form names the rejected request it corrects.

"Send a corrected form" on a rejected request's status page starts an upload
that carries the old reference; the new submission keeps it, so a caseworker
can follow one request to the next.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as table:
        table.add_column(sa.Column("corrects_reference", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submissions") as table:
        table.drop_column("corrects_reference")
