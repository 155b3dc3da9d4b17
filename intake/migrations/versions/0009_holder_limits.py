"""The limits of SPEC §3 in the database (numbered places for the holders of
a limited role, one active Main Contact), and the service's own directory
changes kept apart so that an import cannot undo them.

Existing active holders are seated in order (the service's grants first);
one past the limit is held back and reported as a conflict. Every grant and
deactivation the service has made becomes a change not yet confirmed
upstream, so the next import re-applies it.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# As they were when this revision was written (a migration never follows the code).
LIMITS = {"GPP_UA": 4, "MAIN_CONTACT": 1, "PL_UA": 4}
SLOT_CHECK = (
    "status <> 'active' OR role_code NOT IN ('GPP_UA', 'MAIN_CONTACT', 'PL_UA') OR "
    "(role_code = 'GPP_UA' AND COALESCE(slot, 0) BETWEEN 1 AND 4) OR "
    "(role_code = 'MAIN_CONTACT' AND COALESCE(slot, 0) BETWEEN 1 AND 1) OR "
    "(role_code = 'PL_UA' AND COALESCE(slot, 0) BETWEEN 1 AND 4)"
)


def upgrade() -> None:
    op.create_table(
        "directory_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("org_code", sa.String(length=10), nullable=False),
        sa.Column("role_code", sa.String(length=40), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_directory_changes_pending",
        "directory_changes",
        ["confirmed_at", "org_code", "role_code"],
    )
    op.create_table(
        "directory_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_code", sa.String(length=10), nullable=False),
        sa.Column("role_code", sa.String(length=40), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=120), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_directory_conflicts_open",
        "directory_conflicts",
        ["org_code", "role_code", "email", "kind"],
        unique=True,
        sqlite_where=sa.text("resolved_at IS NULL"),
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
    with op.batch_alter_table("role_holders") as table:
        table.add_column(sa.Column("slot", sa.Integer(), nullable=True))

    connection = op.get_bind()
    _seat(connection)
    _keep_changes(connection)

    with op.batch_alter_table("role_holders") as table:
        table.create_check_constraint("ck_role_holders_slot", SLOT_CHECK)
        table.create_index(
            "uq_role_holders_slot",
            ["org_code", "role_code", "slot"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
        table.create_index(
            "uq_role_holders_one_main_contact",
            ["org_code"],
            unique=True,
            sqlite_where=sa.text("status = 'active' AND role_code = 'MAIN_CONTACT'"),
            postgresql_where=sa.text("status = 'active' AND role_code = 'MAIN_CONTACT'"),
        )


def _seat(connection: sa.Connection) -> None:
    rows = connection.execute(
        sa.text(
            "SELECT id, org_code, role_code, full_name, email FROM role_holders "
            "WHERE status = 'active' AND role_code IN ('GPP_UA', 'MAIN_CONTACT', 'PL_UA') "
            "ORDER BY org_code, role_code, CASE source WHEN 'intake' THEN 0 ELSE 1 END, id"
        )
    ).all()
    seated: dict[tuple[str, str], int] = {}
    places, held = [], []
    for id_, org_code, role_code, full_name, email in rows:
        n = seated.get((org_code, role_code), 0) + 1
        seated[(org_code, role_code)] = n
        if n <= LIMITS[role_code]:
            places.append({"id": id_, "slot": n})
        else:
            held.append(
                {
                    "id": id_,
                    "org_code": org_code,
                    "role_code": role_code,
                    "full_name": full_name,
                    "email": email,
                    "kind": "other_holder",
                    "detail": f"more than {LIMITS[role_code]} active holder(s) when the "
                    "database began to hold the limits: held back",
                }
            )
    if places:
        connection.execute(sa.text("UPDATE role_holders SET slot = :slot WHERE id = :id"), places)
    for row in held:
        connection.execute(sa.text("UPDATE role_holders SET status = 'held' WHERE id = :id"), row)
        connection.execute(
            sa.text(
                "INSERT INTO directory_conflicts "
                "(org_code, role_code, full_name, email, kind, detail, found_at) "
                "VALUES (:org_code, :role_code, :full_name, :email, :kind, :detail, "
                "CURRENT_TIMESTAMP)"
            ),
            row,
        )


def _keep_changes(connection: sa.Connection) -> None:
    connection.execute(
        sa.text(
            "INSERT INTO directory_changes "
            "(request_id, kind, org_code, role_code, full_name, email, made_at) "
            "SELECT request_id, 'grant', org_code, role_code, full_name, email, "
            "COALESCE(granted_at, CURRENT_TIMESTAMP) FROM role_holders "
            "WHERE source = 'intake' AND request_id IS NOT NULL ORDER BY id"
        )
    )
    connection.execute(
        sa.text(
            "INSERT INTO directory_changes "
            "(request_id, kind, org_code, role_code, full_name, email, made_at) "
            "SELECT deactivated_by_request_id, 'deactivate', org_code, role_code, full_name, "
            "email, COALESCE(deactivated_at, CURRENT_TIMESTAMP) FROM role_holders "
            "WHERE deactivated_by_request_id IS NOT NULL ORDER BY id"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("role_holders") as table:
        table.drop_index("uq_role_holders_one_main_contact")
        table.drop_index("uq_role_holders_slot")
        table.drop_constraint("ck_role_holders_slot", type_="check")
        table.drop_column("slot")
    op.execute("UPDATE role_holders SET status = 'deactivated' WHERE status = 'held'")
    op.drop_index("uq_directory_conflicts_open", table_name="directory_conflicts")
    op.drop_table("directory_conflicts")
    op.drop_index("ix_directory_changes_pending", table_name="directory_changes")
    op.drop_table("directory_changes")
