"""Processing one submission: claim it, read it, verify each form, decide.

The steps, each with a plain input and output:

1. :func:`claim` — a conditional UPDATE moves the submission from
   ``received`` to ``processing`` with a fresh claim token; only one worker
   can win it.
2. reading — ``intake.reading.read_document``, run in a bounded child process
   (``intake.sandbox``), turns the stored file into zero or more forms
   (outside any transaction: it may be slow).
3. :func:`decide` — one transaction that first fences the claim (a stale
   worker whose lease ran out finds its token gone and writes nothing), then
   verifies each form against the directory, records the outcome, applies
   the role when the outcome is ``applied`` and writes the audit trail.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from intake import audit, outbox, oversight
from intake.db import Database
from intake.directory import SqlDirectory
from intake.grants import apply_action, lock_organisation
from intake.models import Request, Status, Submission, SubmissionState, utcnow
from intake.reading import FIELD_KEYS, DocumentReading, PdfUnreadable, ReadError, ReadLimits
from intake.sandbox import PendingRead, SandboxLimits, begin_bounded
from intake.storage import FileStore
from intake.submissions import make_reference
from verification.reasons import Finding, Outcome, ReasonCode
from verification.reasons import decide as outcome_of
from verification.rules import verify
from verification.text import render

log = logging.getLogger(__name__)


class ClaimLost(Exception):
    """Another worker took this submission over; this one must write nothing."""


@dataclass(frozen=True)
class Claim:
    submission_id: int
    token: str
    #: 1 on the first try; counts every claim of this submission.
    attempt: int = 1


def claim(db: Database, submission_id: int) -> Claim | None:
    """Take a received submission for processing, or ``None`` if another
    worker has it (or it is done)."""
    token = str(uuid.uuid4())
    with db.session() as session:
        attempt = session.execute(
            update(Submission)
            .where(Submission.id == submission_id, Submission.state == SubmissionState.RECEIVED)
            .values(
                state=SubmissionState.PROCESSING,
                claim_token=token,
                claimed_at=utcnow(),
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
        )
    return Claim(submission_id, token, attempt)


def hand_back(session: Session, submission_id: int, token: str | None) -> bool:
    """Put a claimed submission back to ``received`` if ``token`` still holds
    its claim (in the caller's transaction); returns whether it did."""
    result = session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.claim_token == token)
        .values(state=SubmissionState.RECEIVED, claim_token=None, claimed_at=None)
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
    db: Database,
    store: FileStore,
    submission_id: int,
    limits: ReadLimits,
    *,
    quarantine_after: int = 3,
    sandbox: SandboxLimits | None = None,
    sample_share: float = 0.0,
) -> list[str] | None:
    """Claim, read and decide one submission: what a worker does with a
    message. Returns its references, or ``None`` if it was not ours to take.

    The file goes to the reader child *before* the claim is committed, so
    the claim's round trip to the database overlaps the reading. On an
    unexpected error the claim is given back (and the error re-raised) so
    the submission is tried again.
    """
    with db.session() as session:
        row = session.execute(
            select(Submission.stored_name, Submission.state).where(Submission.id == submission_id)
        ).one_or_none()
    if row is None or row.state != SubmissionState.RECEIVED:
        return None
    pending = begin_bounded(store.path(row.stored_name), limits, sandbox)
    work = claim(db, submission_id)
    if work is None:
        pending.discard()
        return None
    try:
        return _read_and_decide(db, work, pending, quarantine_after, sample_share)
    except ClaimLost:
        raise
    except Exception as exc:
        release(db, work, repr(exc))
        raise


def process(
    db: Database,
    store: FileStore,
    work: Claim,
    limits: ReadLimits,
    *,
    quarantine_after: int = 3,
    sandbox: SandboxLimits | None = None,
    sample_share: float = 0.0,
) -> list[str]:
    """Read and decide a submission already claimed; returns its references."""
    with db.session() as session:
        stored_name = session.get_one(Submission, work.submission_id).stored_name
    pending = begin_bounded(store.path(stored_name), limits, sandbox)
    return _read_and_decide(db, work, pending, quarantine_after, sample_share)


def _read_and_decide(
    db: Database, work: Claim, pending: PendingRead, quarantine_after: int, sample_share: float
) -> list[str]:
    """A file already tried ``quarantine_after`` times (each time its reader
    crashed or its worker died) is not read again: it is rejected as
    unreadable and set aside. ``ReaderCrashed`` propagates."""
    reading: DocumentReading | ReadError
    if work.attempt > quarantine_after:
        pending.discard()
        reading = PdfUnreadable(
            f"The file stopped the reader {work.attempt - 1} times, so it was set aside "
            "unread. Send the form again as a new PDF."
        )
    else:
        try:
            reading = pending.result()
        except ReadError as error:
            reading = error
    return decide(db, work, reading, sample_share=sample_share)


