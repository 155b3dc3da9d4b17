"""A child process kept running: restarted, with back-off, whenever it exits.

``intake serve`` runs its worker this way, so a worker that dies (a broker
error it cannot survive, a kill) comes back by itself, and each restart is
in the log with how the process ended.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Sequence

log = logging.getLogger(__name__)

#: Seconds to wait before each restart in a row; the last repeats.
BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)
#: A process that ran this long before exiting starts the back-off over.
HEALTHY_AFTER_S = 60.0


class Supervised:
    """``argv`` run as a child and restarted whenever it exits, until :meth:`stop`."""

    def __init__(
        self,
        argv: Sequence[str],
        name: str,
        backoff: Sequence[float] = BACKOFF_S,
        healthy_after: float = HEALTHY_AFTER_S,
    ) -> None:
        self.argv = list(argv)
        self.name = name
        self.backoff = tuple(backoff)
        self.healthy_after = healthy_after
        self.restarts = 0
        self._stopping = threading.Event()
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"supervise {name}", daemon=True)

    def start(self) -> Supervised:
        self._thread.start()
        return self

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._proc.pid if self._proc else None

    def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            with self._lock:
                if self._stopping.is_set():
                    return
                self._proc = subprocess.Popen(self.argv)
            started = time.monotonic()
            code = self._proc.wait()
            if self._stopping.is_set():
                return
            ran = time.monotonic() - started
            failures = 0 if ran >= self.healthy_after else failures + 1
            delay = self.backoff[min(max(failures - 1, 0), len(self.backoff) - 1)]
            log.error(
                "%s exited (code %s) after %.0f s; starting it again in %.0f s",
                self.name,
                code,
                ran,
                delay,
            )
            self.restarts += 1
            if self._stopping.wait(delay):
                return

    def stop(self, timeout: float = 20.0) -> None:
        """Stop restarting, and stop the child (killed if it will not end)."""
        self._stopping.set()
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
        self._thread.join(timeout=timeout)
