"""Accepting a file: on disk and committed before anyone is told it arrived."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake import audit
from intake.accounts.tokens import new_token, token_hash
from intake.db import Database
from intake.storage import FileStore
from intake.submissions.filenames import display_filename
from intake.submissions.models import Channel, Request, Status, StatusLink, Submission

CHANNELS = tuple(Channel)


class UploadRejected(ValueError):
    """The upload was refused at the door (nothing was stored)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Accepted:
    """What the caller tells the requester: the references of the file's requests."""

    submission_id: int
    references: tuple[str, ...]
    #: True when the same bytes had been accepted before (no new request was made).
    duplicate: bool
    #: The secret of this upload's status link (``/status/<token>``); shown once.
    status_token: str = ""


def make_reference(request: Request, received_on: dt.date) -> str:
    """``UA-<year received>-<request id, six digits>``: unique because the id is.

    >>> r = Request(); r.id = 123
    >>> make_reference(r, dt.date(2026, 11, 20))
    'UA-2026-000123'
    """
    return f"UA-{received_on.year}-{request.id:06d}"


def new_request(
    session: Session,
    submission_id: int,
    form_index: int,
    received_on: dt.date,
    /,
    *,
    status: Status,
    actor: str,
    **detail: Any,
) -> Request:
    """The request for form ``form_index`` of a submission, with its
    reference and its "received" audit event: the one way a request is made
    (the first form's at the door, later forms' when the file is read)."""
    request = Request(submission_id=submission_id, form_index=form_index, status=status)
    session.add(request)
    session.flush()
    request.reference = make_reference(request, received_on)
    request.index_for_search()
    audit.record(
        session,
        "received",
        actor=actor,
        submission_id=submission_id,
        request_id=request.id,
        **detail,
    )
    return request


def accept(
    db: Database,
    store: FileStore,
    data: bytes,
    *,
    filename: str,
    channel: str,
    received_on: dt.date | None = None,
    sender: str | None = None,
    max_bytes: int,
    after_commit: Callable[[int], None] | None = None,
    api_token_id: int | None = None,
    corrects: str | None = None,
) -> Accepted:
    """Store a file and create its submission and first request.

    The file is written and fsynced, then the rows are committed, and only
    then is ``after_commit(submission_id)`` called (to enqueue the work): a
    worker never sees an id whose row is not committed, and a failure to
    enqueue loses nothing because the sweeper finds the row again. The same
    bytes sent twice return the first submission's references. The status
    link made for this upload is given to ``api_token_id`` (the API token
    that sent it), which may then read the submission's requests.
    ``corrects`` is the reference of a rejected request this file corrects;
    it is kept when such a request exists (and silently dropped otherwise,
    so the door says nothing about other people's references).
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if not data:
        raise UploadRejected("EMPTY_FILE", "The file is empty.")
    if len(data) > max_bytes:
        raise UploadRejected(
            "FILE_TOO_LARGE",
            f"The file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.",
        )
    sha256 = hashlib.sha256(data).hexdigest()
    # No look-up first: the unique sha256 finds a repeat at the insert, which
    # spares every new upload a round trip (a repeat costs a file write).
    stored_name = store.save(data)
    received_on = received_on or dt.date.today()
    try:
        with db.session() as session:
            submission = Submission(
                sha256=sha256,
                stored_name=stored_name,
                original_filename=_clean_filename(filename),
                size_bytes=len(data),
                channel=channel,
                sender=sender,
                received_on=received_on,
                corrects_reference=_rejected_reference(session, corrects),
            )
            session.add(submission)
            session.flush()
            corrected = (
                {"corrects": submission.corrects_reference} if submission.corrects_reference else {}
            )
            request = new_request(
                session,
                submission.id,
                0,
                received_on,
                status=Status.RECEIVED,
                actor=sender or channel,
                channel=channel,
                filename=submission.original_filename,
                sha256=sha256,
                received_on=received_on.isoformat(),
                **corrected,
            )
            token = add_status_link(session, submission.id, api_token_id)
            accepted = Accepted(submission.id, (request.reference,), False, token)
    except IntegrityError:
        # The same bytes were accepted before (or by someone else a moment ago).
        store.delete(stored_name)
        existing = _existing(db, sha256, api_token_id)
        if existing is None:  # pragma: no cover - the constraint says it exists
            raise
        return existing
    except BaseException:
        store.delete(stored_name)
        raise
    if after_commit is not None:
        after_commit(accepted.submission_id)
    return accepted


def _existing(db: Database, sha256: str, api_token_id: int | None) -> Accepted | None:
    """The earlier submission of the same bytes, with a fresh status link for
    this uploader (whoever holds the same file may follow its decision)."""
    with db.session() as session:
        submission = session.scalar(select(Submission).where(Submission.sha256 == sha256))
        if submission is None:
            return None
        token = add_status_link(session, submission.id, api_token_id)
        return Accepted(submission.id, references_of(session, submission.id), True, token)


def add_status_link(session: Session, submission_id: int, api_token_id: int | None = None) -> str:
    """A new status link to the submission, in the caller's transaction; its
    secret is returned once (only its hash is kept). A mail that carries a
    link gets a link of its own, made when the mail is queued."""
    token = new_token("st")
    session.add(
        StatusLink(
            token_hash=token_hash(token), submission_id=submission_id, api_token_id=api_token_id
        )
    )
    return token


def sent_by(session: Session, submission_id: int, api_token_id: int) -> bool:
    """Whether the API token uploaded this submission (or the same bytes)."""
    return (
        session.scalar(
            select(StatusLink.id)
            .where(
                StatusLink.submission_id == submission_id,
                StatusLink.api_token_id == api_token_id,
            )
            .limit(1)
        )
        is not None
    )


def submission_for_status_token(session: Session, token: str) -> Submission | None:
    """The submission a status link points at, or ``None``."""
    if not token or len(token) > 100:
        return None
    return session.scalar(
        select(Submission)
        .join(StatusLink, StatusLink.submission_id == Submission.id)
        .where(StatusLink.token_hash == token_hash(token))
    )


def references_of(session: Session, submission_id: int) -> tuple[str, ...]:
    """References of a submission's requests, in form order."""
    rows = session.scalars(
        select(Request.reference)
        .where(Request.submission_id == submission_id)
        .order_by(Request.form_index)
    )
    return tuple(r for r in rows if r)


def _clean_filename(filename: str) -> str:
    """The requester's file name as display text only: no path, no control
    or bidi characters, at most 255 characters.

    >>> _clean_filename("../../etc/passwd\\x00.pdf")
    'passwd.pdf'
    """
    return display_filename(filename)


def _rejected_reference(session: Session, reference: str | None) -> str | None:
    """``reference`` when it names a rejected request, else ``None``."""
    reference = (reference or "").strip().upper()
    if not reference or len(reference) > 32:
        return None
    found = session.scalar(
        select(Request.reference).where(
            Request.reference == reference, Request.status == Status.REJECTED
        )
    )
    return found
