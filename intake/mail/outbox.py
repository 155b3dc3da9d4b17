"""The outbox: every mail is first a row, then :func:`send_due` delivers it.

A row is written in the same transaction as the event it reports (a
decision, a message taken from the mailbox), so the event and its mail are
committed together or not at all, and ``dedupe_key`` (unique) keeps the same
mail from being queued twice.

Sending, row by row:

1. claim: ``UPDATE ... SET status='sending' WHERE id=? AND status='pending'
   AND next_attempt_at <= now`` — only one sender wins a row;
2. hand the message to the SMTP server;
3. once the server has accepted it, mark the row ``sent`` in its own commit,
   fenced by the attempt number.

A failure that is the message's (a 4xx to its recipient) puts the row back
to ``pending`` with exponential backoff (30 s doubling, at most an hour
apart). A failure that is the server's (unreachable, a dropped line, a
timeout, a 421) backs off the server, not the mail: the run stops, the row
that met it goes to the back of the queue (:data:`SERVER_RETRY_S`), and the
next run tries the server again, so when it is back the whole queue drains
at once. An SMTP outage delays mail and loses none.
Transient failures are retried for :data:`GIVE_UP_AFTER`; a permanent refusal
(a 5xx reply) or that age makes the row ``failed``, which operators see and
may retry (:func:`retry_failed`).

The one window left: a crash (or lost database) after the server accepted a
message but before step 3 commits leaves the row in ``sending``; after
:data:`SENDING_LEASE_S` it is handed back and sent again. The copy carries the
same ``Message-ID`` (derived from the row), so it is detectable as a
duplicate by the receiving side and in the server's logs.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import logging
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from intake import audit
from intake.db import Database, aware, utcnow
from intake.mail import texts
from intake.mail.addresses import plain_address
from intake.mail.models import OutboxMessage
from intake.mail.settings import SmtpSettings
from intake.mail.smtp import SendFailed, SmtpSender
from intake.submissions.models import Request, Status
from intake.submissions.outcome import corrections_of, tell
from intake.submissions.services import add_status_link

log = logging.getLogger(__name__)

ACKNOWLEDGEMENT = "acknowledgement"
REFUSAL = "refusal"
OUTCOME = "outcome"
#: Replies to inbound mail: sent with an empty envelope sender (RFC 3834).
REPLY_KINDS = (ACKNOWLEDGEMENT, REFUSAL)

#: After a failure that is the server's, the row waits this long (seconds).
SERVER_RETRY_S = 30
BACKOFF_BASE_S = 30
BACKOFF_CAP_S = 3600
GIVE_UP_AFTER = dt.timedelta(days=7)
#: A row in ``sending`` longer than this was abandoned by a dead sender:
#: longer than a send may wait for the answer to its data (10 minutes), so a
#: slow server's mail is never sent twice (callers pass their own).
SENDING_LEASE_S = 900


class MailStatus(enum.StrEnum):
    """Where an outbox row is: waiting, being handed over, delivered, given up."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass
