"""Claiming review cases, so two caseworkers do not work one case unawares.

A caseworker claims a case in review; the queue and the case's page show
who has it. Another caseworker can still open it, and must take it over
(recorded) before deciding it. A decision ends the claim.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from intake import audit
from intake.db import Database, utcnow
from intake.submissions.models import Request, Status


class CaseRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Claimed:
    reference: str
    owner: str | None


def claim(db: Database, reference: str, *, actor: str, take_over: bool = False) -> Claimed:
    """Claim the review case ``reference`` for ``actor``. A case another
    caseworker has is refused unless ``take_over``; both are audited."""
    with db.session() as session:
        request = session.scalars(
            select(Request).where(Request.reference == reference).with_for_update()
        ).one_or_none()
        if request is None or request.status != Status.REVIEW:
            raise CaseRefused(f"{reference} is not waiting for a caseworker.")
        previous = request.case_owner
        if previous == actor:
            return Claimed(reference, actor)
        if previous and not take_over:
            raise CaseRefused(f"{previous} is working on {reference}: take it over to work on it.")
        request.case_owner = actor
        request.case_claimed_at = utcnow()
        audit.record(
            session,
            "case taken over" if previous else "case claimed",
            actor=actor,
            submission_id=request.submission_id,
            request_id=request.id,
            **({"from": previous} if previous else {}),
        )
        return Claimed(reference, actor)


def release(db: Database, reference: str, *, actor: str) -> Claimed:
    """Give back a case ``actor`` holds."""
    with db.session() as session:
        request = session.scalars(
            select(Request).where(Request.reference == reference).with_for_update()
        ).one_or_none()
        if request is None or request.case_owner != actor:
            raise CaseRefused(f"You are not working on {reference}.")
        request.case_owner = None
        request.case_claimed_at = None
        audit.record(
            session,
            "case released",
            actor=actor,
            submission_id=request.submission_id,
            request_id=request.id,
        )
        return Claimed(reference, None)

