"""Polling the intake mailbox: every PDF attachment becomes a submission.

For each message not yet marked taken, in UID order:

1. a UID already recorded under this UIDVALIDITY is only marked again (a
   poll that died after recording it);
2. its size, arrival time and headers are fetched, the headers at most
   their bound (``BODY.PEEK[HEADER]<0.N>``) and measured raw before they are
   parsed; a bounce is ignored, a message whose headers are over their
   bounds (a 10 MB Subject, an encoded-word bomb) or over the size limit is
   refused without its body being downloaded;
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
second copy of a message (same Message-ID, another UID, no new form) is
recorded as a duplicate and not answered again.

No poison messages: a message whose handling raises is recorded as
``failing`` with the error and its try count, and left unmarked; fresh
messages are taken before failing ones, so it never holds the mail behind
it up. At :attr:`MailboxSettings.max_tries` it is recorded as ``failed``,
marked, and its sender (when its headers can be read) told to send it
again. Losing the server or the database mid-poll is not the message's
fault: the poll stops and no try is counted.

Replies: every message that gave a form is acknowledged with its
references, however many the sender sends. Refusals (nothing taken) are
the loop-prone kind: at most one per sender per hour, and
:attr:`MailboxSettings.max_refusals_per_hour` to everyone together. When
our own server's ``Authentication-Results`` (:mod:`intake.ingest.authresults`)
says the From address failed authentication, nothing is sent to it at all
and it is not kept as the forms' sender (so no outcome mail goes there
either); the inbound record keeps the claim and the verdict.

The received day of each form is the day of the message's ``Date`` header
(Europe/London), as long as that is at most :data:`DATE_TOLERANCE` before
the day the server received it; otherwise (no Date, garbage, a date in the
future or long before arrival) it is the server's arrival day. The sender
could write any Date, and the date rules (90 days, future dates) must not
be theirs to move.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import imaplib
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.mailbox import BaseMailBox
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from intake.config import LONDON
from intake.db import utcnow
from intake.ingest import authresults, lock
from intake.ingest.authresults import Authentication
from intake.ingest.automated import AUTO_REPLY, BOUNCE
from intake.ingest.message import (
    Attachment,
    HeaderLimits,
    Kind,
    MailHeaders,
    MailLimits,
    MalformedMail,
    read_attachments,
    read_headers,
)
from intake.ingest.models import InboundMessage
from intake.ingest.ourmail import answers_our_mail
from intake.mail import oauth, outbox, texts
from intake.mail.models import OutboxMessage
from intake.mail.settings import MailboxSettings
from intake.service import Intake
from intake.submissions.services import UploadRejected

log = logging.getLogger(__name__)

TAKEN_KEYWORD = "$IntakeTaken"
DATE_TOLERANCE = dt.timedelta(days=3)
REPLY_INTERVAL = dt.timedelta(hours=1)
#: A message whose handling failed, waiting for its next try.
FAILING = "failing"
#: Headers fetched again, without the Subject, when the block is over its bound.
_SENDER_FIELDS = (
    "FROM MESSAGE-ID DATE RETURN-PATH CONTENT-TYPE AUTO-SUBMITTED PRECEDENCE LIST-ID "
    "LIST-UNSUBSCRIBE LIST-POST X-AUTOREPLY X-AUTORESPOND AUTHENTICATION-RESULTS"
)
_NO_HEADERS = MailHeaders(None, None, "", None, None)
#: Errors that are the server's or the database's, not the message's.
_NOT_THE_MESSAGE = (imaplib.IMAP4.abort, OSError, OperationalError)

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
    #: Messages that hit an unexpected error (tried again, or set aside).
    failed: int = 0
    #: Another poll of this mailbox was running, so this one did nothing.
    skipped: bool = False


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
    Polls of one mailbox never overlap: while one runs, another returns at
    once with ``skipped`` set (:mod:`intake.ingest.lock`).
    """
    result = PollResult()
    name = f"{mailbox.user}@{mailbox.host}/{mailbox.folder}"[:200]
    with lock.held(intake.db, f"mailbox:{name}") as taken:
        if not taken:
            log.info("mailbox %s: another poll is running; this one does nothing", name)
            result.skipped = True
            return result
        _poll(intake, mailbox, name, result, enqueue)
    return result