class SendResult:
    """What one :func:`send_due` run did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    #: Rows found abandoned in ``sending`` and handed back.
    reclaimed: int = 0


def queue(
    session: Session,
    *,
    dedupe_key: str,
    kind: str,
    to_addr: str,
    subject: str,
    body: str,
    in_reply_to: str | None = None,
    request_id: int | None = None,
) -> OutboxMessage | None:
    """Add a mail to the outbox in the caller's transaction; ``None`` when a
    mail with this ``dedupe_key`` was queued before.

    Callers serialise on their own event (a claimed submission, a request in
    review, an inbound message row), so two callers never race on one key; if
    they did, the unique key would roll the second transaction back.
    """
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
        return None
    row = OutboxMessage(
        dedupe_key=dedupe_key,
        kind=kind,
        to_addr=to_addr,
        subject=subject,
        body=body,
        in_reply_to=in_reply_to,
        request_id=request_id,
        status=MailStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    session.add(row)
    return row


def queue_outcome_mail(session: Session, request: Request) -> list[OutboxMessage]:
    """Queue the mails of a request just decided.

    Call it inside the transaction that records the decision, after the
    status is set. The requester named on the form is told what the status
    page says (:func:`intake.submissions.outcome.tell`): the outcome, with
    every reason and action when rejected, or, for ``review``, that a
    caseworker is checking it. Each requester mail carries a status link of
    its own, made here (links are kept hashed, so the upload's link cannot
    be sent again). When applied, the nominee is told too, unless the nominee
    is the requester (one mail then); the nominee's mail has no link. Addresses
    come from the form; only when the form gives no valid requester email
    (an unreadable file, for one) does the requester's mail go to whoever
    emailed the form in (the submission's sender, which the mailbox keeps
    only when our mail server did not find it forged), so someone is always
    told. Other statuses queue nothing. The audit trail records each mail
    when it is sent (or given up on), not here.
    """
    status = request.status
    if status not in (Status.APPLIED, Status.REJECTED, Status.REVIEW):
        return []
    fields = dict(request.fields or {})
    reference = request.reference or f"request {request.id}"
    requester = plain_address(request.requester_email or fields.get("requester_email") or "")
    to_sender = False
    if not requester and request.submission is not None and request.submission.sender:
        requester, to_sender = plain_address(request.submission.sender), True
    nominee = plain_address(request.nominee_email or fields.get("nominee_email") or "")
    queued: list[OutboxMessage] = []
    key = f"outcome:{request.id}:{status}:requester"
    if requester and not _queued(session, key):
        session.flush()
        told = tell(request, corrections_of(session, request))
        token = add_status_link(session, request.submission_id)
        subject, body = texts.outcome_for_requester(
            told, fields, status_link(token), to_sender=to_sender
        )
        row = queue(
            session,
            dedupe_key=key,
            kind=OUTCOME,
            to_addr=requester,
            subject=subject,
            body=body,
            request_id=request.id,
        )
        queued += [row] if row else []
    if status == Status.APPLIED and nominee and nominee != requester:
        subject, body = texts.outcome_for_nominee(reference, fields)
        row = queue(
            session,
            dedupe_key=f"outcome:{request.id}:{status}:nominee",
            kind=OUTCOME,
            to_addr=nominee,
            subject=subject,
            body=body,
            request_id=request.id,
        )
        queued += [row] if row else []
    return queued


def status_link(token: str) -> str:
    """A status link as a queued body holds it: the public address is put in
    when the mail is sent (:func:`build_message`).

    >>> status_link("st_abc")
    '%PUBLIC_URL%/status/st_abc'
    """
    return f"{texts.STATUS_BASE}/status/{token}"


def _queued(session: Session, dedupe_key: str) -> bool:
    return (
        session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key))
        is not None
    )


def send_due(
    db: Database,
    smtp: SmtpSettings,
    *,
    now: dt.datetime | None = None,
    limit: int = 50,
    lease_s: int = SENDING_LEASE_S,
    budget_s: float = 0.0,
) -> SendResult:
    """Send the mails that are due (see the module doc), ``limit`` at a time:
    one batch, or batch after batch until none is due or ``budget_s``
    seconds have gone, so that a backlog drains as fast as the SMTP server
    takes it rather than at a fixed number a run.

    No new row is started once ``budget_s`` has gone. A failure that is the
    server's stops the run: the row that met it waits :data:`SERVER_RETRY_S`
    and the others stay due for the next run.
    """
    now = now or utcnow()
    result = SendResult(reclaimed=_reclaim(db, now, lease_s))
    deadline = time.monotonic() + budget_s if budget_s else None
    with SmtpSender(smtp) as sender:
        while True:
            ids = _due(db, now, limit)
            stopped = _send_batch(db, sender, smtp, ids, now, result, deadline)
            if stopped or len(ids) < limit or deadline is None or time.monotonic() >= deadline:
                return result


def _due(db: Database, now: dt.datetime, limit: int) -> list[int]:
    with db.session() as session:
        return list(
            session.scalars(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.status == MailStatus.PENDING,
                    OutboxMessage.next_attempt_at <= now,
                )
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
            ).all()
        )


def _send_batch(
    db: Database,
    sender: SmtpSender,
    smtp: SmtpSettings,
    ids: list[int],
    now: dt.datetime,
    result: SendResult,
    deadline: float | None,
) -> bool:
    """Send the rows ``ids``; whether a server failure (or the budget) stopped it."""
    for n, row_id in enumerate(ids):
        if n and deadline is not None and time.monotonic() >= deadline:
            return True
        row = _claim(db, row_id, now)
        if row is None:
            continue
        try:
            message = build_message(row, smtp.mail_from, smtp.public_url)
            envelope_from = "" if row.kind in REPLY_KINDS else parseaddr(smtp.mail_from)[1]
            sender.send(message, envelope_from=envelope_from, to=row.to_addr)
        except SendFailed as exc:
            failed = _failed(db, row, now, str(exc), permanent=exc.permanent, server=exc.connection)
            result.failed += failed
            result.retried += not failed
            if exc.connection:
                return True
        except ValueError as exc:  # the row cannot be made into a message
            result.failed += _failed(db, row, now, f"bad message: {exc}", permanent=True)
        else:
            result.sent += _mark_sent(db, row)
    return False


def build_message(row: OutboxMessage, mail_from: str, public_url: str = "") -> EmailMessage:
    """The email for an outbox row, with a ``Message-ID`` that is the same on
    every attempt, and its status links on ``public_url``."""
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = row.to_addr
    message["Subject"] = row.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(row, mail_from)
    if row.in_reply_to:
        message["In-Reply-To"] = row.in_reply_to
        message["References"] = row.in_reply_to
    # RFC 3834: tell other robots not to answer us.
    message["Auto-Submitted"] = "auto-replied" if row.kind in REPLY_KINDS else "auto-generated"
    message.set_content(body_to_send(row.body, public_url))
    return message


def body_to_send(body: str, public_url: str) -> str:
    """A queued body with the service's public address in its status links.

    >>> body_to_send("See %PUBLIC_URL%/status/st_1", "https://intake.example.org/")
    'See https://intake.example.org/status/st_1'
    """
    return body.replace(texts.STATUS_BASE, public_url.rstrip("/"))


def message_id(row: OutboxMessage, mail_from: str) -> str:
    """``<intake.<row id>.<hash of the dedupe key>@<our domain>>``.

    >>> message_id(OutboxMessage(id=7, dedupe_key="k"), "PCSE <pcse@example.org>")
    '<intake.7.8254c329a92850f6@example.org>'
    """
    digest = hashlib.sha256(row.dedupe_key.encode()).hexdigest()[:16]
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "intake.invalid"
    return f"<intake.{row.id}.{digest}@{domain}>"


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed try.

    >>> [int(backoff(n).total_seconds()) for n in (1, 2, 3, 8, 20)]
    [30, 60, 120, 3600, 3600]
    """
    return dt.timedelta(seconds=min(BACKOFF_BASE_S * 2 ** max(attempts - 1, 0), BACKOFF_CAP_S))


