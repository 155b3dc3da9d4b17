"""``intake review``: a caseworker's decision from the command line."""

from __future__ import annotations

import click

from cli import context
from intake.decisions.review import ReviewRefused, decide_review


@click.command()
@click.argument("reference")
@click.option("--apply", "decision", flag_value="apply", help="Apply the role.")
@click.option("--reject", "decision", flag_value="reject", help="Reject the request.")
@click.option("--note", required=True, help="Why: private to PCSE (the audit trail).")
@click.option("--message", help="What the requester is told with the decision (optional).")
@click.option("--as", "actor", required=True, help="Your account's name, for the audit trail.")
def review(
    reference: str, decision: str | None, note: str, message: str | None, actor: str
) -> None:
    """Apply or reject REFERENCE, a request waiting for a caseworker."""
    if decision is None:
        raise click.UsageError("say --apply or --reject")
    service = context.service()
    actor = context.account(service, actor)
    try:
        outcome = decide_review(
            service.db, reference, decision=decision, note=note, actor=actor, message=message
        )
    except ReviewRefused as exc:
        details = "".join(f"\n  {r.code}: {r.message}" for r in exc.reasons)
        raise click.ClickException(exc.message + details) from None
    click.echo(f"{outcome.reference}: {outcome.status}")


COMMANDS = (review,)
