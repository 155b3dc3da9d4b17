"""Faults: a worker killed mid-task, Redis down or flushed, a crash between
commit and publish, duplicate messages. Each ends with every form decided
exactly once and at most one grant per request."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
from sqlalchemy import func, select

from intake.audit import AuditEvent
from intake.decisions import pipeline
from intake.directory.models import RoleHolder
from intake.directory.services import import_directory
from intake.service import Intake
from intake.submissions.models import Request, Submission, SubmissionState
from tasks.processing import enqueue
from tests.conftest import ROOT, make_settings
from tests.hostile import pdfs
from web import create_app

SAMPLES = ROOT / "sample_forms"
FORMS = ["applied_gp_partner.pdf", "rejected_org_closed.pdf", "review_user_admin_exists.pdf"]

pytestmark = pytest.mark.pipeline


@pytest.fixture
def fault_settings(tmp_path, private_redis):
    return make_settings(
        tmp_path,
        broker_url=private_redis.url,
        sweep_interval_s=1,
        resend_after_s=2,
        claim_lease_s=10,
        reader_timeout_s=5,
    )


@pytest.fixture
def app(fault_settings):
    app = create_app({"INTAKE_SETTINGS": fault_settings})
    import_directory(app.extensions["intake"].db, SAMPLES / "directory")
    with app.app_context():
        yield app


def submit_files(app, datas: list[tuple[str, bytes]], *, publish: bool = True) -> list[int]:
    intake = app.extensions["intake"]
    return [
        intake.accept(
            data,
            filename=name,
            channel="api",
            received_on=dt.date(2026, 11, 20),
            after_commit=enqueue if publish else None,
        ).submission_id
        for name, data in datas
    ]


def sample_files() -> list[tuple[str, bytes]]:
    return [(name, (SAMPLES / name).read_bytes()) for name in FORMS]


def wait_until_done(intake: Intake, ids: list[int], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with intake.db.session() as session:
            done = session.scalar(
                select(func.count()).where(
                    Submission.id.in_(ids), Submission.state == SubmissionState.DONE
                )
            )
        if done == len(ids):
            return
        time.sleep(0.2)
    raise AssertionError(f"only {done} of {len(ids)} submissions were decided in {timeout}s")


def assert_decided_exactly_once(intake: Intake, ids: list[int]) -> None:
    with intake.db.session() as session:
        requests = session.scalars(select(Request).where(Request.submission_id.in_(ids))).all()
        assert requests and all(r.status in ("applied", "rejected", "review") for r in requests)
        for request in requests:
            decisions = session.scalar(
                select(func.count()).where(
                    AuditEvent.request_id == request.id, AuditEvent.event.like("decided %")
                )
            )
            assert decisions == 1, request.reference
        applied = [r.id for r in requests if r.status == "applied"]
        grants = session.scalars(
            select(RoleHolder.request_id).where(RoleHolder.source == "intake")
        ).all()
        assert sorted(grants) == sorted(applied)


def test_a_worker_killed_mid_task_leaves_work_that_is_decided_once(
    app, fault_settings, start_worker
):
    intake = app.extensions["intake"]
    worker = start_worker(fault_settings, intake, concurrency=1)
    slow = ("slow.pdf", pdfs.slow_page(1_400_000))  # over the 5 s reader bound, under 20 MB
    ids = submit_files(app, [slow, *sample_files()])
    wait_until_state(intake, ids[0], SubmissionState.PROCESSING)

    os.killpg(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait()
    start_worker(fault_settings, intake, concurrency=1)

    wait_until_done(intake, ids)
    assert_decided_exactly_once(intake, ids)
    with intake.db.session() as session:
        slow_request = session.scalars(select(Request).where(Request.submission_id == ids[0])).one()
        assert slow_request.reasons[0]["code"] == "PDF_UNREADABLE"


def test_a_killed_workers_claim_is_taken_over_within_a_minute(
    tmp_path, private_redis, start_worker
):
    # The lease is the default ten minutes: only the stopped heartbeat can
    # hand the claim back in time.
    settings = make_settings(
        tmp_path, broker_url=private_redis.url, sweep_interval_s=5, reader_timeout_s=5
    )
    assert settings.claim_lease_s >= 600
    app = create_app({"INTAKE_SETTINGS": settings})
    intake = app.extensions["intake"]
    import_directory(intake.db, SAMPLES / "directory")
    worker = start_worker(settings, intake, concurrency=1)
    with app.app_context():
        (slow_id,) = submit_files(app, [("slow.pdf", pdfs.slow_page(1_400_000))])
    wait_until_state(intake, slow_id, SubmissionState.PROCESSING)

    os.killpg(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait()
    killed = time.monotonic()
    start_worker(settings, intake, concurrency=1)
    wait_until_done(intake, [slow_id], timeout=120)
    taken_over_after = time.monotonic() - killed

    assert taken_over_after < 60
    assert_decided_exactly_once(intake, [slow_id])
    with intake.db.session() as session:
        expired = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.event == "claim expired")
        ).one()
    assert expired["heartbeat_stopped"] is True


def wait_until_state(intake: Intake, submission_id: int, state: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with intake.db.session() as session:
            if session.get(Submission, submission_id).state == state:
                return
        time.sleep(0.02)
    raise AssertionError(f"submission {submission_id} never reached {state}")


def test_an_ordinary_form_is_decided_within_five_seconds_while_slow_files_are_read(
    tmp_path, private_redis, start_worker
):
    settings = make_settings(tmp_path, broker_url=private_redis.url, reader_timeout_s=5)
    app = create_app({"INTAKE_SETTINGS": settings})
    intake = app.extensions["intake"]
    import_directory(intake.db, SAMPLES / "directory")
    start_worker(settings, intake, concurrency=1, lane="fast")
    start_worker(settings, intake, concurrency=1, lane="heavy")
    flood = [(f"slow-{n}.pdf", pdfs.slow_page(400_000 + n)) for n in range(6)]

    with app.app_context():
        slow_ids = submit_files(app, flood)  # seconds of drawing to interpret, each
        (ordinary_id,) = submit_files(app, sample_files()[:1])
    accepted = time.monotonic()
    wait_until_done(intake, [ordinary_id], timeout=60)
    waited = time.monotonic() - accepted

    assert waited < 5
    wait_until_done(intake, slow_ids, timeout=120)
    assert_decided_exactly_once(intake, [*slow_ids, ordinary_id])
    with intake.db.session() as session:
        lanes = session.scalars(
            select(AuditEvent.submission_id).where(AuditEvent.event == "sent to the heavy lane")
        ).all()
    assert sorted(lanes) == sorted(slow_ids)


def test_uploads_while_redis_is_down_are_kept_and_decided_when_it_returns(
    app, fault_settings, private_redis, start_worker
):
    intake = app.extensions["intake"]
    private_redis.stop()

    ids = submit_files(app, sample_files())  # publishing fails: the rows stay

    with intake.db.session() as session:
        assert session.scalar(select(func.count()).where(Submission.id.in_(ids))) == 3
    private_redis.start()
    start_worker(fault_settings, intake)
    wait_until_done(intake, ids)
    assert_decided_exactly_once(intake, ids)


def test_no_worker_exits_when_redis_restarts_while_tasks_ack(
    app, fault_settings, private_redis, start_worker
):
    intake = app.extensions["intake"]
    worker = start_worker(fault_settings, intake)
    ids: list[int] = []
    for restart in range(1, 9):
        batch = [
            (name, data + f"\n%{restart}-{n}\n".encode())
            for n, (name, data) in enumerate(sample_files() * 3)
        ]
        ids += submit_files(app, batch)
        time.sleep(0.1 * restart)  # some decided and acked, some in flight
        private_redis.stop()
        wait_for_log(worker.log, "Connection to broker lost", times=restart)
        private_redis.start()
        wait_for_log(worker.log, "Connected to ", times=restart + 1)

    wait_until_done(intake, ids, timeout=120)
    assert_decided_exactly_once(intake, ids)
    log = worker.log.read_text(errors="replace")
    assert worker.proc.poll() is None, log[-3000:]
    assert "Unrecoverable error" not in log, log[-3000:]


def wait_for_log(path, text: str, *, times: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while path.read_text(errors="replace").count(text) < times:
        assert time.monotonic() < deadline, f"{text!r} not logged {times} times"
        time.sleep(0.05)


def test_queued_work_lost_in_a_redis_flush_is_sent_again_by_the_sweeper(
    app, fault_settings, private_redis, start_worker
):
    intake = app.extensions["intake"]
    ids = submit_files(app, sample_files())
    assert private_redis.client().llen(fault_settings.queue) == 3

    private_redis.client().flushall()
    start_worker(fault_settings, intake)

    wait_until_done(intake, ids)
    assert_decided_exactly_once(intake, ids)


def test_work_lost_when_redis_restarts_is_sent_again_at_the_next_sweep(
    tmp_path, private_redis, start_worker
):
    # A message is re-sent after two minutes; a restart is known at once.
    settings = make_settings(
        tmp_path, broker_url=private_redis.url, sweep_interval_s=1, resend_after_s=600
    )
    app = create_app({"INTAKE_SETTINGS": settings})
    intake = app.extensions["intake"]
    import_directory(intake.db, SAMPLES / "directory")
    with app.app_context():
        ids = submit_files(app, sample_files())
    private_redis.stop()  # Redis keeps nothing on disk: the queue is gone
    private_redis.start()

    start_worker(settings, intake)

    wait_until_done(intake, ids, timeout=60)
    assert_decided_exactly_once(intake, ids)


def test_a_crash_between_commit_and_publish_is_delivered_once(app, fault_settings, start_worker):
    intake = app.extensions["intake"]
    ids = submit_files(app, sample_files(), publish=False)  # committed, never published

    start_worker(fault_settings, intake)

    wait_until_done(intake, ids)
    assert_decided_exactly_once(intake, ids)


def test_duplicate_messages_for_one_submission_are_decided_once(
    app, fault_settings, private_redis, start_worker
):
    intake = app.extensions["intake"]
    ids = submit_files(app, sample_files()[:1])
    for _ in range(5):
        enqueue(ids[0])
    start_worker(fault_settings, intake)
    start_worker(fault_settings, intake)

    wait_until_done(intake, ids)
    time.sleep(2)  # the other messages are taken and find nothing to claim
    assert_decided_exactly_once(intake, ids)
    assert private_redis.client().llen(fault_settings.queue) == 0
    assert pipeline.claim(intake.db, ids[0]) is None
