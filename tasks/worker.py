"""Worker process hooks: fresh database connections after fork, heartbeats, and a
deadline on stopping."""

from __future__ import annotations

import contextlib
import os
import signal
import threading

from celery import signals
from flask import Flask

from intake import workers
from intake.reading import sandbox

#: A worker told to stop (SIGTERM) lets running tasks finish this long, then
#: stops them (a cold shutdown): their messages and claims are handed back
#: (late acknowledgement; the sweeper finds a claim whose worker stopped).
SHUTDOWN_GRACE_S = 20.0


def install_worker_hooks(app: Flask, name: str, queue: str | None = None) -> None:
    """Connect the signals that keep a worker's database use and heartbeat
    right; the heartbeat names ``queue`` (by default the forms' queue)."""
    intake = app.extensions["intake"]
    queue = queue or intake.settings.queue
    stop = threading.Event()
    deadlines: list[threading.Timer] = []

    def heartbeat() -> None:
        while not stop.is_set():
            # A database hiccup must not kill the heartbeat.
            with contextlib.suppress(Exception):
                workers.beat(intake.db, name, queue)
            stop.wait(workers.BEAT_EVERY_S)

    @signals.worker_ready.connect(weak=False)
    def _ready(**_: object) -> None:
        threading.Thread(target=heartbeat, name="heartbeat", daemon=True).start()

    @signals.worker_shutdown.connect(weak=False)
    def _shutdown(**_: object) -> None:
        for timer in deadlines:  # stopped in time: no cold shutdown
            timer.cancel()
        stop.set()
        workers.gone(intake.db, name)

    @signals.worker_shutting_down.connect(weak=False)
    def _deadline(how: str = "", **_: object) -> None:
        if how != "Warm":
            return
        cold = threading.Timer(SHUTDOWN_GRACE_S, os.kill, (os.getpid(), signal.SIGQUIT))
        cold.daemon = True
        cold.start()
        deadlines.append(cold)

    @signals.worker_process_init.connect(weak=False)
    def _child(**_: object) -> None:
        # A forked child must not reuse the parent's database connections.
        intake.db.engine.dispose(close=False)
        sandbox.warm_up(intake.sandbox)