def _poll(
    intake: Intake,
    mailbox: MailboxSettings,
    name: str,
    result: PollResult,
    enqueue: Callable[[int], None] | None,
) -> None:
    with _connected(mailbox) as mb:
        result.uidvalidity = int(mb.folder.status(mailbox.folder, ["UIDVALIDITY"])["UIDVALIDITY"])
        uids = sorted(int(uid) for uid in mb.uids(AND(no_keyword=TAKEN_KEYWORD)))
        known, failing = _recorded(intake, name, result.uidvalidity, uids)
        _mark(mb, sorted(known))
        result.marked_again = len(known)
        fresh = [u for u in uids if u not in known and u not in failing]
        for uid in (fresh + [u for u in uids if u in failing])[: mailbox.batch]:
            try:
                outcome = _take(intake, mb, mailbox, name, result, uid, enqueue)
            except _NOT_THE_MESSAGE:
                raise
            except Exception as exc:
                log.exception("mailbox %s: message UID %s could not be taken", name, uid)
                result.failed += 1
                tries = failing.get(uid, 0) + 1
                outcome = _give_up(intake, mb, mailbox, name, result, uid, exc, tries)
                if outcome is None:
                    continue
            if outcome is not None:
                result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
            _mark(mb, [uid])


@contextlib.contextmanager
def _connected(s: MailboxSettings) -> Iterator[BaseMailBox]:
    """Signed in to the folder: the connection and greeting within the
    connect timeout, every answer after it within the read timeout; with
    XOAUTH2 when an OAuth client is set."""
    kinds = {"ssl": MailBox, "starttls": MailBoxStartTls, "none": MailBoxUnencrypted}
    mb = kinds[s.security](s.host, s.port, timeout=s.connect_timeout_s)
    try:
        mb.client.sock.settimeout(s.timeout_s)
        if s.oauth is None:
            mb.login(s.user, s.password, initial_folder=s.folder)
        else:
            try:
                mb.xoauth2(s.user, oauth.access_token(s.oauth), initial_folder=s.folder)
            except Exception:
                oauth.forget(s.oauth)  # perhaps revoked: a new one next time
                raise
    except BaseException:
        with contextlib.suppress(Exception):
            mb.client.shutdown()
        raise
    try:
        yield mb
    finally:
        with contextlib.suppress(Exception):
            mb.logout()


def _recorded(
    intake: Intake, name: str, uidvalidity: int, uids: list[int]
) -> tuple[set[int], dict[int, int]]:
    """The UIDs recorded for good, and those failing with their try counts."""
    known: set[int] = set()
    failing: dict[int, int] = {}
    for start in range(0, len(uids), 500):
        with intake.db.session() as session:
            rows = session.execute(
                select(InboundMessage.uid, InboundMessage.outcome, InboundMessage.detail).where(
                    InboundMessage.mailbox == name,
                    InboundMessage.uidvalidity == uidvalidity,
                    InboundMessage.uid.in_(uids[start : start + 500]),
                )
            ).all()
        for uid, outcome, detail in rows:
            if outcome == FAILING:
                failing[uid] = int((detail or {}).get("tries", 1))
            else:
                known.add(uid)
    return known, failing


def _give_up(
    intake: Intake,
    mb: BaseMailBox,
    mailbox: MailboxSettings,
    name: str,
    result: PollResult,
    uid: int,
    exc: Exception,
    tries: int,
) -> str | None:
    """After a failed try: note it (``None``: try again later), or at
    ``max_tries`` record the message as failed and answer its sender."""
    error = f"{type(exc).__name__}: {exc}"[:1000]
    if tries < mailbox.max_tries:
        _note_try(intake, name, result.uidvalidity, uid, tries, error)
        return None
    try:
        meta = _fetch_meta(mb, uid, mailbox.max_header_bytes)
        headers = _headers(mb, uid, meta, _header_limits(mailbox)) if meta else _NO_HEADERS
    except _NOT_THE_MESSAGE:
        raise
    except Exception:  # the headers may be what failed
        headers = _NO_HEADERS
    limit_mb = round(intake.settings.max_upload_bytes / 1e6)
    auth = authresults.judge(headers.authentication, mailbox.authserv_id, mailbox.auth_fail_on)
    day = received_day(None, None)
    message = _Message(mailbox, name, result.uidvalidity, uid, headers, day, limit_mb, auth)
    detail = {"code": "failed", "why": error, "tries": tries}
    problem = "the email could not be read (PCSE has been told of the fault)"
    try:
        return message.record(intake, "failed", detail, problems=[problem])
    except _NOT_THE_MESSAGE:
        raise
    except Exception:  # recorded unanswered, then
        message.headers = _NO_HEADERS
        return message.record(intake, "failed", detail)


