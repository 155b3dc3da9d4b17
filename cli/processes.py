"""The service's long-running processes: ``serve``, ``web``, ``worker``, ``beat``."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time

import click
from sqlalchemy import select
from waitress import serve as waitress_serve

from cli import context
from cli.supervise import Supervised
from intake.accounts.models import User
from intake.service import Intake
from tasks.worker import install_worker_hooks

LANES = ("both", "fast", "heavy", "mail")
#: How long a stopping worker waits for its mail lane before killing it.
MAIL_STOP_S = 10.0


@click.command()
@click.option("--concurrency", "-c", type=int, default=None, help="Worker processes.")
@click.option(
    "--beat/--no-beat",
    default=True,
    show_default=True,
    help="Also run the schedule (the sweeper) in this worker, and a mail-lane worker beside it.",
)
@click.option(
    "--lane",
    type=click.Choice(LANES),
    default="both",
    show_default=True,
    help="fast: ordinary forms; heavy: files that need OCR or long reading; both; "
    "mail: polling the mailbox and sending mail (one process).",
)
@click.option("--quiet", "-q", is_flag=True, help="Log only warnings and errors.")
def worker(concurrency: int | None, beat: bool, lane: str, quiet: bool) -> None:
    """Run a worker: takes submissions off the queue and decides them.

    A worker of each lane keeps slow files from holding ordinary forms up;
    one worker of both lanes is enough where that does not matter. Mail
    (polling the mailbox, sending the outbox) never runs in a form worker:
    it has a lane of its own, run beside the schedule."""
    settings = context.settings()
    app = context.when_the_database_answers(lambda: context.app(settings))
    name = f"intake-{os.getpid()}@{socket.gethostname()}"
    argv = ["--quiet"] if quiet else []
    # No gossip or mingle: workers share nothing but the database, and
    # mingle's second of waiting for neighbours would be spent at every
    # start and every reconnect.
    queues = {
        "fast": [settings.queue],
        "heavy": [settings.heavy_queue],
        "mail": [settings.mail_queue],
    }.get(lane, [settings.queue, settings.heavy_queue])
    argv += ["worker", "-Q", ",".join(queues), "-n", name, "--without-gossip", "--without-mingle"]
    argv += ["--loglevel", "WARNING" if quiet else "INFO"]
    # One mail process: polls of a mailbox never overlap anyway (a lock).
    workers = 1 if lane == "mail" else concurrency or os.cpu_count() or 1
    argv += ["--concurrency", str(workers)]
    mail = None
    if beat and lane != "mail":
        argv += ["-B", "-s", str(settings.data_dir / "celerybeat-schedule")]
        mail = Supervised(mail_worker_command(quiet), "the mail lane's worker").start()
    # A mail worker must not pass for a form worker (``submit --wait``
    # starts one of its own when no form worker beats).
    install_worker_hooks(app, name, settings.mail_queue if lane == "mail" else None)
    if lane == "mail":
        _stop_when_orphaned()
    try:
        app.extensions["celery"].start(argv)
    finally:
        if mail is not None:
            # A poll cut short loses nothing (a message is marked only after
            # its record commits), so the mail lane is not waited for long.
            mail.stop(timeout=MAIL_STOP_S)


@click.command()
@click.option("--host", default=None, help="Address to listen on (default INTAKE_WEB_HOST).")
@click.option("--port", type=int, default=None, help="Port (default INTAKE_WEB_PORT).")
def web(host: str | None, port: int | None) -> None:
    """Run only the web server (workers run elsewhere)."""
    settings = context.settings()
    app = context.app(settings)
    host, port = host or settings.web_host, port or settings.web_port
    click.echo(f"intake web is listening on http://{host}:{port}/")
    waitress_serve(app, host=host, port=port, threads=8, _quiet=True)


@click.command()
def beat() -> None:
    """Run only the schedule (the sweeper), and the mail lane's worker beside
    it; one per installation."""
    settings = context.settings()
    celery_app = context.app(settings).extensions["celery"]
    mail = Supervised(mail_worker_command(False), "the mail lane's worker").start()
    try:
        celery_app.start(
            ["beat", "--loglevel", "INFO", "-s", str(settings.data_dir / "celerybeat-schedule")]
        )
    finally:
        mail.stop(timeout=MAIL_STOP_S)


@click.command()
@click.option(
    "--workers",
    "-w",
    type=int,
    default=2,
    show_default=True,
    help="Worker processes for ordinary forms beside the web server (and one for "
    "files that need OCR or long reading).",
)
def serve(workers: int) -> None:
    """Run the web server and the workers together (the single-machine
    default). It brings the database's schema up to date first."""
    settings = context.settings()
    app = context.app(settings, migrate=True)
    # Kept running: a worker that dies is started again, and the log says so.
    fast = Supervised(worker_command(workers, lane="fast"), "the worker").start()
    heavy = Supervised(
        worker_command(1, lane="heavy", beat=False), "the heavy lane's worker"
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
        fast.stop()
        heavy.stop()


def worker_command(concurrency: int, *, lane: str = "both", beat: bool = True) -> list[str]:
    """The command line of a quiet worker process started beside another command."""
    return [
        *(sys.executable, "-m", "cli", "worker", "--quiet"),
        *("--concurrency", str(concurrency), "--lane", lane),
        *(() if beat else ("--no-beat",)),
    ]


def _stop_when_orphaned() -> None:
    """Stop (SIGTERM) when the process that started this one is gone, so a
    worker killed outright never leaves its mail lane behind to poll beside
    the one its restart brings."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="orphan watch", daemon=True).start()


def mail_worker_command(quiet: bool) -> list[str]:
    """The mail lane's worker, run beside the schedule."""
    return [
        *(sys.executable, "-m", "cli", "worker", "--lane", "mail", "--no-beat"),
        *(("--quiet",) if quiet else ()),
    ]


def _has_users(intake: Intake) -> bool:
    with intake.db.session() as session:
        return session.scalar(select(User.id).limit(1)) is not None


COMMANDS = (serve, web, worker, beat)
