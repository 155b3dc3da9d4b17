"""The tasks: each loads what it needs and calls one domain function."""

from __future__ import annotations

import logging
from functools import partial

from celery import shared_task
from flask import current_app

from intake import audit
from intake.decisions import oversight, pipeline, sweeper
from intake.directory import leavers
from intake.ingest import mailbox, watch
from intake.mail import outbox
from intake.mail.settings import mailbox_settings, outbox_time_limit_s, smtp_settings
from intake.service import Intake
from tasks.broker import broker_forgot

log = logging.getLogger(__name__)

#: How long to wait before trying a failed submission again (seconds, by attempt).
BACKOFF = (5, 30, 120, 600)


def _intake() -> Intake:
    return current_app.extensions["intake"]


def enqueue(submission_id: int) -> None:
    """Send a submission to the queue (the fast lane); if the broker is down,
    say so and let the sweeper send it later (the row is already committed)."""
    _send(process_submission, submission_id)


def enqueue_heavy(submission_id: int) -> None:
    """Send a submission to the heavy lane's queue."""
    _send(process_heavy, submission_id)


def _send(task, submission_id: int) -> None:
    try:
        task.apply_async(args=[submission_id], retry=True)
    except Exception as exc:  # the broker is unreachable: the sweeper resends
        log.warning("could not enqueue submission %s (%s); the sweeper will", submission_id, exc)


@shared_task(bind=True, name="tasks.process_submission", max_retries=len(BACKOFF))
def process_submission(self, submission_id: int) -> None:
    """Claim, read and decide one submission in the fast lane (a duplicate
    message does nothing; a file too heavy for it goes to the heavy lane)."""
    _process(self, submission_id, heavy_lane=enqueue_heavy)


@shared_task(bind=True, name="tasks.process_heavy", max_retries=len(BACKOFF))
def process_heavy(self, submission_id: int) -> None:
    """Claim, read and decide one submission in the heavy lane (OCR, or long
    reading), where it holds up no ordinary form."""
    _process(self, submission_id, heavy_lane=None)


def _process(task, submission_id: int, heavy_lane) -> None:
    intake = _intake()
    try:
        pipeline.handle(intake, submission_id, worker=task.request.hostname, heavy_lane=heavy_lane)
    except pipeline.ClaimLost:
        log.warning("submission %s was taken over by another worker", submission_id)
    except Exception as exc:  # the claim was given back: try again later
        log.exception("submission %s failed", submission_id)
        countdown = BACKOFF[min(task.request.retries, len(BACKOFF) - 1)]
        raise task.retry(exc=exc, countdown=countdown) from exc


@shared_task(name="tasks.sweep")
def sweep() -> int:
    """Re-send submissions whose message was lost or whose worker died
    (every waiting one at once when the broker has lost its queue)."""
    intake = _intake()
    settings = intake.settings
    forgot = broker_forgot(settings)
    ids = sweeper.stranded(
        intake.db,
        resend_after_s=0 if forgot else settings.resend_after_s,
        lease_s=settings.claim_lease_s,
    )
    for submission_id in ids:
        enqueue(submission_id)
    if ids:
        log.info("sweeper re-sent %d submission(s)", len(ids))
    return len(ids)


@shared_task(name="tasks.seal_audit")
def seal_audit() -> int:
    """Seal the audit events written since the last run."""
    return audit.seal(_intake().db)


@shared_task(name="tasks.sweep_leavers")
def sweep_leavers() -> int:
    """Flag granted administrators who have left (after directory imports)."""
    result = leavers.sweep_leavers(_intake().db)
    return len(result.flagged)


@shared_task(name="tasks.poll_mailbox")
def poll_mailbox() -> int:
    """Take new messages from the intake mailbox (if one is configured)."""
    intake = _intake()
    box = mailbox_settings(intake.settings)
    if box is None:
        return 0
    result = mailbox.poll_mailbox(intake, box, enqueue)
    return sum(result.outcomes.values())


@shared_task(name="tasks.send_outbox")
def send_outbox() -> int:
    """Send the mails that are due (if an SMTP server is configured)."""
    intake = _intake()
    smtp = smtp_settings(intake.settings)
    if smtp is None:
        return 0
    # Batch after batch for most of the interval: a backlog drains as fast
    # as the SMTP server takes it, and runs never overlap.
    budget = 0.8 * intake.settings.outbox_interval_s
    # A row is taken for abandoned only once no run could still be sending it.
    lease = outbox_time_limit_s(intake.settings) + 60
    return outbox.send_due(intake.db, smtp, budget_s=budget, lease_s=lease).sent


@shared_task(name="tasks.scan_watch_folder")
def scan_watch_folder() -> int:
    """Take the stable files in the watched folder (if one is configured)."""
    intake = _intake()
    if intake.settings.watch_dir is None:
        return 0
    return len(watch.scan_folder(intake, intake.settings.watch_dir, enqueue))


@shared_task(name="tasks.escalate_overdue")
def escalate_overdue() -> int:
    """Escalate review cases past their age limit and mail the caseworkers' digest."""
    intake = _intake()
    escalated = oversight.run_daily_escalation(
        intake.db,
        older_than_days=intake.settings.review_escalate_after_days,
        send=partial(oversight.queue_digest, intake.db),
    )
    return len(escalated)
