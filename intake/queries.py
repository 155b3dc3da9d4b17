"""Reading requests back out: SPEC §6 shapes, the dashboard's list and queues.

The dashboard list pages by keyset (``id`` descending, ``before``/``after``
an id) so the thousandth page costs what the first does; the exception
queue is oldest first. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Text, cast, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from intake.models import AuditEvent, Request, Status, Submission
from intake.reading import FIELD_KEYS

#: A whole reference typed into the search box is looked up exactly.
_REFERENCE = re.compile(r"UA-\d{4}-\d{6,}")


def request_as_dict(request: Request) -> dict[str, Any]:
    """``{"reference", "status", "reasons", "fields", "confidence", "source_file"}``."""
    fields = request.fields or {key: None for key in FIELD_KEYS}
    return {
        "reference": request.reference,
        "status": request.status,
        "reasons": [
            {k: reason.get(k) for k in ("code", "field", "message", "action")}
            for reason in (request.reasons or [])
        ],
        "fields": {key: fields.get(key) for key in FIELD_KEYS},
        "confidence": dict(request.confidence or {}),
        "source_file": request.submission.original_filename,
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
    just newer; each is one index range scan, whatever the page's depth.
    """
    query = _filtered(filters)
    if after is not None:
        rows = list(
            session.scalars(
                query.where(Request.id > after).order_by(Request.id.asc()).limit(size + 1)
            )
        )
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        newer = rows[0].id if rows and more_newer else None
        return RequestPage(rows, newer, rows[-1].id if rows else None)
    if before is not None:
        query = query.where(Request.id < before)
    rows = list(session.scalars(query.order_by(Request.id.desc()).limit(size + 1)))
    more_older = len(rows) > size
    rows = rows[:size]
    older = rows[-1].id if rows and more_older else None
    newer = rows[0].id if rows and before is not None else None
    return RequestPage(rows, newer, older)


def _filtered(filters: RequestFilter) -> Select:
    query = (
        select(Request)
        .join(Request.submission)
        .options(contains_eager(Request.submission))
        .where(Request.reference.is_not(None))
    )
    if filters.status:
        query = query.where(Request.status == filters.status)
    if filters.reason:
        query = query.where(has_reason(filters.reason))
    if filters.org_code:
        query = query.where(Request.org_code == filters.org_code.strip().upper())
    if filters.channel:
        query = query.where(Submission.channel == filters.channel)
    if filters.received_from:
        query = query.where(Submission.received_on >= filters.received_from)
    if filters.received_to:
        query = query.where(Submission.received_on <= filters.received_to)
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
    """Reference, organisation code, nominee email or nominee name."""
    text = text.strip()
    if _REFERENCE.fullmatch(text.upper()):
        return Request.reference == text.upper()
    needle = text.lower()
    nominee_name = func.lower(Request.fields["nominee_name"].as_string())
    return or_(
        func.lower(Request.reference).contains(needle, autoescape=True),
        func.lower(Request.org_code).contains(needle, autoescape=True),
        Request.nominee_email.contains(needle, autoescape=True),
        nominee_name.contains(needle, autoescape=True),
    )


def status_counts(session: Session) -> dict[str, int]:
    """How many requests are in each status (every status, zero included)."""
    query = select(Request.status, func.count()).group_by(Request.status)
    counts = {status: count for status, count in session.execute(query)}
    return {s.value: counts.get(s.value, 0) for s in Status}


# --- The exception queue --------------------------------------------------------


def review_queue(session: Session, *, after: int | None = None, size: int = 100) -> list[Request]:
    """Requests waiting for a caseworker, oldest first (``after`` an id to page on)."""
    query = (
        select(Request)
        .options(joinedload(Request.submission))
        .where(Request.status == Status.REVIEW)
        .order_by(Request.id.asc())
        .limit(size)
    )
    if after is not None:
        query = query.where(Request.id > after)
    return list(session.scalars(query))
