"""Writing to the append-only audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from intake.models import AuditEvent


def record(
    session: Session,
    event: str,
    *,
    actor: str = "system",
    submission_id: int | None = None,
    request_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add one audit event to the session's transaction (it commits with it)."""
    entry = AuditEvent(
        event=event,
        actor=actor,
        submission_id=submission_id,
        request_id=request_id,
        detail=detail or None,
    )
    session.add(entry)
    return entry
