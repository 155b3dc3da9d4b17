"""Seals on the audit trail: each event's hash, chained to the one before,
kept in a table of its own that is append-only like the trail.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

POSTGRES_UP = """
CREATE FUNCTION audit_seals_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_seals is append-only: % refused', TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_seals_no_change BEFORE UPDATE OR DELETE ON audit_seals
    FOR EACH ROW EXECUTE FUNCTION audit_seals_append_only();
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals
    FOR EACH STATEMENT EXECUTE FUNCTION audit_seals_append_only();
"""

SQLITE_UP = [
    """CREATE TRIGGER audit_seals_no_update BEFORE UPDATE ON audit_seals
       BEGIN SELECT RAISE(ABORT, 'audit_seals is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_seals_no_delete BEFORE DELETE ON audit_seals
       BEGIN SELECT RAISE(ABORT, 'audit_seals is append-only: DELETE refused'); END""",
]


def upgrade() -> None:
    op.create_table(
        "audit_seals",
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("audit_events.id"), primary_key=True),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_UP)
    else:
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_seals_append_only() CASCADE")
    op.drop_table("audit_seals")
