"""Worker heartbeats: which queues have a live worker right now."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, DateTime, String, and_, delete, exists, func, select
from sqlalchemy.orm import Mapped, mapped_column

from intake.db import Base, Database, aware, utcnow
from intake.submissions.models import Submission, SubmissionState


class WorkerHeartbeat(Base):
    """A worker process that is alive: it touches its row every few seconds."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    queue: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


#: A worker whose heartbeat is older than this is taken for dead.
STALE_AFTER_S = 20
BEAT_EVERY_S = 5
#: A file accepted this long ago and still not decided means work is stuck
#: (the claim lease is 10 minutes; a form takes seconds).
STUCK_AFTER_S = 900


def abandoned_claim(now: dt.datetime) -> ColumnElement[bool]:
    """SQL: the submission is claimed by a worker that has stopped beating
    (its claim is at least as old as a heartbeat may be, so a worker that
    has only just started is never taken for dead)."""
    since = now - dt.timedelta(seconds=STALE_AFTER_S)
    return and_(
        Submission.state == SubmissionState.PROCESSING,
        Submission.claimed_by.is_not(None),
        Submission.claimed_at < since,
        ~exists().where(
            WorkerHeartbeat.name == Submission.claimed_by, WorkerHeartbeat.last_seen >= since
        ),
    )


def beat(db: Database, name: str, queue: str) -> None:
    """Record that worker ``name`` serving ``queue`` is alive."""
    with db.session() as session:
        row = session.get(WorkerHeartbeat, name)
        if row is None:
            session.add(WorkerHeartbeat(name=name, queue=queue))
        else:
            row.last_seen = utcnow()


def gone(db: Database, name: str) -> None:
    """Forget a worker that stops cleanly."""
    with db.session() as session:
        session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.name == name))


def live_workers(db: Database, queue: str) -> int:
    """How many workers serving ``queue`` beat in the last few seconds."""
    since = utcnow() - dt.timedelta(seconds=STALE_AFTER_S)
    with db.session() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(WorkerHeartbeat)
                .where(WorkerHeartbeat.queue == queue, WorkerHeartbeat.last_seen >= since)
            )
            or 0
        )


def oldest_undecided_s(db: Database) -> float | None:
    """How long the oldest file accepted and not yet decided has waited, in
    seconds (``None``: nothing is waiting)."""
    with db.session() as session:
        oldest = session.scalar(
            select(func.min(Submission.received_at)).where(Submission.state != SubmissionState.DONE)
        )
    if oldest is None:
        return None
    return (utcnow() - aware(oldest)).total_seconds()
