"""The migrations build exactly the schema the models describe, on SQLite
and on PostgreSQL, and an older database is brought up to date."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

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
    }


def _columns(db: Database, *tables: str) -> set[str]:
    found = inspect(db.engine)
    return {f"{table}.{c['name']}" for table in tables for c in found.get_columns(table)}
