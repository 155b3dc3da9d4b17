"""A supervised child is started again when it exits, and the log says so."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time

from cli.supervise import Supervised

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


def test_a_child_that_dies_is_started_again_and_the_log_says_how_it_ended(caplog):
    caplog.set_level(logging.ERROR, logger="cli.supervise")
    child = Supervised(SLEEPER, "the sleeper", backoff=(0.05,)).start()
    try:
        wait_for(lambda: child.pid is not None)
        first = child.pid
        os.kill(first, signal.SIGKILL)

        wait_for(lambda: child.pid not in (None, first))

        assert child.restarts == 1
        assert "the sleeper exited (code -9)" in caplog.text
    finally:
        child.stop()


def test_restarts_back_off_while_the_child_keeps_failing():
    failing = ["/bin/sh", "-c", "exit 3"]
    started = time.monotonic()
    child = Supervised(failing, "the failure", backoff=(0.05, 0.5)).start()
    try:
        wait_for(lambda: child.restarts >= 2)
    finally:
        child.stop()
    elapsed = time.monotonic() - started
    # 0.05 s, then 0.5 s between each: a handful, not hundreds.
    assert 2 <= child.restarts <= 2 + elapsed / 0.5


def test_stopping_ends_the_child_and_starts_no_other():
    child = Supervised(SLEEPER, "the sleeper", backoff=(0.05,)).start()
    wait_for(lambda: child.pid is not None)
    pid = child.pid

    child.stop()

    time.sleep(0.2)
    assert child.pid == pid and child.restarts == 0
    wait_for(lambda: not _alive(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
