"""What the dashboard's search looks in: one lower-cased text per request.

The reference, the organisation's code and name, every email and name on
the form, and the file's name and sender, one a line. A search is a
substring of it, so one condition covers every kind of value. Existing
requests are filled in batches (the copy of ``search_text`` below is frozen
here, as this migration must not change when the model's does).

Revision ID: 0012
Revises: 0011
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 2_000
SEARCHED_FIELDS = (
    "org_code",
    "org_name",
    "nominee_name",
    "nominee_email",
    "requester_name",
    "requester_email",
    "authoriser_name",
    "authoriser_email",
)


def upgrade() -> None:
    with op.batch_alter_table("requests") as table:
        table.add_column(sa.Column("search_text", sa.Text(), nullable=True))
    _backfill(op.get_bind())


def _backfill(connection: sa.Connection) -> None:
    query = sa.text(
        "SELECT r.id, r.reference, r.fields, s.original_filename, s.sender"
        " FROM requests r JOIN submissions s ON s.id = r.submission_id"
        " WHERE r.id > :after ORDER BY r.id LIMIT :size"
    )
    update = sa.text("UPDATE requests SET search_text = :text WHERE id = :id")
    after = 0
    while rows := connection.execute(query, {"after": after, "size": BATCH}).all():
        connection.execute(update, [{"id": row.id, "text": _search_text(row)} for row in rows])
        after = rows[-1].id


def _search_text(row: sa.Row) -> str:
    fields = row.fields
    if isinstance(fields, str):  # SQLite hands JSON back as text
        fields = json.loads(fields)
    fields = fields if isinstance(fields, dict) else {}
    values = (
        row.reference,
        *(fields.get(key) for key in SEARCHED_FIELDS),
        row.original_filename,
        row.sender,
    )
    return "\n".join(v.strip().lower() for v in values if isinstance(v, str) and v.strip())


def downgrade() -> None:
    with op.batch_alter_table("requests") as table:
        table.drop_column("search_text")
