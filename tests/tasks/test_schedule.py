"""Every scheduled task runs: the schedule names real tasks, and each one
does its work (nothing, here: no mailbox, SMTP server or folder is set)."""

from __future__ import annotations

from tests.conftest import make_settings
from web import create_app


def test_every_scheduled_task_runs_once_and_says_how_much_it_did(tmp_path):
    app = create_app({"INTAKE_SETTINGS": make_settings(tmp_path)})
    celery = app.extensions["celery"]
    schedule = celery.conf.beat_schedule

    with app.app_context():
        done = {name: celery.tasks[entry["task"]]() for name, entry in schedule.items()}

    assert set(done) >= {"sweep", "poll-mailbox", "send-outbox", "scan-watch-folder"}
    assert done == dict.fromkeys(schedule, 0)
