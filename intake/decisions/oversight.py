"""Oversight of decisions: ageing review cases and second looks at auto-applies.

- **Ageing.** A request in ``review`` longer than a set number of days (from
  when it was received) is escalated once: ``escalated_at`` is set, the
  audit trail says so, the exception queue marks it, and a daily plain-text
  digest of every escalated case goes to the caseworkers.
- **Second looks.** When the pipeline auto-applies a request it is sampled
  into the audit queue with a set probability; a caseworker records whether
  they agree, with a note.

Pure of Flask and Celery: a beat task calls :func:`run_daily_escalation`,
the pipeline calls :func:`maybe_sample`, the dashboard
:func:`record_second_look`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from intake import audit
from intake.accounts.models import User
from intake.db import Database, aware, utcnow
from intake.mail import outbox
from intake.submissions.models import Request, SecondLook, Status

#: Outcomes a caseworker may record for a second look.
SECOND_LOOK_OUTCOMES = tuple(SecondLook)


class SecondLookRefused(ValueError):
    """The second look cannot be recorded; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RandomSource(Protocol):
    def random(self) -> float: ...


def age_days(request: Request, now: dt.datetime | None = None) -> int:
    """Whole days since the request was received.

    >>> r = Request(created_at=dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC))
    >>> age_days(r, now=dt.datetime(2026, 11, 6, 8, tzinfo=dt.UTC))
    4
    """
    now = now or utcnow()
    return max(0, (now - aware(request.created_at)).days)


# --- Ageing ---------------------------------------------------------------------


def escalate_overdue(
    db: Database, *, older_than_days: int, now: dt.datetime | None = None
) -> list[str]:
    """Escalate review requests received more than ``older_than_days`` ago.

    Each is escalated once (a conditional UPDATE, so two runs at once never
    escalate twice) with an ``escalated`` audit event. Returns the
    references newly escalated, oldest first.
    """
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=older_than_days)
    escalated: list[str] = []
    with db.session() as session:
        due = session.scalars(
            select(Request)
            .where(
                Request.status == Status.REVIEW,
                Request.escalated_at.is_(None),
                Request.created_at < cutoff,
            )
            .order_by(Request.id)
        ).all()
        for request in due:
            won = session.execute(
                update(Request)
                .where(
                    Request.id == request.id,
                    Request.status == Status.REVIEW,
                    Request.escalated_at.is_(None),
                )
                .values(escalated_at=now)
            )
            if won.rowcount != 1:
                continue
            audit.record(
                session,
                "escalated",
                actor="system",
                submission_id=request.submission_id,
                request_id=request.id,
                age_days=age_days(request, now),
                limit_days=older_than_days,
            )
            escalated.append(request.reference or "")
    return escalated


def overdue_digest(db: Database, *, now: dt.datetime | None = None) -> str:
    """The daily plain-text digest of escalated review cases, oldest first
    (``""`` when there are none): reference, organisation, age, reasons."""
    now = now or utcnow()
    with db.session() as session:
        rows = session.scalars(
            select(Request)
            .options(joinedload(Request.submission))
            .where(Request.status == Status.REVIEW, Request.escalated_at.is_not(None))
            .order_by(Request.id)
        ).all()
    if not rows:
        return ""
    lines = [
        f"{len(rows)} review case{'s are' if len(rows) != 1 else ' is'} overdue "
        "and waiting for a caseworker (oldest first):",
        "",
    ]
    for request in rows:
        fields = request.fields or {}
        org = request.org_code or fields.get("org_code") or "unknown organisation"
        name = fields.get("org_name")
        codes = ", ".join(r.get("code", "") for r in request.reasons or []) or "no reasons"
        lines.append(
            f"- {request.reference}  {org}{f' ({name})' if name else ''}  "
            f"{age_days(request, now)} days  {codes}"
        )
    lines += ["", "Open the exception queue on the dashboard to decide them."]
    return "\n".join(lines) + "\n"


def caseworker_emails(db: Database) -> list[str]:
    """Email addresses of active caseworkers and admins who have one."""
    with db.session() as session:
        return list(
            session.scalars(
                select(User.email)
                .where(User.active.is_(True), User.email.is_not(None), User.email != "")
                .order_by(User.email)
            )
        )


