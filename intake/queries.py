"""Reading requests back out, in the shape of SPEC §6."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from intake.models import AuditEvent, Request
from intake.reading import FIELD_KEYS


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