def _note_try(
    intake: Intake, name: str, uidvalidity: int, uid: int, tries: int, error: str
) -> None:
    with intake.db.session() as session:
        row = session.scalar(
            select(InboundMessage).where(
                InboundMessage.mailbox == name,
                InboundMessage.uidvalidity == uidvalidity,
                InboundMessage.uid == uid,
            )
        )
        if row is None:
            row = InboundMessage(mailbox=name, uidvalidity=uidvalidity, uid=uid, outcome=FAILING)
            session.add(row)
        row.detail = {"tries": tries, "error": error}


def _header_limits(mailbox: MailboxSettings) -> HeaderLimits:
    return HeaderLimits(
        max_block_bytes=mailbox.max_header_bytes,
        max_header_bytes=mailbox.max_header_line_bytes,
        max_encoded_words=mailbox.max_encoded_words,
    )


def _headers(mb: BaseMailBox, uid: int, meta: _Meta, limits: HeaderLimits) -> MailHeaders:
    """The headers, read within their bounds; when the block is over them,
    the sender's headers are fetched again without the rest (a 10 MB
    Subject may come before the From)."""
    headers = read_headers(meta.header, limits)
    if not headers.too_large:
        return headers
    fields = _fetch_part(mb, uid, f"HEADER.FIELDS ({_SENDER_FIELDS})", limits.max_block_bytes)
    return dataclasses.replace(read_headers(fields, limits), too_large=headers.too_large)


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
    header_limits = _header_limits(mailbox)
    meta = _fetch_meta(mb, uid, header_limits.max_block_bytes)
    if meta is None:  # deleted meanwhile
        return None
    headers = _headers(mb, uid, meta, header_limits)
    received_on = received_day(headers.sent_at, meta.arrived)
    limit_mb = round(intake.settings.max_upload_bytes / 1e6)
    auth = authresults.judge(headers.authentication, mailbox.authserv_id, mailbox.auth_fail_on)
    message = _Message(mailbox, name, result.uidvalidity, uid, headers, received_on, limit_mb, auth)
    if headers.automated == BOUNCE:
        return message.record(intake, "ignored", {"why": "a bounce (delivery report)"})
    if headers.too_large:
        problem = f"{headers.too_large}, more than any email PCSE takes"
        detail = {"code": "headers_too_large", "why": headers.too_large}
        return message.record(intake, "refused", detail, problems=[problem])
    if meta.size > mailbox.max_message_bytes:
        problem = (
            f"the email is {meta.size / 1e6:.1f} MB; the largest email PCSE takes is "
            f"{mailbox.max_message_bytes / 1e6:.0f} MB (send the forms in separate emails)"
        )
        return message.record(intake, "refused", {"why": problem}, problems=[problem])
    raw = _fetch_body(mb, uid)
    limits = MailLimits(
        max_attachment_bytes=intake.settings.max_upload_bytes, headers=header_limits
    )
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
    hint = "" if headers.automated else _autoresponder(intake, headers)
    if hint:
        automated = f"{AUTO_REPLY} ({hint})"
        message.headers = headers = dataclasses.replace(headers, automated=automated)
    outcome = "ignored" if headers.automated else "refused"
    problems = [f"{n.filename}: {n.why}" for n in message.not_taken] or [
        "there was no PDF attachment" if attachments else "there was no attachment"
    ]
    return message.record(intake, outcome, {}, problems=problems)


