"""Finding work the queue lost: the database row is the truth, a message a hint."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update

from intake import audit, workers
from intake.db import Database, utcnow
from intake.decisions.pipeline import hand_back
from intake.submissions.models import Submission, SubmissionState


def stranded(db: Database, *, resend_after_s: int, lease_s: int) -> list[int]:
    """Submissions to send to the queue again, marked as sent now.

    Those not yet claimed whose last message went out more than
    ``resend_after_s`` seconds ago (it was lost, or is still queued behind
    others: a second message is harmless, the claim lets one through), and
    those whose worker died: claimed by a worker whose heartbeat has
    stopped, or claimed longer ago than ``lease_s``. These are handed back to
    ``received`` first.
    """
    now = utcnow()
    with db.session() as session:
        expired = session.execute(
            select(
                Submission.id,
                Submission.claim_token,
                Submission.claimed_by,
                workers.abandoned_claim(now).label("abandoned"),
            ).where(
                Submission.state == SubmissionState.PROCESSING,
                or_(
                    Submission.claimed_at < now - dt.timedelta(seconds=lease_s),
                    workers.abandoned_claim(now),
                ),
            )
        ).all()
        for submission_id, token, worker, abandoned in expired:
            if hand_back(session, submission_id, token):
                why = (
                    {"worker": worker, "heartbeat_stopped": True}
                    if abandoned
                    else {"lease_s": lease_s}
                )
                audit.record(
                    session, "claim expired", actor="sweeper", submission_id=submission_id, **why
                )
        ids = session.scalars(
            select(Submission.id)
            .where(
                Submission.state == SubmissionState.RECEIVED,
                or_(
                    Submission.sent_at < now - dt.timedelta(seconds=resend_after_s),
                    Submission.id.in_([row[0] for row in expired]),
                ),
            )
            .order_by(Submission.id)
        ).all()
        if ids:
            session.execute(update(Submission).where(Submission.id.in_(ids)).values(sent_at=now))
        return list(ids)
