"""The append-only audit trail: its table, and writing to it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from intake.db import Base, utcnow


class AuditEvent(Base):
    """Append-only trail: who did what to a submission or request, and when."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    actor: Mapped[str] = mapped_column(String(120))  # "system", "worker", a caseworker
    event: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_audit_request", "request_id", "id"),
        Index("ix_audit_submission", "submission_id", "id"),
    )


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