def _autoresponder(intake: Intake, headers: MailHeaders) -> str:
    """Why a message that gave no form is an autoresponder's though it does
    not say so (RFC 3834): it answers our own mail, or its headers or
    subject give it away. Such mail is recorded, never refused."""
    if headers.autoreply_hint:
        return headers.autoreply_hint
    with intake.db.session() as session:
        return "a reply to our own mail" if answers_our_mail(session, headers.references) else ""


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
        auth: Authentication,
    ) -> None:
        self.mailbox, self.name, self.uidvalidity, self.uid = mailbox, name, uidvalidity, uid
        self.headers, self.received_on = headers, received_on
        #: Our server's verdict on the From address.
        self.auth = auth
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
                sender=self.sender,
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

    @property
    def sender(self) -> str | None:
        """The From address, unless our server says it is forged."""
        return None if self.auth.verdict == authresults.FAILED else self.headers.sender

    def record(self, intake: Intake, outcome: str, detail: dict, problems=None) -> str:
        """The inbound row and the reply, in one transaction; returns the outcome."""
        h = self.headers
        detail = {
            **detail,
            "received_on": self.received_on.isoformat(),
            "attachments": self.files,
            **({"automated": h.automated} if h.automated else {}),
            "authentication": self.auth.as_detail(),
        }
        try:
            with intake.db.session() as session:
                tried = session.scalar(
                    select(InboundMessage).where(
                        InboundMessage.mailbox == self.name,
                        InboundMessage.uidvalidity == self.uidvalidity,
                        InboundMessage.uid == self.uid,
                        InboundMessage.outcome == FAILING,
                    )
                )
                if tried is not None:
                    detail["earlier_failures"] = tried.detail
                    session.execute(delete(InboundMessage).where(InboundMessage.id == tried.id))
                earlier = None
                if h.message_id:
                    earlier = session.scalar(
                        select(InboundMessage.id).where(
                            InboundMessage.message_id == h.message_id,
                            InboundMessage.outcome != FAILING,
                        )
                    )
                # A copy adds no new form; another message reusing the
                # Message-ID that does is answered as itself.
                copy = earlier is not None and not any(not t.duplicate for t in self.taken)
                if earlier is not None:
                    detail["duplicate_of"] = earlier
                if copy:
                    outcome = "duplicate" if outcome not in ("error", "failed") else outcome
                detail["reply"] = self._reply(
                    session, problems, duplicate=copy, reused_id=earlier is not None
                )
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

    def _reply(self, session, problems, *, duplicate: bool, reused_id: bool = False) -> str:
        """Queue the reply, if one is due; returns what happened, for the record."""
        h = self.headers
        if h.automated:
            return f"none: automated mail ({h.automated})"
        if not h.sender:
            return "none: no usable sender address"
        if self.auth.verdict == authresults.FAILED:
            return "none: our mail server says the sender's address is forged"
        if h.sender in {a.lower() for a in self.mailbox.own_addresses}:
            return "none: sent by this service"
        if duplicate:
            return "none: a copy of a message already answered"
        if self.taken:
            kind = outbox.ACKNOWLEDGEMENT
            subject, body = texts.acknowledgement(
                h.subject, self.received_on, self.taken, self.not_taken
            )
        else:
            limited = self._refusal_limited(session, h.sender)
            if limited:
                return limited
            kind = outbox.REFUSAL
            subject, body = texts.refusal(h.subject, problems or [], self.limit_mb)
        identity = f"{self.name}:{self.uidvalidity}:{self.uid}"
        if h.message_id and not reused_id:
            identity = h.message_id
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

    def _refusal_limited(self, session, sender: str) -> str:
        """Why no refusal may go now (one a sender an hour, and a cap on all
        senders together), or ``""``."""
        since = utcnow() - REPLY_INTERVAL
        recent = select(func.count()).select_from(OutboxMessage)
        recent = recent.where(
            OutboxMessage.kind == outbox.REFUSAL, OutboxMessage.created_at >= since
        )
        if session.scalar(recent.where(OutboxMessage.to_addr == sender)):
            return "none: this sender had a refusal in the last hour"
        if session.scalar(recent) >= self.mailbox.max_refusals_per_hour:
            return "none: the hourly limit on refusals to all senders was reached"
        return ""


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
    try:
        claimed = sent_at.astimezone(LONDON).date()
    except (OverflowError, ValueError):  # a Date no clock can show
        return arrived_day
    if arrived_day - DATE_TOLERANCE <= claimed <= arrived_day:
        return claimed
    return arrived_day


def _fetch_meta(mb: BaseMailBox, uid: int, header_limit: int) -> _Meta | None:
    """Size, arrival and the header block's first ``header_limit + 1`` bytes."""
    items = f"(RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER]<0.{header_limit + 1}>)"
    status, data = mb.client.uid("FETCH", str(uid), items)
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


def _fetch_part(mb: BaseMailBox, uid: int, section: str, limit: int) -> bytes:
    status, data = mb.client.uid("FETCH", str(uid), f"(BODY.PEEK[{section}]<0.{limit + 1}>)")
    if status != "OK":
        raise RuntimeError(f"FETCH {uid} failed: {data!r}")
    for item in data:
        if isinstance(item, tuple):
            return item[1]
    return b""


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
