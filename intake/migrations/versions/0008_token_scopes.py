"""API tokens with a scope and an expiry; status links remember the token
that was given them, so a submitter token sees only what it sent.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as table:
        table.add_column(
            sa.Column("scope", sa.String(20), nullable=False, server_default="submitter")
        )
        table.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("status_links") as table:
        table.add_column(sa.Column("api_token_id", sa.Integer(), nullable=True))
        table.create_foreign_key(
            "fk_status_links_api_token", "api_tokens", ["api_token_id"], ["id"]
        )
        table.create_index("ix_status_links_token", ["api_token_id", "submission_id"])


def downgrade() -> None:
    with op.batch_alter_table("status_links") as table:
        table.drop_index("ix_status_links_token")
        table.drop_constraint("fk_status_links_api_token", type_="foreignkey")
        table.drop_column("api_token_id")
    with op.batch_alter_table("api_tokens") as table:
        table.drop_column("expires_at")
        table.drop_column("scope")
