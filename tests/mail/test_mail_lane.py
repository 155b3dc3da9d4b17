"""The mailbox on a lane of its own (issue 18, item 5): a hung mailbox times
out when told, two polls never run at once, and it never holds up a form."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from cli import main
from intake import workers
from intake.directory.services import import_directory
from intake.ingest import mailbox
from intake.service import Intake
from tests.conftest import ROOT, make_settings, settings_env
from web import create_app

SAMPLES = ROOT / "sample_forms"


@pytest.fixture
def service(database_url, tmp_path):
    """The service on SQLite and on PostgreSQL (each locks its own way)."""
    intake = Intake.start(make_settings(tmp_path, database_url=database_url))
    yield intake
    intake.db.dispose()


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_a_hung_mailbox_is_given_up_after_the_connect_timeout(intake, tarpit):
    started = time.monotonic()

    with pytest.raises(TimeoutError):
        mailbox.poll_mailbox(intake, tarpit.settings(connect_timeout_s=1.5), None)

    assert 1.4 < time.monotonic() - started < 5
    assert len(tarpit.held) == 1


def test_two_polls_started_together_do_not_both_run(service, tarpit):
    intake = service
    box = tarpit.settings(connect_timeout_s=4)
    first: list[BaseException] = []

    def poll() -> None:
        try:
            mailbox.poll_mailbox(intake, box, None)
        except BaseException as exc:
            first.append(exc)

    running = threading.Thread(target=poll)
    running.start()
    wait_until(lambda: len(tarpit.held) == 1, 5, "the first poll to connect")
    started = time.monotonic()
    second = mailbox.poll_mailbox(intake, box, None)
    took = time.monotonic() - started
    running.join()

    assert second.skipped and second.outcomes == {}
    assert took < 1
    assert len(tarpit.held) == 1  # the second never connected
    assert [type(e) for e in first] == [TimeoutError]
    # The lock is let go when the first poll ends: the next one runs.
    with pytest.raises(TimeoutError):
        mailbox.poll_mailbox(intake, tarpit.settings(connect_timeout_s=0.5), None)
    assert len(tarpit.held) == 2


def test_a_tarpit_mailbox_does_not_slow_a_cli_form(tmp_path, tarpit):
    settings = make_settings(tmp_path)
    intake = Intake.start(settings)
    import_directory(intake.db, SAMPLES / "directory")
    env = {
        **settings_env(settings),
        "INTAKE_IMAP_HOST": "127.0.0.1",
        "INTAKE_IMAP_PORT": str(tarpit.port),
        "INTAKE_IMAP_SECURITY": "none",
        "INTAKE_IMAP_USER": "intake",
        "INTAKE_MAIL_POLL_INTERVAL_S": "5",
        # Each poll hangs for ten minutes, as a mailbox that never answers would.
        "INTAKE_IMAP_CONNECT_TIMEOUT_S": "600",
    }
    log = (tmp_path / "worker.log").open("wb")
    # One form process: before the mail lane, a hung poll took it.
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "worker", "--concurrency", "1"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until(lambda: workers.live_workers(intake.db, settings.queue) == 1, 120, "a worker")
        wait_until(lambda: len(tarpit.held) == 1, 60, "a poll to hang on the mailbox")
        form = SAMPLES / "applied_gp_partner.pdf"

        started = time.monotonic()
        result = CliRunner().invoke(
            main, ["submit", str(form), "--wait", "--json", "--received", "2026-11-20"], env=env
        )
        took = time.monotonic() - started

        assert result.exit_code == 0, result.output
        assert json.loads(result.output)[0]["status"] == "applied"
        assert took < 2, f"the form took {took:.1f} s"
        # Later polls found the hung one still running and did nothing.
        assert len(tarpit.held) == 1
        assert workers.live_workers(intake.db, settings.mail_queue) == 1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        stop_group(proc.pid)
        log.close()
        intake.db.dispose()


def children(pid: int) -> list[int]:
    """The process's children, started by any of its threads."""
    found: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            found += [int(p) for p in f.read().split()]
    return found


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def stop_group(pgid: int) -> None:
    """Kill whatever is left of a worker's process group (its pool, its beat)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_sigtermed_worker_stops_within_30_s_with_its_mail_lane_hung(tmp_path, tarpit):
    settings = make_settings(tmp_path)
    intake = Intake.start(settings)
    env = {
        **settings_env(settings),
        "INTAKE_IMAP_HOST": "127.0.0.1",
        "INTAKE_IMAP_PORT": str(tarpit.port),
        "INTAKE_IMAP_SECURITY": "none",
        "INTAKE_MAIL_POLL_INTERVAL_S": "5",
        "INTAKE_IMAP_CONNECT_TIMEOUT_S": "600",
    }
    with open(tmp_path / "worker.log", "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "worker", "--concurrency", "1"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    mail_pid = None
    try:
        wait_until(lambda: len(tarpit.held) == 1, 120, "a poll to hang on the mailbox")
        (mail_pid,) = [p for p in children(proc.pid) if "--lane mail" in cmdline(p)]

        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
        took = time.monotonic() - started

        assert took < 30, f"the worker took {took:.0f} s to stop"
        assert code == 0
        wait_until(lambda: not running(mail_pid), 5, "the mail lane to be gone")
    finally:
        stop_group(proc.pid)
        if mail_pid and running(mail_pid):
            os.kill(mail_pid, signal.SIGKILL)
        proc.wait()
        intake.db.dispose()


def test_a_sigtermed_worker_hands_back_a_hung_task_within_30_s(tmp_path, tarpit):
    settings = make_settings(tmp_path)
    app = create_app({"INTAKE_SETTINGS": settings})
    env = {
        **settings_env(settings),
        "INTAKE_IMAP_HOST": "127.0.0.1",
        "INTAKE_IMAP_PORT": str(tarpit.port),
        "INTAKE_IMAP_SECURITY": "none",
        "INTAKE_IMAP_CONNECT_TIMEOUT_S": "600",
    }
    with open(tmp_path / "worker.log", "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "worker", "--lane", "mail", "--no-beat"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        with app.app_context():
            app.extensions["celery"].send_task("tasks.poll_mailbox")
        wait_until(lambda: len(tarpit.held) == 1, 120, "the poll to hang on the mailbox")

        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        took = time.monotonic() - started
    finally:
        stop_group(proc.pid)
        proc.wait()
        app.extensions["intake"].db.dispose()

    # Without a deadline the worker would wait out the ten-minute poll.
    assert took < 30, f"the worker took {took:.0f} s to stop"


def test_a_worker_killed_outright_leaves_no_mail_lane_behind(tmp_path):
    settings = make_settings(tmp_path)
    intake = Intake.start(settings)
    with open(tmp_path / "worker.log", "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli", "worker", "--concurrency", "1"],
            env=settings_env(settings),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    mail_pids: list[int] = []
    try:
        wait_until(lambda: workers.live_workers(intake.db, settings.mail_queue) == 1, 120, "mail")
        mail_pids = [p for p in children(proc.pid) if "--lane mail" in cmdline(p)]

        proc.kill()
        proc.wait()

        assert len(mail_pids) == 1
        wait_until(lambda: not running(mail_pids[0]), 30, "the orphaned mail lane to stop")
    finally:
        stop_group(proc.pid)
        for pid in mail_pids:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        intake.db.dispose()
