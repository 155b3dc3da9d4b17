"""A caseworker's decision on a request in review, through the same apply path.

Applying re-runs every rule against today's directory with the values the
caseworker confirmed (read values, plus any corrections) at full confidence,
so a rule that a low-confidence field had hidden runs now. A hard limit
(GPP_ADMIN_LIMIT, PL_ADMIN_LIMIT, ORG_CLOSED, ROLE_NOT_UA) or any other reject
reason refuses the apply; review reasons are what the caseworker overrides
with their note. When another decision changes the organisation's holders
between the checks and the write, the database refuses the write and the
decision is made again on what is there now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.db import Database
from intake.decisions.grants import lock_organisation
from intake.decisions.record import record_decision
from intake.directory.queries import SqlDirectory
from intake.reading import FIELD_KEYS
from intake.submissions.models import Request, Status
from verification.reasons import HARD_LIMITS, Outcome
from verification.rules import GrantAction, verify
from verification.text import Reason


class ReviewRefused(Exception):
    """The decision cannot be made; ``reasons`` says why in plain English."""

    def __init__(self, message: str, reasons: tuple[Reason, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.reasons = reasons


@dataclass(frozen=True)
class ReviewDecision:
    reference: str
    status: str


def decide_review(
    db: Database,
    reference: str,
    *,
    decision: str,
    note: str,
    actor: str,
    corrections: Mapping[str, object] | None = None,
    message: str | None = None,
) -> ReviewDecision:
    """Apply or reject a request that is in ``review``.

    ``decision`` is ``"apply"`` or ``"reject"``; ``note`` is mandatory and
    private to PCSE (the audit trail); ``message``, if any, is what the
    requester is told with the decision. Raises :class:`ReviewRefused` (and
    changes nothing) when the request is not in review, the note is empty,
    another caseworker has claimed the case, or applying would pass a reject
    reason. A decision ends the case's claim.
    """
    if decision not in ("apply", "reject"):
        raise ValueError(f"decision must be apply or reject, not {decision!r}")
    note = (note or "").strip()
    if not note:
        raise ReviewRefused("A note is required: say why you are making this decision.")
    unknown = set(corrections or {}) - set(FIELD_KEYS)
    if unknown:
        raise ReviewRefused(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    for attempt in (1, 2):
        try:
            return _decide(db, reference, decision, note, actor, corrections or {}, message)
        except IntegrityError:
            # Another decision took the place (or granted this nominee) between
            # our checks and our write: decide again on what is there now.
            if attempt == 2:
                raise ReviewRefused(
                    f"{reference}: another decision changed this organisation's role "
                    "holders at the same moment; try again."
                ) from None
    raise AssertionError("unreachable")


def _decide(
    db: Database,
    reference: str,
    decision: str,
    note: str,
    actor: str,
    corrections: Mapping[str, object],
    message: str | None = None,
) -> ReviewDecision:
    with db.session() as session:
        # The first statement is a write: it guards against a second
        # decision and takes SQLite's writer lock before anything is read.
        taken = session.execute(
            update(Request)
            .where(Request.reference == reference, Request.status == Status.REVIEW)
            .values(decided_by=actor)
        )
        if taken.rowcount != 1:
            raise ReviewRefused(f"{reference} is not waiting for a caseworker.")
        request = session.scalars(select(Request).where(Request.reference == reference)).one()
        if request.case_owner and request.case_owner != actor:
            raise ReviewRefused(
                f"{request.case_owner} is working on this case: take it over before deciding it."
            )
        request.case_owner = request.case_claimed_at = None  # decided: nobody's case now
        request.requester_message = (message or "").strip() or None
        if decision == "reject":
            _finish(session, request, Status.REJECTED, note, actor)
            return ReviewDecision(reference, Status.REJECTED)
        values = {**(request.fields or {}), **corrections}
        lock_organisation(session, values.get("org_code"))
        verdict = verify(
            values,
            {key: 1.0 for key in FIELD_KEYS},
            received=request.submission.received_on,
            directory=SqlDirectory(session),
            reference=request.reference,
        )
        blocking = tuple(
            reason
            for finding, reason in zip(verdict.findings, verdict.reasons, strict=True)
            if finding.code in HARD_LIMITS or finding.code.outcome is Outcome.REJECTED
        )
        if blocking:
            hard = [r.code for r in blocking if r.code in HARD_LIMITS]
            raise ReviewRefused(
                "This request cannot be applied: "
                + ("a hard limit applies" if hard else "a rule rejects it")
                + f" ({', '.join(r.code for r in blocking)}).",
                blocking,
            )
        # What the form said, kept beside each correction in the audit event.
        read = {key: (request.fields or {}).get(key) for key in corrections}
        if corrections:
            request.set_fields(verdict.fields)
        _finish(
            session,
            request,
            Status.APPLIED,
            note,
            actor,
            action=verdict.action,
            corrections={
                key: {"read": read[key], "corrected": verdict.fields.get(key, value)}
                for key, value in corrections.items()
            },
        )
        return ReviewDecision(reference, Status.APPLIED)


def _finish(
    session: Session,
    request: Request,
    status: Status,
    note: str,
    actor: str,
    *,
    action: GrantAction | None = None,
    **detail: object,
) -> None:
    record_decision(
        session,
        request,
        status,
        decided_by=actor,
        actor=actor,
        event=f"caseworker {'applied' if status == Status.APPLIED else 'rejected'}",
        note=note,
        action=action,
        **{k: v for k, v in detail.items() if v},
    )
