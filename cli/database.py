"""``intake db``: the database's schema."""

from __future__ import annotations

import click

from cli import context
from intake.migrate import grant_app_role
from intake.service import Intake


@click.group()
def db() -> None:
    """The database's schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Bring the schema up to date (run once after installing a new version)."""
    Intake.start(context.settings(), migrate=True).db.dispose()
    click.echo("the database is up to date")


@db.command("check")
def db_check() -> None:
    """Say whether the schema is up to date (exit 1 if not)."""
    context.service().db.dispose()
    click.echo("the database is up to date")


@db.command("grant")
@click.argument("role")
def db_grant(role: str) -> None:
    """Let the PostgreSQL login ROLE run the service without owning its
    tables: it cannot switch off the audit trail's triggers, nor change or
    remove its events. Run as the owner after each `intake db upgrade`, then
    point INTAKE_DATABASE_URL at ROLE."""
    service = context.service()
    try:
        grant_app_role(service.db.engine, role)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"{role} may now run the service (the audit trail: read and add only)")


COMMANDS = (db,)
