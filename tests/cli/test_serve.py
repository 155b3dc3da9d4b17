"""``intake serve`` as an operator runs it: a real process with its worker,
on the embedded defaults (SQLite, the folder broker)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bench.served import post_file
from bench.servers import free_port
from intake import workers
from intake.accounts.services import create_api_token
from intake.db import aware
from intake.directory.services import import_directory
from intake.service import Intake
from intake.submissions.models import Submission, SubmissionState
from intake.workers import WorkerHeartbeat
from tests.conftest import ROOT, make_settings, settings_env

SAMPLES = ROOT / "sample_forms"
FORMS = ["applied_gp_partner.pdf", "rejected_org_closed.pdf", "review_user_admin_exists.pdf"]


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[Intake, str, subprocess.Popen[bytes]]]:
    settings = make_settings(tmp_path, web_port=free_port())
    intake = Intake.start(settings)
    import_directory(intake.db, SAMPLES / "directory")
    env = {**settings_env(settings), "INTAKE_WEB_PORT": str(settings.web_port)}
    with open(tmp_path / "serve.log", "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--workers", "1"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield intake, f"http://127.0.0.1:{settings.web_port}", proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        intake.db.dispose()


def beating(intake: Intake, queue: str) -> set[str]:
    """Names of the workers that beat lately."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=workers.STALE_AFTER_S)
    with intake.db.session() as session:
        rows = session.scalars(select(WorkerHeartbeat).where(WorkerHeartbeat.queue == queue))
        return {r.name for r in rows if aware(r.last_seen) >= since}


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout} s")


def upload(base: str, token: str, name: str) -> None:
    status, _references, _wait = post_file(base, token, name, (SAMPLES / name).read_bytes())
    assert status == 202


@pytest.mark.pipeline
def test_killed_workers_are_back_within_ten_seconds_and_decide_the_queue(served):
    intake, base, _serve = served
    queue = intake.settings.queue
    # serve runs a worker for ordinary forms and one for the heavy lane.
    first = wait_for(
        lambda: len(beating(intake, queue)) == 2 and beating(intake, queue),
        120,
        "the two workers did not beat",
    )
    token = create_api_token(intake.db, "robot", created_by="admin")

    for name in first:
        os.kill(int(name.split("@")[0].removeprefix("intake-")), signal.SIGKILL)
    killed = time.monotonic()
    for name in FORMS:  # the queue grows while no worker is there
        upload(base, token, name)
    wait_for(lambda: len(beating(intake, queue) - first) == 2, 30, "no new workers beat")
    back_after = time.monotonic() - killed

    def all_decided() -> bool:
        with intake.db.session() as session:
            states = session.scalars(select(Submission.state)).all()
        return len(states) == len(FORMS) and set(states) == {SubmissionState.DONE}

    wait_for(all_decided, 60, "the queue was not decided")
    assert back_after < 10
