"""The dashboard's request list as CSV: every request a filter matches.

Rows are read a batch at a time by the list's own keyset paging (newest
first) and written as text a batch at a time, so a download of 100,000
requests holds one batch in memory. A cell a spreadsheet would take for a
formula is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from intake.db import aware
from intake.submissions.models import OPEN_STATUSES, Request
from intake.submissions.queries import RequestFilter, list_requests

COLUMNS = (
    "Reference",
    "Status",
    "Received",
    "Channel",
    "Organisation code",
    "Organisation name",
    "Role",
    "Request type",
    "Nominee name",
    "Nominee email",
    "Authoriser name",
    "Authoriser email",
    "Authoriser capacity",
    "Reason codes",
    "Decided at",
    "Decided by",
    "File name",
)

#: Rows read and written at a time.
BATCH = 1_000

#: What a spreadsheet reads as the start of a formula (OWASP's list).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_UK = ZoneInfo("Europe/London")


def safe_cell(value: object) -> str:
    """A value as CSV text a spreadsheet shows and never runs.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell("@SUM(A1)"), safe_cell(None), safe_cell("Riverside")
    ("'@SUM(A1)", '', 'Riverside')
    """
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def request_row(request: Request) -> list[str]:
    """One request as the cells of :data:`COLUMNS` (made safe)."""
    fields = request.fields or {}
    file = request.submission
    decided = request.status not in OPEN_STATUSES and request.decided_at is not None
    values = (
        request.reference,
        request.status,
        file.received_on.isoformat(),
        file.channel,
        request.org_code,
        fields.get("org_name"),
        fields.get("role"),
        fields.get("request_type"),
        fields.get("nominee_name"),
        fields.get("nominee_email"),
        fields.get("authoriser_name"),
        fields.get("authoriser_email"),
        fields.get("authoriser_capacity"),
        "; ".join(r.get("code", "") for r in request.reasons or ()),
        _uk_time(request) if decided else None,
        request.decided_by if decided else None,
        file.original_filename,
    )
    return [safe_cell(v) for v in values]


def _uk_time(request: Request) -> str:
    assert request.decided_at is not None
    return aware(request.decided_at).astimezone(_UK).isoformat(timespec="seconds")


def csv_chunks(
    session: Session, filters: RequestFilter, *, batch: int | None = None
) -> Iterator[str]:
    """The CSV text of every request ``filters`` match, newest first: the
    header, then one chunk per batch of rows (:data:`BATCH` unless given)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield buffer.getvalue()
    before: int | None = None
    while True:
        page = list_requests(session, filters, before=before, size=batch or BATCH)
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(request_row(request) for request in page.rows)
        yield buffer.getvalue()
        # Nothing is kept between batches: memory stays that of one batch.
        session.expunge_all()
        if page.older is None:
            return
        before = page.older
