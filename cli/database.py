"""``intake db``: the database's schema."""

from __future__ import annotations

import click

from cli import context
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


COMMANDS = (db,)