def decide(
    db: Database, work: Claim, reading: DocumentReading | ReadError, *, sample_share: float = 0.0
) -> list[str]:
    """Record the decision for every form in one transaction (see module doc).

    An applied request is sampled for a caseworker's second look with
    probability ``sample_share``.
    """
    with db.session() as session:
        received_on = session.execute(
            update(Submission)
            .where(
                Submission.id == work.submission_id,
                Submission.state == SubmissionState.PROCESSING,
                Submission.claim_token == work.token,
            )
            .values(
                state=SubmissionState.DONE,
                page_count=None if isinstance(reading, ReadError) else reading.page_count,
            )
            .returning(Submission.received_on)
        ).scalar_one_or_none()
        if received_on is None:
            raise ClaimLost(f"submission {work.submission_id} was taken over")
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
            _finish_unread(session, first, [finding], **cause)
        elif not reading.forms:
            code = (
                ReasonCode.OCR_UNAVAILABLE if reading.ocr_unavailable else ReasonCode.FORM_NOT_FOUND
            )
            _finish_unread(session, first, [Finding(code)])
        else:
            for index, form in enumerate(reading.forms):
                request = first if index == 0 else _new_request(session, first, index, received_on)
                if index:
                    decided.append(request)
                _verify_form(session, received_on, request, form, reading, sample_share)
        return [r.reference for r in decided if r.reference]


def _new_request(session: Session, first: Request, index: int, received_on: dt.date) -> Request:
    """Another form in the same file as ``first``: a request of its own."""
    request = Request(submission_id=first.submission_id, form_index=index, status=Status.PROCESSING)
    session.add(request)
    session.flush()
    request.reference = make_reference(request, received_on)
    audit.record(
        session,
        "received",
        actor="worker",
        submission_id=first.submission_id,
        request_id=request.id,
        note=f"form {index + 1} in the same file",
    )
    return request


def _finish_unread(
    session: Session, request: Request, findings: list[Finding], **detail: str
) -> None:
    request.fields = {key: None for key in FIELD_KEYS}
    request.confidence = {}
    reasons = [render(f).as_dict() for f in findings]
    _record_outcome(session, request, outcome_of(findings), reasons, **detail)


def _verify_form(session, received_on, request, form, reading, sample_share: float) -> None:
    values = {key: form.value(key) for key in FIELD_KEYS}
    confidence = {key: form.fields[key].confidence for key in FIELD_KEYS if key in form.fields}
    org_code = values.get("org_code")
    if isinstance(org_code, str) and org_code.strip():
        lock_organisation(session, org_code.strip().upper())
    verdict = verify(
        values,
        confidence,
        received=received_on,
        directory=SqlDirectory(session),
        reference=request.reference,
    )
    findings = list(verdict.findings)
    reasons = [r.as_dict() for r in verdict.reasons]
    if reading.ocr_unavailable:
        extra = Finding(ReasonCode.OCR_UNAVAILABLE)
        findings.append(extra)
        reasons.append(render(extra).as_dict())
    request.fields = verdict.fields
    request.confidence = verdict.confidence
    request.pages = list(form.pages)
    request.org_code = _str(verdict.fields.get("org_code"))
    request.role_code = _str(verdict.fields.get("role"))
    request.nominee_email = _str(verdict.fields.get("nominee_email"))
    request.requester_email = _str(verdict.fields.get("requester_email"))
    outcome = outcome_of(findings)
    notes = _reading_notes(reading.warnings, form.pages)
    _record_outcome(session, request, outcome, reasons, method=form.method, **notes)
    if outcome is Outcome.APPLIED:
        if verdict.action is None:  # pragma: no cover - verify always plans an applied request
            raise RuntimeError(f"{request.reference}: applied without an action")
        apply_action(session, request, verdict.action, actor="worker")
        oversight.maybe_sample(session, request, sample_share)


def _record_outcome(session, request: Request, outcome: Outcome, reasons, **detail) -> None:
    request.status = Status(outcome.value)
    request.reasons = reasons
    request.decided_at = utcnow()
    request.decided_by = "system"
    session.flush()
    audit.record(
        session,
        f"decided {outcome.value}",
        actor="worker",
        submission_id=request.submission_id,
        request_id=request.id,
        codes=[r["code"] for r in reasons],
        **detail,
    )
    outbox.queue_outcome_mail(session, request)


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


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
