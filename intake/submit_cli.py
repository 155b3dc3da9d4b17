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

import click
from sqlalchemy import func, select
from tqdm import tqdm

from intake import workers
from intake.config import Settings
from intake.models import Submission, SubmissionState
from intake.queries import for_submissions, request_as_dict
from intake.submissions import Accepted, UploadRejected, accept

POLL_S = 0.25


def run_submit(
    settings: Settings,
    files: tuple[Path, ...],
    received_on: dt.date | None,
    wait: bool,
    as_json: bool,
    timeout: int,
) -> None:
    """Accept each file, enqueue it, and (with ``wait``) report final outcomes."""
    from tasks.processing import enqueue
    from web import create_app

    app = create_app({"INTAKE_SETTINGS": settings})
    intake = app.extensions["intake"]
    failures: list[str] = []
    with app.app_context(), _worker_if_none(settings, intake.db, needed=wait):
        accepted: list[tuple[Path, Accepted]] = []
        for path in files:
            try:
                data = path.read_bytes()
                result = accept(
                    intake.db,
                    intake.store,
                    data,
                    filename=path.name,
                    channel="cli",
                    received_on=received_on,
                    max_bytes=settings.max_upload_bytes,
                    after_commit=enqueue,
                )
            except (OSError, UploadRejected) as exc:
                message = getattr(exc, "message", None) or exc.strerror or str(exc)
                failures.append(f"{path}: {message}")
                continue
            accepted.append((path, result))
        ids = [a.submission_id for _, a in accepted]
        if wait and ids:
            _wait_for(intake.db, ids, timeout)
        with intake.db.session() as session:
            requests = for_submissions(session, ids)
            rows = [request_as_dict(r) for r in requests]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            codes = ", ".join(r["code"] for r in row["reasons"]) or "-"
            click.echo(f"{row['reference']}  {row['status']:<10} {codes}  ({row['source_file']})")
    for failure in failures:
        click.echo(f"not submitted: {failure}", err=True)
    if failures:
        sys.exit(1)


def _wait_for(db, ids: list[int], timeout: int) -> None:
    """Poll until every submission is done, with a progress bar on a terminal."""
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
                return
            if time.monotonic() > deadline:
                raise click.ClickException(
                    f"gave up waiting after {timeout}s: {len(ids) - done} file(s) not decided yet "
                    "(they stay queued and will be decided)"
                )
            time.sleep(POLL_S)


@contextmanager
def _worker_if_none(settings: Settings, db, *, needed: bool) -> Iterator[None]:
    """Start a worker of our own for the length of the call if none is live."""
    if not needed or workers.live_workers(db, settings.queue) > 0:
        yield
        return
    proc = subprocess.Popen(
        [sys.executable, "-m", "intake", "worker", "--quiet", "--concurrency", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while workers.live_workers(db, settings.queue) == 0:
            if proc.poll() is not None:
                raise click.ClickException(
                    "could not start a worker (run `intake worker` to see why)"
                )
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
