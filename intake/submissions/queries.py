"""Reading requests back out: SPEC §6 shapes, the dashboard's list and queues.

The dashboard list pages by keyset (``id`` descending, ``before``/``after``
an id) so the thousandth page costs what the first does; the exception
queue is oldest first. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Text, case, cast, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from intake.audit import AuditEvent
from intake.reading import FIELD_KEYS
from intake.submissions.filenames import display_filename
from intake.submissions.models import Request, Status, Submission
from intake.submissions.outcome import Correction, api_reasons, tell

#: A whole reference typed into the search box is looked up exactly.
_REFERENCE = re.compile(r"UA-\d{4}-\d{6,}")


def request_as_dict(
    request: Request, corrections: dict[str, Correction] | None = None
) -> dict[str, Any]:
    """``{"reference", "status", "reasons", "fields", "confidence",
    "source_file", "outcome"}``: SPEC §6's object, its reasons in the
    requester's words, and ``outcome``, what the requester is told (the same
    words as the status page and the mails: :func:`~intake.submissions.outcome.tell`).
    ``fields`` are the values the decision used (a caseworker's corrections
    included, and listed in ``outcome.corrections``)."""
    fields = request.fields or {key: None for key in FIELD_KEYS}
    told = tell(request, corrections)
    return {
        "reference": request.reference,
        "status": request.status,
        "reasons": api_reasons(told),
        "fields": {key: fields.get(key) for key in FIELD_KEYS},
        "confidence": dict(request.confidence or {}),
        "source_file": display_filename(request.submission.original_filename),
        "outcome": told.as_dict(),
    }


def by_reference(session: Session, reference: str) -> Request | None:
    """The request with this reference, with its submission loaded."""
    return session.scalar(
        select(Request)
        .options(joinedload(Request.submission))
        .where(Request.reference == reference)
    )


def for_submissions(session: Session, submission_ids: list[int]) -> list[Request]:
    """Every request of these submissions, in submission then form order."""
    return list(
        session.scalars(
            select(Request)
            .options(joinedload(Request.submission))
            .where(Request.submission_id.in_(submission_ids))
            .order_by(Request.submission_id, Request.form_index)
        )
    )


def audit_trail(session: Session, request: Request) -> list[AuditEvent]:
    """The request's events and its file's, oldest first."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(
                (AuditEvent.request_id == request.id)
                | (
                    (AuditEvent.submission_id == request.submission_id)
                    & AuditEvent.request_id.is_(None)
                )
            )
            .order_by(AuditEvent.id)
        )
    )


# --- The dashboard's request list ---------------------------------------------


@dataclass(frozen=True)
class RequestFilter:
    """What the caseworker narrowed the list to; ``None``/empty means any."""

    status: str | None = None
    reason: str | None = None
    org_code: str | None = None
    channel: str | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    q: str = ""


@dataclass(frozen=True)
class RequestPage:
    """One page of the list, newest first, and the cursors to its neighbours."""

    rows: list[Request]
    #: Pass as ``after`` for the page of newer requests (``None``: this is the newest).
    newer: int | None
    #: Pass as ``before`` for the page of older requests (``None``: this is the oldest).
    older: int | None


def list_requests(
    session: Session,
    filters: RequestFilter,
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = 50,
) -> RequestPage:
    """A page of requests matching ``filters``, ordered by id descending.

    ``before`` gives the page just older than that id, ``after`` the page
    just newer. The page's ids are found first (from indexes where a filter
    has one) and only those rows are then loaded, so neither the depth of
    the page nor the number of matching rows makes it slower to sort.
    """
    query = _filtered_ids(filters)
    if after is not None:
        ids = list(
            session.scalars(
                query.where(Request.id > after).order_by(Request.id.asc()).limit(size + 1)
            )
        )
        more_newer = len(ids) > size
        ids = ids[:size][::-1]
        return RequestPage(
            _load(session, ids), ids[0] if ids and more_newer else None, ids[-1] if ids else None
        )
    if before is not None:
        query = query.where(Request.id < before)
    ids = list(session.scalars(query.order_by(Request.id.desc()).limit(size + 1)))
    more_older = len(ids) > size
    ids = ids[:size]
    return RequestPage(
        _load(session, ids),
        ids[0] if ids and before is not None else None,
        ids[-1] if ids and more_older else None,
    )


