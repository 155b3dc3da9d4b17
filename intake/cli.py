"""The ``intake`` command line."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from sqlalchemy.exc import OperationalError

from intake.config import ConfigError, Settings
from intake.supervise import Supervised

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


@click.group()
def main() -> None:
    """Reads PCSE Online User Administrator authorisation forms and decides them."""


@main.group()
def directory() -> None:
    """The organisation directory."""


@directory.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def directory_import(folder: Path) -> None:
    """Replace the directory with the CSV files in FOLDER (atomically)."""
    from intake.directory import DirectoryImportError, import_directory
    from intake.service import Intake

    intake = Intake.start(_settings())
    try:
        summary = import_directory(intake.db, folder)
    except DirectoryImportError as exc:
        raise click.ClickException(f"nothing imported: {exc}") from None
    for name, count in summary.counts.items():
        click.echo(f"{name:>18}: {count:,} rows")
    _report_sweep(intake)


@directory.command("sweep")
def directory_sweep() -> None:
    """Flag roles granted here whose holder is no longer active staff."""
    from intake.service import Intake

    _report_sweep(Intake.start(_settings()), list_open=True)


def _report_sweep(intake, list_open: bool = False) -> None:
    from intake.leavers import open_flags, sweep_leavers

    result = sweep_leavers(intake.db)
    click.echo(f"leaver sweep: {len(result.flagged)} newly flagged, {len(result.cleared)} cleared")
    if list_open:
        for flag in open_flags(intake.db):
            click.echo(
                f"  {flag.org_code} {flag.role_code:<13} {flag.email}  "
                f"({flag.reason}, since {flag.flagged_at:%Y-%m-%d})"
            )


@main.group()
def users() -> None:
    """Caseworker and admin accounts."""


@users.command("add")
@click.argument("username")
@click.option(
    "--role", type=click.Choice(["caseworker", "admin"]), default="caseworker", show_default=True
)
@click.option("--name", "display_name", help="Name shown in the audit trail.")
@click.option("--email", help="Where caseworker digests are sent.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_add(
    username: str, role: str, display_name: str | None, email: str | None, password_stdin: bool
) -> None:
    """Add an account that can sign in to the dashboard."""
    from intake.accounts import AccountError, create_user
    from intake.service import Intake

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(
            Intake.start(_settings()).db,
            username,
            password,
            role=role,
            display_name=display_name,
            email=email,
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added {user.role} {user.username}")


@main.group()
def tokens() -> None:
    """API tokens for automation."""


@tokens.command("create")
@click.argument("name")
@click.option("--as", "actor", required=True, help="Who is creating it (an admin).")
def tokens_create(name: str, actor: str) -> None:
    """Create a token called NAME and print it (it is shown only once)."""
    from intake.accounts import AccountError, create_api_token
    from intake.service import Intake

    try:
        token = create_api_token(Intake.start(_settings()).db, name, created_by=actor)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(token)


@tokens.command("revoke")
@click.argument("name")
@click.option("--as", "actor", required=True, help="Who is revoking it.")
def tokens_revoke(name: str, actor: str) -> None:
    """Revoke every token called NAME."""
    from intake.accounts import revoke_api_token
    from intake.service import Intake

    count = revoke_api_token(Intake.start(_settings()).db, name, actor=actor)
    click.echo(f"revoked {count} token(s) called {name}")


@main.command()
@click.argument("reference")
@click.option("--apply", "decision", flag_value="apply", help="Apply the role.")
@click.option("--reject", "decision", flag_value="reject", help="Reject the request.")
@click.option("--note", required=True, help="Why (kept in the audit trail).")
@click.option("--as", "actor", required=True, help="Your name, for the audit trail.")
def review(reference: str, decision: str | None, note: str, actor: str) -> None:
    """Apply or reject REFERENCE, a request waiting for a caseworker."""
    from intake.review import ReviewRefused, decide_review
    from intake.service import Intake

    if decision is None:
        raise click.UsageError("say --apply or --reject")
    intake = Intake.start(_settings())
    try:
        outcome = decide_review(intake.db, reference, decision=decision, note=note, actor=actor)
    except ReviewRefused as exc:
        details = "".join(f"\n  {r.code}: {r.message}" for r in exc.reasons)
        raise click.ClickException(exc.message + details) from None
    click.echo(f"{outcome.reference}: {outcome.status}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--received",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day the forms reached PCSE (default: today).",
)
@click.option("--wait", is_flag=True, help="Wait until every request is decided.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per request.")
@click.option("--timeout", default=600, show_default=True, help="Seconds --wait waits at most.")
def submit(
    files: tuple[Path, ...], received: dt.datetime | None, wait: bool, as_json: bool, timeout: int
) -> None:
    """Send FILES through the pipeline (the queue and a worker)."""
    from intake.submit_cli import run_submit

    run_submit(_settings(), files, received.date() if received else None, wait, as_json, timeout)


@main.command()
@click.option("--concurrency", "-c", type=int, default=None, help="Worker processes.")
@click.option(
    "--beat/--no-beat",
    default=True,
    show_default=True,
    help="Also run the schedule (the sweeper) in this worker.",
)
@click.option("--quiet", "-q", is_flag=True, help="Log only warnings and errors.")
def worker(concurrency: int | None, beat: bool, quiet: bool) -> None:
    """Run a worker: takes submissions off the queue and decides them."""
    from tasks.worker import install_worker_hooks
    from web import create_app

    settings = _settings()
    app = _when_the_database_answers(lambda: create_app({"INTAKE_SETTINGS": settings}))
    name = f"intake-{os.getpid()}@{socket.gethostname()}"
    argv = ["--quiet"] if quiet else []
    argv += ["worker", "-Q", settings.queue, "-n", name]
    argv += ["--loglevel", "WARNING" if quiet else "INFO"]
    argv += ["--concurrency", str(concurrency or os.cpu_count() or 1)]
    if beat:
        argv += ["-B", "-s", str(settings.data_dir / "celerybeat-schedule")]
    install_worker_hooks(app, name)
    app.extensions["celery"].start(argv)


@main.command()
@click.option("--host", default=None, help="Address to listen on (default INTAKE_WEB_HOST).")
@click.option("--port", type=int, default=None, help="Port (default INTAKE_WEB_PORT).")
def web(host: str | None, port: int | None) -> None:
    """Run only the web server (workers run elsewhere)."""
    from waitress import serve as waitress_serve

    from web import create_app

    settings = _settings()
    app = create_app({"INTAKE_SETTINGS": settings})
    host, port = host or settings.web_host, port or settings.web_port
    click.echo(f"intake web is listening on http://{host}:{port}/")
    waitress_serve(app, host=host, port=port, threads=8, _quiet=True)


@main.command()
def beat() -> None:
    """Run only the schedule (the sweeper); one per installation."""
    from web import create_app

    settings = _settings()
    celery_app = create_app({"INTAKE_SETTINGS": settings}).extensions["celery"]
    celery_app.start(
        ["beat", "--loglevel", "INFO", "-s", str(settings.data_dir / "celerybeat-schedule")]
    )


@main.command()
@click.option(
    "--workers",
    "-w",
    type=int,
    default=2,
    show_default=True,
    help="Worker processes beside the web server.",
)
def serve(workers: int) -> None:
    """Run the web server and a worker together (the single-machine default)."""
    from waitress import serve as waitress_serve

    from web import create_app

    settings = _settings()
    app = create_app({"INTAKE_SETTINGS": settings})
    # Kept running: a worker that dies is started again, and the log says so.
    worker = Supervised(
        [sys.executable, "-m", "intake", "worker", "--quiet", "--concurrency", str(workers)],
        "the worker",
    ).start()
    url = f"http://{settings.web_host}:{settings.web_port}/"
    click.echo(
        f"\nintake is running at {url}\n"
        f"  upload a form:  {url}\n  dashboard:      {url}dashboard\n"
        f"  database: {settings.database_url}\n"
        f"  broker:   {settings.broker_url or 'embedded (' + str(settings.broker_dir) + ')'}\n"
        "Ctrl-C stops it.\n"
    )
    if not _has_users(app.extensions["intake"]):
        click.echo(
            "No caseworker accounts yet. To sign in to the dashboard, add one:\n"
            "  .venv/bin/intake users add yourname --role admin\n"
        )

    def stop(*_: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        waitress_serve(app, host=settings.web_host, port=settings.web_port, threads=8, _quiet=True)
    finally:
        worker.stop()


#: Seconds a worker waits between tries while its database does not answer.
DATABASE_RETRY_S = (1, 2, 5, 10, 30)


def _when_the_database_answers(start: Callable[[], T]) -> T:
    """``start()``, tried again (with back-off, for as long as it takes) while
    the database does not answer: a worker started during an outage waits
    for it rather than exit."""
    for attempt in itertools.count():
        try:
            return start()
        except OperationalError as exc:
            delay = DATABASE_RETRY_S[min(attempt, len(DATABASE_RETRY_S) - 1)]
            reason = str(exc.orig or exc).strip().splitlines()[0]
            click.echo(f"the database does not answer ({reason}); again in {delay} s", err=True)
            time.sleep(delay)
    raise AssertionError("unreachable")


def _has_users(intake) -> bool:
    from sqlalchemy import select

    from intake.models import User

    with intake.db.session() as session:
        return session.scalar(select(User.id).limit(1)) is not None


@main.group()
def mail() -> None:
    """The intake mailbox (forms emailed as PDF attachments)."""


@mail.command("poll")
def mail_poll() -> None:
    """Take new messages from the mailbox once (INTAKE_IMAP_* settings)."""
    from intake.mail.inbound import poll_mailbox
    from intake.mail.settings import mailbox_settings
    from tasks.processing import enqueue
    from web import create_app

    settings = _settings()
    box = mailbox_settings(settings)
    if box is None:
        raise click.UsageError("no mailbox: set INTAKE_IMAP_HOST, INTAKE_IMAP_USER, ...")
    app = create_app({"INTAKE_SETTINGS": settings})
    with app.app_context():
        result = poll_mailbox(app.extensions["intake"], box, enqueue)
    for outcome, count in sorted(result.outcomes.items()):
        click.echo(f"{outcome:>10}: {count} message(s)")
    click.echo(f"{len(result.submission_ids)} file(s) submitted")
    if result.failed:
        raise click.ClickException(f"{result.failed} message(s) could not be taken; see the log")


@main.group()
def outbox() -> None:
    """Mail the service sends: acknowledgements and outcome notices."""


@outbox.command("send")
@click.option("--limit", default=200, show_default=True, help="Send at most this many.")
def outbox_send(limit: int) -> None:
    """Send the mails that are due now (INTAKE_SMTP_* settings)."""
    from intake import outbox as mail_outbox
    from intake.mail.settings import smtp_settings
    from intake.service import Intake

    settings = _settings()
    smtp = smtp_settings(settings)
    if smtp is None:
        raise click.UsageError("no SMTP server: set INTAKE_SMTP_HOST")
    result = mail_outbox.send_due(Intake.start(settings).db, smtp, limit=limit)
    click.echo(f"sent {result.sent}, to retry {result.retried}, failed {result.failed}")


@outbox.command("status")
def outbox_status() -> None:
    """How many mails are pending, sent and failed; the failed ones listed."""
    from sqlalchemy import select

    from intake import outbox as mail_outbox
    from intake.models import OutboxMessage
    from intake.service import Intake

    db = Intake.start(_settings()).db
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
    from intake import outbox as mail_outbox
    from intake.service import Intake

    count = mail_outbox.retry_failed(Intake.start(_settings()).db, list(ids) or None)
    click.echo(f"{count} mail(s) will be sent again")


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--interval", default=5.0, show_default=True, help="Seconds between looks.")
@click.option("--once", is_flag=True, help="Look twice (to see which files are stable), then stop.")
def watch(folder: Path, interval: float, once: bool) -> None:
    """Take PDF forms put in FOLDER; each goes to FOLDER/processed or FOLDER/refused."""
    import time

    from intake.watch import scan_folder
    from tasks.processing import enqueue
    from web import create_app

    app = create_app({"INTAKE_SETTINGS": _settings()})
    looks = 0
    with app.app_context():
        while True:
            for result in scan_folder(app.extensions["intake"], folder, enqueue):
                refs = ", ".join(result.references) or result.why
                click.echo(f"{result.outcome:>8}: {result.name}  {refs}")
            looks += 1
            if once and looks == 2:
                break
            time.sleep(2.1 if once else interval)


if __name__ == "__main__":  # pragma: no cover
    main()