def retry_failed(db: Database, ids: list[int] | None = None) -> int:
    """Put failed mails (all, or these ids) back to be sent now; returns how many."""
    query = update(OutboxMessage).where(OutboxMessage.status == MailStatus.FAILED)
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    with db.session() as session:
        return session.execute(
            query.values(status=MailStatus.PENDING, next_attempt_at=utcnow(), attempts=0)
        ).rowcount


def counts(db: Database) -> dict[str, int]:
    """How many mails are in each status (for operators)."""
    with db.session() as session:
        rows = session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    return {status: count for status, count in rows}


def _reclaim(db: Database, now: dt.datetime, lease_s: int) -> int:
    with db.session() as session:
        return session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == MailStatus.SENDING,
                OutboxMessage.claimed_at < now - dt.timedelta(seconds=lease_s),
            )
            .values(
                status=MailStatus.PENDING,
                claimed_at=None,
                last_error="a sender stopped while sending; sent again (same Message-ID)",
            )
        ).rowcount


def _claim(db: Database, row_id: int, now: dt.datetime) -> OutboxMessage | None:
    with db.session() as session:
        taken = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == row_id,
                OutboxMessage.status == MailStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
            .values(status=MailStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        )
        if taken.rowcount != 1:
            return None
        return session.get_one(OutboxMessage, row_id)


def _mark_sent(db: Database, row: OutboxMessage) -> int:
    with db.session() as session:
        done = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == row.id,
                OutboxMessage.status == MailStatus.SENDING,
                OutboxMessage.attempts == row.attempts,
            )
            .values(status=MailStatus.SENT, sent_at=utcnow(), last_error=None)
        ).rowcount
        if done != 1:
            log.warning("outbox %s was handed to another sender while this one sent it", row.id)
        elif row.request_id is not None:
            audit.record(
                session,
                f"{row.kind} mail sent",
                request_id=row.request_id,
                to=row.to_addr,
                outbox_id=row.id,
            )
        return done


def _failed(
    db: Database,
    row: OutboxMessage,
    now: dt.datetime,
    error: str,
    *,
    permanent: bool,
    server: bool = False,
):
    """Record a failed attempt; returns 1 when the row is given up on, else 0.
    A failure that is the server's (``server``) costs the row no backoff of
    its own."""
    give_up = permanent or now - aware(row.created_at) > GIVE_UP_AFTER
    wait = dt.timedelta(seconds=SERVER_RETRY_S) if server else backoff(row.attempts)
    with db.session() as session:
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == row.id,
                OutboxMessage.status == MailStatus.SENDING,
                OutboxMessage.attempts == row.attempts,
            )
            .values(
                status=MailStatus.FAILED if give_up else MailStatus.PENDING,
                next_attempt_at=now + wait,
                claimed_at=None,
                last_error=error[:2000],
            )
        )
        if give_up and row.request_id is not None:
            audit.record(
                session,
                f"{row.kind} mail failed",
                request_id=row.request_id,
                to=row.to_addr,
                error=error[:500],
            )
    log.warning("outbox %s: %s%s", row.id, error, " (given up)" if give_up else "")
    return int(give_up)