def _load(session: Session, ids: list[int]) -> list[Request]:
    """The requests with these ids (and their submissions), in the order given."""
    if not ids:
        return []
    rows = session.scalars(
        select(Request).options(joinedload(Request.submission)).where(Request.id.in_(ids))
    )
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def _filtered_ids(filters: RequestFilter) -> Select:
    query = select(Request.id)
    if filters.status:
        query = query.where(Request.status == filters.status)
    if filters.reason:
        query = query.where(has_reason(filters.reason))
    if filters.org_code:
        query = query.where(Request.org_code == filters.org_code.strip().upper())
    if filters.channel:
        query = query.join(Submission, Submission.id == Request.submission_id).where(
            Submission.channel == filters.channel
        )
    if filters.received_from or filters.received_to:
        # From the submissions side: a date range is usually a small share of
        # a long history, which scanning requests newest first would not find fast.
        received = select(Submission.id)
        if filters.received_from:
            received = received.where(Submission.received_on >= filters.received_from)
        if filters.received_to:
            received = received.where(Submission.received_on <= filters.received_to)
        query = query.where(Request.submission_id.in_(received))
    if filters.q:
        query = query.where(_search(filters.q))
    return query


def has_reason(code: str):
    """A condition true when the request's reasons include ``code``.

    Reasons are a JSON list written by ``json.dumps``, so each code appears
    as ``"code": "<CODE>"``; inside a JSON string a quote is always escaped,
    so no message text can fake that. A LIKE on the text is portable and
    several times cheaper than unpacking the JSON of every row.
    """
    pattern = f'"code": "{code}"'
    return func.coalesce(cast(Request.reasons, Text), "").contains(pattern, autoescape=True)


def _search(text: str):
    """Reference, organisation code or name, any email (nominee, requester,
    authoriser, the file's sender), any name on the form, or the file name.

    A whole reference is looked up exactly. Anything else is a substring of
    the request's ``search_text`` (every one of those values, lower-cased,
    one a line), so wildcards are literal and case never matters.
    """
    text = text.strip()
    upper = text.upper()
    if _REFERENCE.fullmatch(upper):
        return Request.reference == upper
    return Request.search_text.contains(text.lower(), autoescape=True)


def status_counts(session: Session) -> dict[str, int]:
    """How many requests are in each status (every status, zero included)."""
    query = select(Request.status, func.count()).group_by(Request.status)
    counts = {status: count for status, count in session.execute(query)}
    return {s.value: counts.get(s.value, 0) for s in Status}


# --- The exception queue --------------------------------------------------------


def review_queue(session: Session, *, after: int | None = None, size: int = 100) -> list[Request]:
    """Requests waiting for a caseworker, oldest first (``after`` an id to page on)."""
    query = select(Request.id).where(Request.status == Status.REVIEW)
    if after is not None:
        query = query.where(Request.id > after)
    return _load(session, list(session.scalars(query.order_by(Request.id.asc()).limit(size))))


def service_counts(session: Session) -> dict[str, dict[str, int]]:
    """What the service has done, counted from its tables (so every process's
    work is in it): files received per channel, requests per status, and
    reason codes given, per code."""
    received = dict(
        session.execute(select(Submission.channel, func.count()).group_by(Submission.channel)).all()
    )
    statuses = dict(
        session.execute(select(Request.status, func.count()).group_by(Request.status)).all()
    )
    reasons: Counter[str] = Counter()
    for (given,) in session.execute(select(Request.reasons).where(Request.reasons.is_not(None))):
        reasons.update(reason.get("code", "") for reason in given or ())
    return {"received": received, "statuses": statuses, "reasons": dict(reasons)}


#: Upper bounds, in seconds, of the reading and decision time histograms.
DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)


@dataclass(frozen=True)
class Durations:
    """A histogram read from the tables: how many took at most each bound
    (cumulative), how many in all, and their sum in seconds."""

    buckets: tuple[tuple[float, int], ...]
    count: int
    total: float


def durations(session: Session) -> dict[str, Durations]:
    """How long files took to read, and requests to be decided after their
    file was accepted: one aggregate query each (no row is loaded)."""
    return {
        "read": _histogram(session, Submission.read_seconds),
        "decision": _histogram(session, Request.decision_seconds),
    }


def _histogram(session: Session, column: InstrumentedAttribute[float | None]) -> Durations:
    row = session.execute(
        select(
            func.count(column),
            func.coalesce(func.sum(column), 0.0),
            *(func.count(case((column <= bound, 1))) for bound in DURATION_BUCKETS),
        )
    ).one()
    count, total, *within = row
    return Durations(tuple(zip(DURATION_BUCKETS, within, strict=True)), count, float(total))
