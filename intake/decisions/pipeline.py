"""Processing one submission: claim it, read it, verify each form, decide.

The steps, each with a plain input and output:

1. :func:`claim` — a conditional UPDATE moves the submission from
   ``received`` to ``processing`` with a fresh claim token; only one worker
   can win it.
2. reading — ``intake.reading.read_document``, run in a bounded child process
   (``intake.reading.sandbox``), turns the stored file into zero or more forms
   (outside any transaction: it may be slow).
3. :func:`conclude` — one transaction that first fences the claim (a stale
   worker whose lease ran out finds its token gone and writes nothing), then
   has each form judged by :func:`verification.rules.verify` (the one place
   an outcome is decided) and records the verdict through
   :func:`intake.decisions.record.record_decision` (the one recorder, which
   also writes the audit trail, the outcome mail and the grant).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from intake import audit, workers
from intake.db import Database, aware, utcnow
from intake.decisions import oversight
from intake.decisions.grants import lock_organisation
from intake.decisions.record import record_decision
from intake.directory.queries import SqlDirectory
from intake.reading import (
    FIELD_KEYS,
    DocumentReading,
    FormReading,
    PdfUnreadable,
    ReadError,
    TooHeavy,
)
from intake.reading.sandbox import PendingRead, begin_bounded
from intake.service import Intake
from intake.submissions.models import Request, Status, Submission, SubmissionState
from intake.submissions.services import new_request
from verification.reasons import Finding, Outcome, ReasonCode
from verification.rules import Verdict, unread, verify

log = logging.getLogger(__name__)


class ClaimLost(Exception):
    """Another worker took this submission over; this one must write nothing."""


@dataclass(frozen=True)
class Claim:
    submission_id: int
    token: str
    #: 1 on the first try; counts every claim of this submission.
    attempt: int = 1


def claim(db: Database, submission_id: int, worker: str | None = None) -> Claim | None:
    """Take a submission for processing as ``worker`` (its heartbeat's name),
    or ``None`` if another worker has it (or it is done). A submission
    claimed by a worker whose heartbeat has stopped is taken over."""
    token = str(uuid.uuid4())
    now = utcnow()
    with db.session() as session:
        attempt = session.execute(
            update(Submission)
            .where(
                Submission.id == submission_id,
                or_(
                    Submission.state == SubmissionState.RECEIVED,
                    workers.abandoned_claim(now),
                ),
            )
            .values(
                state=SubmissionState.PROCESSING,
                claim_token=token,
                claimed_at=now,
                claimed_by=worker,
                attempts=Submission.attempts + 1,
            )
            .returning(Submission.attempts)
        ).scalar_one_or_none()
        if attempt is None:
            return None
        session.execute(
            update(Request)
            .where(Request.submission_id == submission_id, Request.status == Status.RECEIVED)
            .values(status=Status.PROCESSING)
        )
        audit.record(
            session,
            "processing started",
            actor="worker",
            submission_id=submission_id,
            attempt=attempt,
            **({"worker": worker} if worker else {}),
        )
    return Claim(submission_id, token, attempt)


def hand_back(
    session: Session, submission_id: int, token: str | None, *, heavy: bool = False
) -> bool:
    """Put a claimed submission back to ``received`` if ``token`` still holds
    its claim (in the caller's transaction); returns whether it did. With
    ``heavy`` it goes to the heavy lane, and this try does not count as one."""
    lane = {"heavy": True, "attempts": Submission.attempts - 1} if heavy else {}
    result = session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.claim_token == token)
        .values(
            state=SubmissionState.RECEIVED,
            claim_token=None,
            claimed_at=None,
            claimed_by=None,
            **lane,
        )
    )
    if result.rowcount != 1:
        return False
    session.execute(
        update(Request)
        .where(Request.submission_id == submission_id, Request.status == Status.PROCESSING)
        .values(status=Status.RECEIVED)
    )
    return True


def release(db: Database, work: Claim, error: str) -> None:
    """Give a claimed submission back (after an unexpected error) so that it
    is tried again; the error goes into the audit trail."""
    with db.session() as session:
        if hand_back(session, work.submission_id, work.token):
            audit.record(
                session,
                "processing failed",
                actor="worker",
                submission_id=work.submission_id,
                error=error[:500],
            )


def handle(
    service: Intake,
    submission_id: int,
    worker: str | None = None,
    *,
    heavy_lane: Callable[[int], None] | None = None,
) -> list[str] | None:
    """Claim, read and decide one submission: what ``worker`` does with a
    message. Returns its references, or ``None`` if it was not ours to take
    (or it went to the heavy lane).

    With ``heavy_lane`` this is the fast lane: a file the reader finds
    :class:`~intake.reading.TooHeavy` (it needs OCR, holds far more drawing
    than a form, or is not read within ``fast_read_s``) is handed back,
    marked heavy, and passed to ``heavy_lane(submission_id)`` once that is
    committed; so is a file already marked heavy, unread. Without it, every
    file is read here, however long it takes (up to the reader's bounds).

    The file goes to the reader child (bounded by ``service.sandbox`` and
    ``service.limits``) *before* the claim is committed, so the claim's
    round trip to the database overlaps the reading. A submission another
    worker claimed is taken over only if that worker has stopped beating
    (a message sent again after it died), and then read after the claim.
    On an unexpected error
    the claim is given back (and the error re-raised) so the submission is
    tried again. A file already tried ``quarantine_after`` times (each time
    its reader crashed or its worker died) is not read again: it is
    rejected as unreadable and set aside. ``ReaderCrashed`` propagates.
    """
    db, settings = service.db, service.settings
    with db.session() as session:
        row = session.execute(
            select(Submission.stored_name, Submission.state, Submission.heavy).where(
                Submission.id == submission_id
            )
        ).one_or_none()
    if row is None or row.state == SubmissionState.DONE:
        return None
    fast = heavy_lane is not None
    if fast and row.heavy:
        heavy_lane(submission_id)
        return None
    limits = dataclasses.replace(service.limits, heavy=not fast)

    def begin() -> PendingRead:
        path = service.store.path(row.stored_name)
        return begin_bounded(path, limits, service.sandbox, settings.fast_read_s if fast else None)

    started = time.monotonic()
    if row.state == SubmissionState.RECEIVED:
        pending = begin()
        work = claim(db, submission_id, worker)
        if work is None:
            pending.discard()
            return None
    else:
        work = claim(db, submission_id, worker)
        if work is None:
            return None
        pending = begin()
    try:
        try:
            reading = _reading(work, pending, settings.quarantine_after)
        except TooHeavy as too_heavy:
            _to_the_heavy_lane(db, work, too_heavy.message)
            assert heavy_lane is not None  # only the fast lane reads with heavy=False
            heavy_lane(submission_id)
            return None
        read_seconds = time.monotonic() - started
        return conclude(
            db, work, reading, sample_share=settings.sample_share, read_seconds=read_seconds
        )
    except ClaimLost:
        raise
    except Exception as exc:
        release(db, work, repr(exc))
        raise


def _to_the_heavy_lane(db: Database, work: Claim, why: str) -> None:
    with db.session() as session:
        if hand_back(session, work.submission_id, work.token, heavy=True):
            audit.record(
                session,
                "sent to the heavy lane",
                actor="worker",
                submission_id=work.submission_id,
                why=why,
            )


def _reading(
    work: Claim, pending: PendingRead, quarantine_after: int
) -> DocumentReading | ReadError:
    if work.attempt > quarantine_after:
        pending.discard()
        return PdfUnreadable(
            f"The file stopped the reader {work.attempt - 1} times, so it was set aside "
            "unread. Send the form again as a new PDF."
        )
    try:
        return pending.result()
    except ReadError as error:
        return error


def conclude(
    db: Database,
    work: Claim,
    reading: DocumentReading | ReadError,
    *,
    sample_share: float = 0.0,
    read_seconds: float | None = None,
) -> list[str]:
    """Record the decision for every form in one transaction (see module doc).

    An applied request is sampled for a caseworker's second look with
    probability ``sample_share``. ``read_seconds`` (how long the reading
    took) and each request's wait since the file was accepted are kept for
    the service's metrics.
    """
    with db.session() as session:
        fenced = session.execute(
            update(Submission)
            .where(
                Submission.id == work.submission_id,
                Submission.state == SubmissionState.PROCESSING,
                Submission.claim_token == work.token,
            )
            .values(
                state=SubmissionState.DONE,
                page_count=None if isinstance(reading, ReadError) else reading.page_count,
                read_seconds=read_seconds,
            )
            .returning(Submission.received_on, Submission.received_at)
        ).one_or_none()
        if fenced is None:
            raise ClaimLost(f"submission {work.submission_id} was taken over")
        received_on, received_at = fenced
        accepted = aware(received_at)
        first = session.scalars(
            select(Request).where(
                Request.submission_id == work.submission_id, Request.form_index == 0
            )
        ).one()
        decided = [first]
        if isinstance(reading, ReadError):
            cause = {"cause": reading.cause} if reading.cause else {}
            if reading.cause:
                log.warning("submission %s unreadable: %s", work.submission_id, reading.cause)
            finding = Finding(ReasonCode(reading.code), detail=reading.message)
            _record_unread(session, first, finding, accepted, **cause)
        elif not reading.forms:
            code = (
                ReasonCode.OCR_UNAVAILABLE if reading.ocr_unavailable else ReasonCode.FORM_NOT_FOUND
            )
            _record_unread(session, first, Finding(code), accepted)
        else:
            for index, form in enumerate(reading.forms):
                if index:
                    request = new_request(
                        session,
                        work.submission_id,
                        index,
                        received_on,
                        status=Status.PROCESSING,
                        actor="worker",
                        note=f"form {index + 1} in the same file",
                    )
                    decided.append(request)
                else:
                    request = first
                _verify_form(session, received_on, accepted, request, form, reading, sample_share)
        return [r.reference for r in decided if r.reference]


def _record_unread(
    session: Session, request: Request, finding: Finding, accepted: dt.datetime, **detail: str
) -> None:
    verdict = unread((finding,))
    request.fields = verdict.fields
    request.confidence = verdict.confidence
    _record(session, request, verdict, accepted, **detail)


def _verify_form(
    session: Session,
    received_on: dt.date,
    accepted: dt.datetime,
    request: Request,
    form: FormReading,
    reading: DocumentReading,
    sample_share: float,
) -> None:
    values = {key: form.value(key) for key in FIELD_KEYS}
    confidence = {key: form.fields[key].confidence for key in FIELD_KEYS if key in form.fields}
    lock_organisation(session, values.get("org_code"))
    verdict = verify(
        values,
        confidence,
        received=received_on,
        directory=SqlDirectory(session),
        reference=request.reference,
        reading=(Finding(ReasonCode.OCR_UNAVAILABLE),) if reading.ocr_unavailable else (),
    )
    request.set_fields(verdict.fields)
    request.confidence = verdict.confidence
    request.pages = list(form.pages)
    notes = _reading_notes(reading.warnings, form.pages)
    _record(session, request, verdict, accepted, method=form.method, **notes)
    if verdict.outcome is Outcome.APPLIED:
        oversight.maybe_sample(session, request, sample_share)


def _record(
    session: Session, request: Request, verdict: Verdict, accepted: dt.datetime, **detail: object
) -> None:
    """Record the service's decision, and how long it came after the file
    was accepted."""
    request.decision_seconds = (utcnow() - accepted).total_seconds()
    reasons = [r.as_dict() for r in verdict.reasons]
    record_decision(
        session,
        request,
        Status(verdict.outcome.value),
        decided_by="system",
        actor="worker",
        event=f"decided {verdict.outcome.value}",
        reasons=reasons,
        action=verdict.action if verdict.outcome is Outcome.APPLIED else None,
        codes=[r["code"] for r in reasons],
        **detail,
    )


def _reading_notes(warnings: tuple[str, ...], pages: tuple[int, ...]) -> dict[str, list[str]]:
    """What the reader says of this form's pages ("page 2: turned 180°"),
    for the audit trail: a caseworker sees how the page was read.

    >>> _reading_notes(("page 1: turned 180°", "page 3: blank page"), (0, 1))
    {'reading': ['page 1: turned 180°']}
    >>> _reading_notes((), (0,))
    {}
    """
    own = {f"page {index + 1}" for index in pages}
    found = [w for w in warnings if w.partition(":")[0] in own or not w.startswith("page ")]
    return {"reading": found} if found else {}
