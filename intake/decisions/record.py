"""Recording a decision: the one way a request's outcome is written.

The pipeline (a decision made by the rules) and a caseworker's review both
come here, so every decision sets the same columns, writes one audit event,
queues one outcome mail and, when it applies a role, makes the grant, all
in the caller's transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from intake import audit
from intake.db import utcnow
from intake.decisions.grants import apply_action
from intake.mail import outbox
from intake.submissions.models import Request, Status
from verification.rules import GrantAction


def record_decision(
    session: Session,
    request: Request,
    status: Status,
    *,
    decided_by: str,
    actor: str,
    event: str,
    reasons: list[dict[str, Any]] | None = None,
    note: str | None = None,
    action: GrantAction | None = None,
    **detail: Any,
) -> None:
    """Decide ``request``: its status, who decided and when (``decided_by``:
    ``"system"`` or the caseworker), the reasons (kept as they are when
    ``None``) and a caseworker's ``note``; then the audit event ``event`` by
    ``actor`` with the note and ``detail``, the outcome mail, and for
    ``applied`` the grant ``action``."""
    if status is Status.APPLIED and action is None:
        raise RuntimeError(f"{request.reference}: applied without a grant to make")
    request.status = status
    if reasons is not None:
        request.reasons = reasons
    if note is not None:
        request.decision_note = note
        detail = {"note": note, **detail}
    request.decided_at = utcnow()
    request.decided_by = decided_by
    session.flush()
    audit.record(
        session,
        event,
        actor=actor,
        submission_id=request.submission_id,
        request_id=request.id,
        **detail,
    )
    outbox.queue_outcome_mail(session, request)
    if action is not None:
        apply_action(session, request, action, actor=actor)
