"""Accounts made at sign-in through an OpenID Connect provider are the
provider's (issuer, subject).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("oidc_issuer", sa.String(300), nullable=True))
        table.add_column(sa.Column("oidc_subject", sa.String(255), nullable=True))
        table.create_unique_constraint("uq_users_oidc", ["oidc_issuer", "oidc_subject"])


def downgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.drop_constraint("uq_users_oidc", type_="unique")
        table.drop_column("oidc_subject")
        table.drop_column("oidc_issuer")
