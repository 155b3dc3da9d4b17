"""The migrations build exactly the schema the models describe, on SQLite
and on PostgreSQL, and an older database is brought up to date."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

import intake.models  # noqa: F401  (every table on Base.metadata)
from intake.db import Base, Database
from intake.migrate import alembic_config, upgrade


def test_the_migrations_build_the_schema_the_models_describe(database_url):
    db = Database(database_url)
    try:
        upgrade(db.engine)
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        db.dispose()

    assert differences == []


def test_a_database_of_an_earlier_version_gains_the_new_columns(database_url):
    db = Database(database_url)
    try:
        config = alembic_config(db.engine)
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0002")
        before = _columns(db, "submissions", "requests")
        upgrade(db.engine)
        after = _columns(db, "submissions", "requests")
    finally:
        db.dispose()

    assert after - before == {
        "submissions.claimed_by",
        "submissions.read_seconds",
        "submissions.heavy",
        "submissions.corrects_reference",
        "requests.decision_seconds",
        "requests.search_text",
        "requests.requester_message",
        "requests.case_owner",
        "requests.case_claimed_at",
    }


def _columns(db: Database, *tables: str) -> set[str]:
    found = inspect(db.engine)
    return {f"{table}.{c['name']}" for table in tables for c in found.get_columns(table)}


def test_a_rejections_note_already_sent_stays_what_the_requester_was_told(database_url):
    db = Database(database_url)
    try:
        config = alembic_config(db.engine)
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0012")
            connection.execute(
                text(
                    "INSERT INTO submissions (sha256, stored_name, original_filename, size_bytes, "
                    "channel, received_on, received_at, sent_at, state, attempts, heavy) VALUES "
                    "('x', 'x', 'f.pdf', 1, 'web', '2026-11-20', '2026-11-20', '2026-11-20', "
                    "'done', 1, false)"
                )
            )
            for n, (status, by) in enumerate(
                [("rejected", "cw"), ("applied", "cw"), ("rejected", "system")]
            ):
                connection.execute(
                    text(
                        "INSERT INTO requests (submission_id, form_index, status, decided_by, "
                        "decision_note, created_at) VALUES "
                        "(1, :n, :status, :by, :note, '2026-11-20')"
                    ),
                    {"n": n, "status": status, "by": by, "note": f"note {n}"},
                )
        upgrade(db.engine)
        with db.engine.connect() as connection:
            told = (
                connection.execute(
                    text("SELECT requester_message FROM requests ORDER BY form_index")
                )
                .scalars()
                .all()
            )
    finally:
        db.dispose()

    assert told == ["note 0", None, None]
