"""Polling the intake mailbox: every PDF attachment becomes a submission.

For each message not yet marked taken, in UID order:

1. a UID already recorded under this UIDVALIDITY is only marked again (a
   poll that died after recording it);
2. its size, arrival time and headers are fetched; a bounce is ignored, a
   message over the size limit is refused without being downloaded;
3. the message is downloaded and read with bounded work
   (:mod:`intake.ingest.message`); each PDF goes through ``accept()``, which
   commits it (the same bytes again return the first references);
4. one transaction records the :class:`~intake.models.InboundMessage` and
   queues the reply in the outbox;
5. only then is the message marked on the server: ``\\Seen`` and the keyword
   ``$IntakeTaken``. Messages stay where they are (UIDs stay valid, people
   can still read the mailbox); a person opening a message (``\\Seen``) does
   not stop it being taken, only the keyword does.

A crash between 3 and 4 re-reads the message next time and ``accept()``
answers with the same references; between 4 and 5, step 1 applies. A
second copy of a message (same Message-ID, another UID) is recorded as a
duplicate and not answered again.

The received day of each form is the day of the message's ``Date`` header
(Europe/London), as long as that is at most :data:`DATE_TOLERANCE` before
the day the server received it; otherwise (no Date, garbage, a date in the
future or long before arrival) it is the server's arrival day. The sender
could write any Date, and the date rules (90 days, future dates) must not
be theirs to move.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.mailbox import BaseMailBox
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from intake.config import LONDON
from intake.db import utcnow
from intake.ingest.automated import BOUNCE
from intake.ingest.message import (
    Attachment,
    Kind,
    MailHeaders,
    MailLimits,
    MalformedMail,
    read_attachments,
    read_headers,
)
from intake.ingest.models import InboundMessage
from intake.mail import outbox, texts
from intake.mail.models import OutboxMessage
from intake.mail.settings import MailboxSettings
from intake.service import Intake
from intake.submissions.services import UploadRejected

log = logging.getLogger(__name__)

TAKEN_KEYWORD = "$IntakeTaken"
DATE_TOLERANCE = dt.timedelta(days=3)
REPLY_INTERVAL = dt.timedelta(hours=1)

_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


@dataclass
class PollResult:
    """What one poll did: outcomes of new messages and the submissions made."""

    uidvalidity: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    submission_ids: list[int] = field(default_factory=list)
    #: Messages recorded by an earlier poll and only marked now.
    marked_again: int = 0
    #: Messages that hit an unexpected error; left unmarked, tried next poll.
    failed: int = 0


@dataclass(frozen=True)
class _Meta:
    size: int
    arrived: dt.datetime | None
    header: bytes


def poll_mailbox(
    intake: Intake, mailbox: MailboxSettings, enqueue: Callable[[int], None] | None
) -> PollResult:
    """Take every new message in the mailbox's folder (see the module doc).

    ``enqueue(submission_id)`` is called after each new submission commits.
    """
    result = PollResult()
    name = f"{mailbox.user}@{mailbox.host}/{mailbox.folder}"[:200]
    with _connected(mailbox) as mb:
        result.uidvalidity = int(mb.folder.status(mailbox.folder, ["UIDVALIDITY"])["UIDVALIDITY"])
        uids = sorted(int(uid) for uid in mb.uids(AND(no_keyword=TAKEN_KEYWORD)))
        known = _recorded(intake, name, result.uidvalidity, uids)
        _mark(mb, sorted(known))
        result.marked_again = len(known)
        for uid in [u for u in uids if u not in known][: mailbox.batch]:
            try:
                outcome = _take(intake, mb, mailbox, name, result, uid, enqueue)
            except Exception:
                # Left unmarked and unrecorded: tried again next poll, and the
                # messages after it are not held up.
                log.exception("mailbox %s: message UID %s could not be taken", name, uid)
                result.failed += 1
                continue
            if outcome is not None:
                result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
            _mark(mb, [uid])
    return result


@contextlib.contextmanager
def _connected(s: MailboxSettings) -> Iterator[BaseMailBox]:
    kinds = {"ssl": MailBox, "starttls": MailBoxStartTls, "none": MailBoxUnencrypted}
    mb = kinds[s.security](s.host, s.port, timeout=s.timeout_s)
    mb.login(s.user, s.password, initial_folder=s.folder)
    try:
        yield mb
    finally:
        with contextlib.suppress(Exception):
            mb.logout()


def _recorded(intake: Intake, name: str, uidvalidity: int, uids: list[int]) -> set[int]:
    if not uids:
        return set()
    with intake.db.session() as session:
        return set(
            session.scalars(
                select(InboundMessage.uid).where(
                    InboundMessage.mailbox == name,
                    InboundMessage.uidvalidity == uidvalidity,
                    InboundMessage.uid.in_(uids),
                )
            )
        )


def _mark(mb: BaseMailBox, uids: list[int]) -> None:
    # Not imap-tools' flag(): it also EXPUNGEs, which would delete messages
    # someone else marked \Deleted in a shared mailbox.
    for start in range(0, len(uids), 200):
        chunk = ",".join(str(uid) for uid in uids[start : start + 200])
        status, data = mb.client.uid("STORE", chunk, "+FLAGS", f"(\\Seen {TAKEN_KEYWORD})")
        if status != "OK":
            raise RuntimeError(f"the server would not mark messages {chunk}: {data!r}")


def _take(
    intake: Intake,
    mb: BaseMailBox,
    mailbox: MailboxSettings,
    name: str,
    result: PollResult,
    uid: int,
    enqueue: Callable[[int], None] | None,
) -> str | None:
    meta = _fetch_meta(mb, uid)
    if meta is None:  # deleted meanwhile
        return None
    headers = read_headers(meta.header)
    received_on = received_day(headers.sent_at, meta.arrived)
    limit_mb = round(intake.settings.max_upload_bytes / 1e6)
    message = _Message(mailbox, name, result.uidvalidity, uid, headers, received_on, limit_mb)
    if headers.automated == BOUNCE:
        return message.record(intake, "ignored", {"why": "a bounce (delivery report)"})
    if meta.size > mailbox.max_message_bytes:
        problem = (
            f"the email is {meta.size / 1e6:.1f} MB; the largest email PCSE takes is "
            f"{mailbox.max_message_bytes / 1e6:.0f} MB (send the forms in separate emails)"
        )
        return message.record(intake, "refused", {"why": problem}, problems=[problem])
    raw = _fetch_body(mb, uid)
    limits = MailLimits(max_attachment_bytes=intake.settings.max_upload_bytes)
    try:
        attachments = read_attachments(raw, limits)
    except MalformedMail as exc:
        problem = f"the email could not be read: {exc.message}"
        detail = {"code": exc.code, "why": exc.message}
        return message.record(intake, "error", detail, problems=[problem])
    for attachment in attachments:
        message.add(intake, attachment, enqueue)
    result.submission_ids += message.submission_ids
    if message.taken:
        return message.record(intake, "taken", {})
    outcome = "ignored" if headers.automated else "refused"
    problems = [f"{n.filename}: {n.why}" for n in message.not_taken] or [
        "there was no PDF attachment" if attachments else "there was no attachment"
    ]
    return message.record(intake, outcome, {}, problems=problems)


class _Message:
    """One message being taken: what was accepted, and its record and reply."""

    def __init__(
        self,
        mailbox: MailboxSettings,
        name: str,
        uidvalidity: int,
        uid: int,
        headers: MailHeaders,
        received_on: dt.date,
        limit_mb: int,
    ) -> None:
        self.mailbox, self.name, self.uidvalidity, self.uid = mailbox, name, uidvalidity, uid
        self.headers, self.received_on = headers, received_on
        #: The attachment size limit, for the refusal's advice.
        self.limit_mb = limit_mb
        self.taken: list[texts.Taken] = []
        self.not_taken: list[texts.NotTaken] = []
        self.submission_ids: list[int] = []
        self.files: list[dict[str, Any]] = []

    def add(self, intake: Intake, attachment: Attachment, enqueue) -> None:
        entry: dict[str, Any] = {
            "filename": attachment.filename,
            "kind": attachment.kind.value,
            "size": attachment.size,
        }
        self.files.append(entry)
        if attachment.kind is not Kind.PDF:
            entry["why"] = attachment.why
            self.not_taken.append(texts.NotTaken(attachment.filename, attachment.why))
            return
        try:
            accepted = intake.accept(
                attachment.data,
                filename=attachment.filename,
                channel="email",
                received_on=self.received_on,
                sender=self.headers.sender,
                after_commit=enqueue,
            )
        except UploadRejected as exc:
            entry["why"] = exc.message
            self.not_taken.append(texts.NotTaken(attachment.filename, exc.message))
            return
        entry.update(references=list(accepted.references), duplicate=accepted.duplicate)
        entry["submission_id"] = accepted.submission_id
        self.submission_ids.append(accepted.submission_id)
        url = f"{self.mailbox.public_url.rstrip('/')}/status/{accepted.status_token}"
        self.taken.append(
            texts.Taken(attachment.filename, accepted.references, url, accepted.duplicate)
        )

    def record(self, intake: Intake, outcome: str, detail: dict, problems=None) -> str:
        """The inbound row and the reply, in one transaction; returns the outcome."""
        h = self.headers
        detail = {
            **detail,
            "received_on": self.received_on.isoformat(),
            "attachments": self.files,
            **({"automated": h.automated} if h.automated else {}),
        }
        try:
            with intake.db.session() as session:
                earlier = None
                if h.message_id:
                    earlier = session.scalar(
                        select(InboundMessage.id).where(InboundMessage.message_id == h.message_id)
                    )
                if earlier is not None:
                    outcome = "duplicate" if outcome != "error" else outcome
                    detail["duplicate_of"] = earlier
                detail["reply"] = self._reply(session, problems, duplicate=earlier is not None)
                session.add(
                    InboundMessage(
                        mailbox=self.name,
                        uidvalidity=self.uidvalidity,
                        uid=self.uid,
                        message_id=h.message_id,
                        sender=h.sender,
                        subject=h.subject,
                        sent_on=h.sent_at.astimezone(LONDON).date() if h.sent_at else None,
                        outcome=outcome,
                        detail=detail,
                    )
                )
        except IntegrityError:
            # Another poll recorded this UID a moment ago (and its reply).
            log.info("mailbox %s: UID %s was recorded by another poll", self.name, self.uid)
        return outcome

    def _reply(self, session, problems, *, duplicate: bool) -> str:
        """Queue the reply, if one is due; returns what happened, for the record."""
        h = self.headers
        if h.automated:
            return f"none: automated mail ({h.automated})"
        if not h.sender:
            return "none: no usable sender address"
        if h.sender in {a.lower() for a in self.mailbox.own_addresses}:
            return "none: sent by this service"
        if duplicate:
            return "none: a copy of a message already answered"
        since = utcnow() - REPLY_INTERVAL
        recent = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.to_addr == h.sender,
                OutboxMessage.kind.in_(outbox.REPLY_KINDS),
                OutboxMessage.created_at >= since,
            )
        )
        if recent:
            return "none: this sender had a reply in the last hour"
        if self.taken:
            kind = outbox.ACKNOWLEDGEMENT
            subject, body = texts.acknowledgement(
                h.subject, self.received_on, self.taken, self.not_taken
            )
        else:
            kind = outbox.REFUSAL
            subject, body = texts.refusal(h.subject, problems or [], self.limit_mb)
        identity = h.message_id or f"{self.name}:{self.uidvalidity}:{self.uid}"
        row = outbox.queue(
            session,
            dedupe_key=f"reply:{hashlib.sha256(identity.encode()).hexdigest()}",
            kind=kind,
            to_addr=h.sender,
            subject=subject,
            body=body,
            in_reply_to=h.message_id,
        )
        return kind if row is not None else "none: already answered"


def received_day(sent_at: dt.datetime | None, arrived: dt.datetime | None) -> dt.date:
    """The day a form sent by email reached PCSE (see the module doc).

    >>> utc = dt.UTC
    >>> received_day(dt.datetime(2026, 11, 19, 23, 30, tzinfo=utc),
    ...              dt.datetime(2026, 11, 20, 9, 0, tzinfo=utc))
    datetime.date(2026, 11, 19)
    >>> received_day(dt.datetime(2026, 6, 1, tzinfo=utc), dt.datetime(2026, 11, 20, tzinfo=utc))
    datetime.date(2026, 11, 20)
    """
    arrived_day = (arrived or utcnow()).astimezone(LONDON).date()
    if sent_at is None:
        return arrived_day
    claimed = sent_at.astimezone(LONDON).date()
    if arrived_day - DATE_TOLERANCE <= claimed <= arrived_day:
        return claimed
    return arrived_day


def _fetch_meta(mb: BaseMailBox, uid: int) -> _Meta | None:
    status, data = mb.client.uid("FETCH", str(uid), "(RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER])")
    if status != "OK":
        raise RuntimeError(f"FETCH {uid} failed: {data!r}")
    header, text = b"", b""
    for item in data:
        if isinstance(item, tuple):
            text += item[0]
            header = item[1]
        elif isinstance(item, bytes):
            text += item
    size = _SIZE.search(text)
    if size is None:
        return None
    return _Meta(int(size.group(1)), _internaldate(text), header)


def _fetch_body(mb: BaseMailBox, uid: int) -> bytes:
    status, data = mb.client.uid("FETCH", str(uid), "(BODY.PEEK[])")
    if status != "OK":
        raise RuntimeError(f"FETCH {uid} failed: {data!r}")
    for item in data:
        if isinstance(item, tuple):
            return item[1]
    raise RuntimeError(f"FETCH {uid} returned no message")


def _internaldate(text: bytes) -> dt.datetime | None:
    found = _INTERNALDATE.search(text)
    if found is None:
        return None
    try:
        return dt.datetime.strptime(found.group(1).decode().strip(), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return None
