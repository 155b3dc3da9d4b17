"""``intake mail`` and ``intake outbox``: mail in and mail out."""

from __future__ import annotations

import click
from sqlalchemy import select

from cli import context
from intake.ingest.mailbox import poll_mailbox
from intake.mail import outbox as mail_outbox
from intake.mail.models import OutboxMessage
from intake.mail.settings import mailbox_settings, smtp_settings
from tasks.processing import enqueue


@click.group()
def mail() -> None:
    """The intake mailbox (forms emailed as PDF attachments)."""


@mail.command("poll")
def mail_poll() -> None:
    """Take new messages from the mailbox once (INTAKE_IMAP_* settings)."""
    settings = context.settings()
    box = mailbox_settings(settings)
    if box is None:
        raise click.UsageError("no mailbox: set INTAKE_IMAP_HOST, INTAKE_IMAP_USER, ...")
    app = context.app(settings)
    with app.app_context():
        result = poll_mailbox(app.extensions["intake"], box, enqueue)
    for outcome, count in sorted(result.outcomes.items()):
        click.echo(f"{outcome:>10}: {count} message(s)")
    click.echo(f"{len(result.submission_ids)} file(s) submitted")
    if result.failed:
        raise click.ClickException(f"{result.failed} message(s) could not be taken; see the log")


@click.group()
def outbox() -> None:
    """Mail the service sends: acknowledgements and outcome notices."""


@outbox.command("send")
@click.option("--limit", default=200, show_default=True, help="Send at most this many.")
def outbox_send(limit: int) -> None:
    """Send the mails that are due now (INTAKE_SMTP_* settings)."""
    settings = context.settings()
    smtp = smtp_settings(settings)
    if smtp is None:
        raise click.UsageError("no SMTP server: set INTAKE_SMTP_HOST")
    result = mail_outbox.send_due(context.service(settings).db, smtp, limit=limit)
    click.echo(f"sent {result.sent}, to retry {result.retried}, failed {result.failed}")


@outbox.command("status")
def outbox_status() -> None:
    """How many mails are pending, sent and failed; the failed ones listed."""
    db = context.service().db
    counts = mail_outbox.counts(db)
    if not counts:
        click.echo("the outbox is empty")
    for status, count in sorted(counts.items()):
        click.echo(f"{status:>8}: {count}")
    with db.session() as session:
        failed = session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == "failed").order_by(OutboxMessage.id)
        )
        for row in failed:
            click.echo(f"  #{row.id} {row.kind} to {row.to_addr}: {row.last_error}")


@outbox.command("retry")
@click.argument("ids", nargs=-1, type=int)
def outbox_retry(ids: tuple[int, ...]) -> None:
    """Send failed mails again (all of them, or the ids given)."""
    count = mail_outbox.retry_failed(context.service().db, list(ids) or None)
    click.echo(f"{count} mail(s) will be sent again")


COMMANDS = (mail, outbox)
