"""Worker process hooks: fresh database connections after fork, and heartbeats."""

from __future__ import annotations

import contextlib
import threading

from celery import signals
from flask import Flask

from intake import workers
from intake.reading import sandbox


def install_worker_hooks(app: Flask, name: str, queue: str | None = None) -> None:
    """Connect the signals that keep a worker's database use and heartbeat
    right; the heartbeat names ``queue`` (by default the forms' queue)."""
    intake = app.extensions["intake"]
    queue = queue or intake.settings.queue
    stop = threading.Event()

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
        stop.set()
        workers.gone(intake.db, name)

    @signals.worker_process_init.connect(weak=False)
    def _child(**_: object) -> None:
        # A forked child must not reuse the parent's database connections.
        intake.db.engine.dispose(close=False)
        sandbox.warm_up(intake.sandbox)
