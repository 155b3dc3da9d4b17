"""Account management: an account's last sign-in, and unrevoked API tokens
with names of their own (a token is revoked by its id, and a name names one).

Unrevoked tokens that shared a name keep working: the oldest keeps the
name, each later one gets its id added ("robot #7").

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

NAME_LENGTH = 120


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=True))
    _rename_shared_names(op.get_bind())
    op.create_index(
        "ux_api_tokens_unrevoked_name",
        "api_tokens",
        ["name"],
        unique=True,
        sqlite_where=sa.text("revoked_at IS NULL"),
        postgresql_where=sa.text("revoked_at IS NULL"),
    )


def _rename_shared_names(connection: sa.Connection) -> None:
    rows = connection.execute(
        sa.text("SELECT id, name FROM api_tokens WHERE revoked_at IS NULL ORDER BY id")
    ).all()
    taken = {name for _, name in rows}
    seen: set[str] = set()
    for token_id, name in rows:
        if name not in seen:
            seen.add(name)
            continue
        suffix = f" #{token_id}"
        new = name[: NAME_LENGTH - len(suffix)] + suffix
        while new in taken:
            suffix += "'"
            new = name[: NAME_LENGTH - len(suffix)] + suffix
        taken.add(new)
        connection.execute(
            sa.text("UPDATE api_tokens SET name = :new WHERE id = :id"),
            {"new": new, "id": token_id},
        )


def downgrade() -> None:
    op.drop_index("ux_api_tokens_unrevoked_name", table_name="api_tokens")
    with op.batch_alter_table("users") as table:
        table.drop_column("last_signed_in_at")
