"""Celery, wired once as Flask documents it, and the tasks: thin adapters."""

from __future__ import annotations

import os

import redis
from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask

from intake.config import Settings
from intake.mail.settings import outbox_time_limit_s


def celery_config(settings: Settings) -> dict:
    """Celery settings for the service: JSON only, late acks, one message at a
    time per worker process, results ignored.

    With no ``INTAKE_BROKER_URL`` the broker is a folder under the data
    directory (kombu's filesystem transport), so a single machine needs no
    server. A message taken from that folder is gone from it, so a worker
    killed mid-task loses the message: the sweeper finds the submission
    again from the database.
    """
    config: dict = {
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        # A task still running when its claim's lease ends is stopped, so a
        # submission handed to another worker is never decided twice at once.
        "task_time_limit": max(5, int(settings.claim_lease_s * 0.8)),
        "task_default_queue": settings.queue,
        # The heavy lane has a queue of its own (see intake.decisions.pipeline.handle);
        # so has mail: a hung mailbox or a slow SMTP server holds up no form.
        "task_routes": {
            "tasks.process_heavy": {"queue": settings.heavy_queue},
            "tasks.poll_mailbox": {"queue": settings.mail_queue},
            "tasks.send_outbox": {"queue": settings.mail_queue},
        },
        # A send may wait the whole DATA timeout for one mail; it is not
        # stopped then (the mail would go again, see outbox_lease_s).
        "task_annotations": {"tasks.send_outbox": {"time_limit": outbox_time_limit_s(settings)}},
        "broker_connection_retry_on_startup": True,
        # When the broker goes away mid-task the task runs on: its decision
        # is committed to the database, which does not need the broker, and
        # the message sent again finds it done. (Cancelling it would leave
        # a live worker's claim to wait out the lease.)
        "worker_cancel_long_running_tasks_on_connection_loss": False,
        "worker_hijack_root_logger": False,
        "task_publish_retry_policy": {
            "max_retries": 2,
            "interval_start": 0.2,
            "interval_step": 0.5,
        },
        "beat_schedule": {
            "sweep": {"task": "tasks.sweep", "schedule": float(settings.sweep_interval_s)},
            # Imports also run it at once; this catches imports made elsewhere.
            "sweep-leavers": {"task": "tasks.sweep_leavers", "schedule": 3600.0},
            "seal-audit": _every("tasks.seal_audit", 60),
            "escalate-overdue": {
                "task": "tasks.escalate_overdue",
                "schedule": crontab(hour=7, minute=0),
            },
            # Each does nothing unless its setting is present; a run not
            # started before the next is due is dropped (``expires``).
            "send-outbox": _every("tasks.send_outbox", settings.outbox_interval_s),
            "poll-mailbox": _every("tasks.poll_mailbox", settings.mail_poll_interval_s),
            "scan-watch-folder": _every("tasks.scan_watch_folder", settings.watch_interval_s),
        },
        "beat_schedule_filename": str(settings.data_dir / "celerybeat-schedule"),
    }
    if settings.broker_url:
        config["broker_url"] = settings.broker_url
        # kombu's Redis transport, mended so a Redis restart never stops a
        # worker (tasks.broker).
        config["broker_transport"] = "tasks.broker:RedisTransport"
        # A message not acknowledged within this time goes back on the queue:
        # longer than any task may run.
        config["broker_transport_options"] = {"visibility_timeout": settings.claim_lease_s * 2}
    else:
        folder = settings.broker_dir
        for sub in ("queue", "staging", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        config["broker_url"] = "filesystem://localhost//"
        # Messages written whole, then renamed into the queue (tasks.broker).
        config["broker_transport"] = "tasks.broker:Transport"
        config["broker_transport_options"] = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "staging_folder": str(folder / "staging"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "polling_interval": 0.05,
        }
        # The filesystem transport has no broadcast channel for remote control.
        config["worker_enable_remote_control"] = False
        config["worker_send_task_events"] = False
    return config


def broker_reachable(settings: Settings) -> bool:
    """Whether the queue's broker answers now: Redis answers a ping within a
    second; the embedded broker's folder exists and can be written."""
    if settings.broker_url is None:
        folder = settings.broker_dir
        return folder.is_dir() and os.access(folder, os.W_OK)
    client = redis.Redis.from_url(settings.broker_url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def _every(task: str, seconds: int) -> dict:
    return {"task": task, "schedule": float(seconds), "options": {"expires": float(seconds)}}


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app bound to ``app``; tasks run inside its context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    from tasks import processing  # noqa: F401  (registers the tasks)

    return celery_app
