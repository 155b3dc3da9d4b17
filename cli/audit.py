"""``intake audit``: seal the audit trail, and check that it is intact."""

from __future__ import annotations

import click

from cli import context
from intake import audit


@click.group("audit")
def audit_group() -> None:
    """The audit trail: its seals, and checking them."""


@audit_group.command("seal")
def audit_seal() -> None:
    """Seal the events written more than half a minute ago (the scheduler
    does this every minute)."""
    click.echo(f"sealed {audit.seal(context.service().db)} event(s)")


@audit_group.command("verify")
def audit_verify() -> None:
    """Check every sealed event against its seal; exit 1 and name the first
    broken link if one does not match. The result goes into the trail."""
    db = context.service().db
    found = audit.verify(db)
    audit.record_verification(db, found)
    if not found.ok:
        raise click.ClickException(
            f"the audit trail is broken at event {found.broken_at}: {found.why}"
        )
    click.echo(f"the audit trail is intact: {found.sealed} of {found.events} event(s) sealed")


COMMANDS = (audit_group,)