def run_daily_escalation(
    db: Database,
    *,
    older_than_days: int,
    send: Callable[[list[str], str, str], None],
    now: dt.datetime | None = None,
) -> list[str]:
    """The daily job: escalate overdue cases, then mail the digest of every
    escalated case to the caseworkers with ``send(recipients, subject, body)``
    (nothing is sent when there is nothing overdue or nobody to tell).
    Returns the references escalated by this run."""
    escalated = escalate_overdue(db, older_than_days=older_than_days, now=now)
    body = overdue_digest(db, now=now)
    recipients = caseworker_emails(db)
    if body and recipients:
        count = body.split(" ", 1)[0]
        send(recipients, f"PCSE intake: {count} overdue review case(s)", body)
    return escalated


# --- Second looks -------------------------------------------------------------------


def maybe_sample(
    session: Session, request: Request, share: float, rng: RandomSource = random
) -> bool:
    """Put an auto-applied request into the audit queue with probability
    ``share`` (0 to 1); returns whether it was sampled. Call it in the
    transaction that applied the request."""
    if request.status != Status.APPLIED or request.sampled_at is not None:
        return False
    if share <= 0 or rng.random() >= min(share, 1.0):
        return False
    request.sampled_at = utcnow()
    audit.record(
        session,
        "sampled for a second look",
        actor="system",
        submission_id=request.submission_id,
        request_id=request.id,
        share=share,
    )
    return True


def record_second_look(
    db: Database, reference: str, *, outcome: str, note: str, actor: str
) -> None:
    """Record a caseworker's second look at a sampled request.

    ``outcome`` is ``agree`` or ``disagree``; the note is required. Raises
    :class:`SecondLookRefused` (changing nothing) otherwise, or when the
    request was not sampled or its second look is already recorded.
    """
    if outcome not in SECOND_LOOK_OUTCOMES:
        raise SecondLookRefused("Say whether you agree or disagree with the decision.")
    note = (note or "").strip()
    if not note:
        raise SecondLookRefused("A note is required: say what you checked.")
    with db.session() as session:
        done = session.execute(
            update(Request)
            .where(
                Request.reference == reference,
                Request.sampled_at.is_not(None),
                Request.second_look_at.is_(None),
            )
            .values(
                second_look_outcome=outcome,
                second_look_note=note,
                second_look_by=actor,
                second_look_at=utcnow(),
            )
        )
        if done.rowcount != 1:
            raise SecondLookRefused(f"{reference} is not waiting for a second look.")
        request = session.scalars(select(Request).where(Request.reference == reference)).one()
        audit.record(
            session,
            "second look",
            actor=actor,
            submission_id=request.submission_id,
            request_id=request.id,
            outcome=outcome,
            note=note,
        )


def awaiting_second_look(session: Session, *, limit: int = 200) -> list[Request]:
    """Sampled requests without a recorded second look, oldest first."""
    return list(
        session.scalars(
            select(Request)
            .options(joinedload(Request.submission))
            .where(Request.sampled_at.is_not(None), Request.second_look_at.is_(None))
            .order_by(Request.sampled_at, Request.id)
            .limit(limit)
        )
    )


def recent_second_looks(session: Session, *, limit: int = 20) -> list[Request]:
    """The latest recorded second looks, newest first."""
    return list(
        session.scalars(
            select(Request)
            .options(joinedload(Request.submission))
            .where(Request.second_look_at.is_not(None))
            .order_by(Request.second_look_at.desc(), Request.id.desc())
            .limit(limit)
        )
    )


def queue_digest(db: Database, recipients: list[str], subject: str, body: str) -> None:
    """Queue the daily digest in the outbox, once per caseworker per day."""
    day = utcnow().date().isoformat()
    with db.session() as session:
        for address in recipients:
            outbox.queue(
                session,
                dedupe_key=f"digest:{day}:{address}",
                kind="digest",
                to_addr=address,
                subject=subject,
                body=body,
            )
