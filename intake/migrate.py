"""Bring a database's schema up to date with the Alembic migrations, or
check that it is."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


class SchemaNotCurrent(RuntimeError):
    """The database's schema is older than this code (or absent)."""


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied (safe to call at each start)."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def require_current(engine: Engine) -> None:
    """Raise ``SchemaNotCurrent`` unless every migration has been applied
    (one small query; nothing is changed)."""
    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    with engine.connect() as connection:
        applied = set(MigrationContext.configure(connection).get_current_heads())
    if applied == heads:
        return
    if not applied:
        raise SchemaNotCurrent("the database has no tables yet")
    raise SchemaNotCurrent("the database's tables are older than this version of intake")


#: Tables the application may only read and add to.
APPEND_ONLY = ("audit_events", "audit_seals")


def grant_app_role(engine: Engine, role: str) -> None:
    """Give ``role`` (a PostgreSQL login the service runs as) what the
    service needs, and no more: rows to read and write, but the audit trail
    and its seals only to read and add to; never a table's ownership, so it
    cannot switch off their triggers or alter them. Run as the tables' owner
    after every upgrade."""
    if engine.dialect.name != "postgresql":
        raise ValueError("roles are PostgreSQL's: SQLite has none")
    if not role.replace("_", "").isalnum():
        raise ValueError(f"not a role name: {role!r}")
    with engine.begin() as connection:
        tables = [
            name
            for (name,) in connection.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
        ]
        connection.exec_driver_sql(f'GRANT USAGE ON SCHEMA public TO "{role}"')
        for table in tables:
            rights = (
                "SELECT, INSERT" if table in APPEND_ONLY else ("SELECT, INSERT, UPDATE, DELETE")
            )
            connection.exec_driver_sql(f'REVOKE ALL ON TABLE "{table}" FROM "{role}"')
            connection.exec_driver_sql(f'GRANT {rights} ON TABLE "{table}" TO "{role}"')
        connection.exec_driver_sql(
            f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"'
        )
