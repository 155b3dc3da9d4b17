"""Small builders shared by the intake tests: a valid form, a reading of it,
a submitted file, and counts of what the database holds."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import func, select

from intake.directory.models import RoleHolder
from intake.reading import DocumentReading, FieldReading, FormReading
from intake.submissions.models import Request
from intake.submissions.services import accept

RECEIVED = dt.date(2026, 11, 20)

#: Applied against ``tests.intake.directory.test_directory.FILES``: an active GP partner
#: at A81001 nominates active staff for GPP_UA.
GOOD_FORM = {
    "org_name": "Riverside Surgery",
    "org_code": "A81001",
    "role": "GPP Practice User Administrator",
    "request_type": "New",
    "nominee_name": "Tom Reed",
    "nominee_email": "tom.reed@nhs.net",
    "nominee_job_title": "Salaried GP",
    "requester_name": "Tom Reed",
    "requester_email": "tom.reed@nhs.net",
    "authoriser_name": "Dr Sarah Collins",
    "authoriser_email": "sarah.collins@nhs.net",
    "authoriser_capacity": "GP Partner",
    "icb_code": None,
    "signature": True,
    "date_signed": "01/11/2026",
    "declaration": True,
}

_unique = itertools.count()


def reading_of(*forms: dict, confidence: dict[str, float] | None = None) -> DocumentReading:
    """A reading holding these forms (every value at full confidence unless told)."""
    confidence = confidence or {}
    return DocumentReading(
        forms=tuple(
            FormReading(
                fields={k: FieldReading(v, confidence.get(k, 1.0)) for k, v in form.items()},
                pages=(0,),
                method="text",
            )
            for form in forms
        ),
        page_count=1,
    )


def submit(service, data: bytes | None = None) -> int:
    """Accept a file (distinct bytes each call unless given) and return its id."""
    data = data or f"%PDF-1.4 test {next(_unique)}".encode()
    return accept(
        service.db,
        service.store,
        data,
        filename="f.pdf",
        channel="cli",
        received_on=RECEIVED,
        max_bytes=10**6,
    ).submission_id


def requests_of(service, submission_id: int) -> list[Request]:
    with service.db.session() as session:
        return list(
            session.scalars(
                select(Request)
                .where(Request.submission_id == submission_id)
                .order_by(Request.form_index)
            )
        )


def grants(service, **where: str) -> int:
    """How many role holder rows this service granted (optionally filtered)."""
    query = select(func.count()).select_from(RoleHolder).where(RoleHolder.source == "intake")
    for column, value in where.items():
        query = query.where(getattr(RoleHolder, column) == value)
    with service.db.session() as session:
        return session.scalar(query)
