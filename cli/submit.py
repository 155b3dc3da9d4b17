"""``intake submit``: files through the real pipeline, optionally waiting."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy import func, select
from tqdm import tqdm

from cli import context
from cli.processes import worker_command
from intake import workers
from intake.config import Settings
from intake.db import Database
from intake.reading import FIELD_KEYS
from intake.submissions.models import Submission, SubmissionState
from intake.submissions.queries import for_submissions, request_as_dict
from intake.submissions.services import Accepted, UploadRejected
from tasks.processing import enqueue

POLL_S = 0.25


@click.command()
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
    run_submit(
        context.settings(), files, received.date() if received else None, wait, as_json, timeout
    )


def run_submit(
    settings: Settings,
    files: tuple[Path, ...],
    received_on: dt.date | None,
    wait: bool,
    as_json: bool,
    timeout: int,
) -> None:
    """Accept each file, enqueue it, and (with ``wait``) report final outcomes."""
    app = context.app(settings)
    intake = app.extensions["intake"]
    failures: list[tuple[Path, str, str]] = []
    waited_out = None
    with app.app_context(), _worker_if_none(settings, intake.db, needed=wait):
        accepted: list[tuple[Path, Accepted]] = []
        for path in files:
            try:
                data = path.read_bytes()
                result = intake.accept(
                    data,
                    filename=path.name,
                    channel="cli",
                    received_on=received_on,
                    after_commit=enqueue,
                )
            except UploadRejected as exc:
                failures.append((path, exc.code, exc.message))
                continue
            except OSError as exc:
                failures.append((path, "UNREADABLE_FILE", exc.strerror or str(exc)))
                continue
            accepted.append((path, result))
        ids = [a.submission_id for _, a in accepted]
        if wait and ids:
            waited_out = _wait_for(intake.db, ids, timeout)
        with intake.db.session() as session:
            requests = for_submissions(session, ids)
            rows = [request_as_dict(r) for r in requests]
    rows += [not_submitted(path, code, message) for path, code, message in failures]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            codes = ", ".join(r["code"] for r in row["reasons"]) or "-"
            reference = row["reference"] or "-"
            click.echo(f"{reference}  {row['status']:<13} {codes}  ({row['source_file']})")
    for path, _code, message in failures:
        click.echo(f"not submitted: {path}: {message}", err=True)
    if waited_out:
        click.echo(waited_out, err=True)
    if failures:
        sys.exit(1)
    if waited_out:
        sys.exit(EXIT_STILL_PENDING)


#: ``submit --wait``'s exit status when it gave up waiting with requests
#: still pending (1 is for files that were not submitted at all).
EXIT_STILL_PENDING = 2


def not_submitted(path: Path, code: str, message: str) -> dict[str, Any]:
    """The object ``--json`` gives a file refused at the door (an empty file,
    one over the size limit, one that could not be opened): no reference,
    status ``not_submitted``, and why.

    >>> row = not_submitted(Path("/in/empty.pdf"), "EMPTY_FILE", "The file is empty.")
    >>> row["status"], row["reference"], row["reasons"][0]["code"], row["source_file"]
    ('not_submitted', None, 'EMPTY_FILE', 'empty.pdf')
    """
    return {
        "reference": None,
        "status": "not_submitted",
        "reasons": [
            {
                "code": code,
                "field": None,
                "message": message,
                "action": "Nothing was stored; send the form again as a PDF.",
            }
        ],
        "fields": dict.fromkeys(FIELD_KEYS),
        "confidence": {},
        "source_file": path.name,
    }


def _wait_for(db: Database, ids: list[int], timeout: int) -> str | None:
    """Poll until every submission is done, with a progress bar on a terminal;
    ``None`` then, or at ``timeout`` what to tell the user."""
    deadline = time.monotonic() + timeout
    # A terminal that reports no size (a fresh pty) still gets a bar.
    size = shutil.get_terminal_size()
    with tqdm(
        total=len(ids),
        unit="file",
        desc="deciding",
        disable=None,
        leave=False,
        file=sys.stderr,
        ncols=min(size.columns, 100),
        nrows=size.lines,
    ) as bar:
        done = 0
        while True:
            with db.session() as session:
                now_done = session.scalar(
                    select(func.count()).where(
                        Submission.id.in_(ids), Submission.state == SubmissionState.DONE
                    )
                )
            bar.update(now_done - done)
            done = now_done
            if done >= len(ids):
                return None
            if time.monotonic() > deadline:
                return (
                    f"gave up waiting after {timeout}s: {len(ids) - done} file(s) not decided yet "
                    "(they stay queued and will be decided; those are listed as still pending)"
                )
            time.sleep(POLL_S)


@contextmanager
def _worker_if_none(settings: Settings, db: Database, *, needed: bool) -> Iterator[None]:
    """Start a worker of our own for the length of the call if none is live."""
    if not needed or workers.live_workers(db, settings.queue) > 0:
        yield
        return
    # Its log goes to a file beside the data, not to the terminal the
    # results are printed on (and never to nowhere).
    log_path = settings.data_dir / "submit-worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    proc = subprocess.Popen(
        worker_command(2),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while workers.live_workers(db, settings.queue) == 0:
            if proc.poll() is not None:
                raise click.ClickException(f"could not start a worker (its log: {log_path})")
            if time.monotonic() > deadline:
                raise click.ClickException("a worker did not start within 60 seconds")
            time.sleep(POLL_S)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


COMMANDS = (submit,)
