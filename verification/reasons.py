"""Reason codes of SPEC §5, their outcomes, and the plain-English text for each.

Codes are short and stable (they go into the database and the API); the
message a caseworker reads and the action a requester must take live in a
separate table (``verification.text.TEXT``) so either can be reworded without touching a
rule.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Outcome(enum.StrEnum):
    """Final status of a request (also used for the effect of one reason)."""

    APPLIED = "applied"
    REJECTED = "rejected"
    REVIEW = "review"


class ReasonCode(enum.StrEnum):
    """Every reason code of SPEC §5."""

    NOT_A_PDF = "NOT_A_PDF"
    PDF_UNREADABLE = "PDF_UNREADABLE"
    FORM_NOT_FOUND = "FORM_NOT_FOUND"
    FIELD_MISSING = "FIELD_MISSING"
    FIELD_INVALID = "FIELD_INVALID"
    LOW_CONFIDENCE = "LOW_CONFIDENCE"
    OCR_UNAVAILABLE = "OCR_UNAVAILABLE"
    SIGNATURE_MISSING = "SIGNATURE_MISSING"
    DECLARATION_NOT_TICKED = "DECLARATION_NOT_TICKED"
    DATE_IN_FUTURE = "DATE_IN_FUTURE"
    FORM_TOO_OLD = "FORM_TOO_OLD"
    ROLE_NOT_UA = "ROLE_NOT_UA"
    ROLE_NOT_FOR_ORG_TYPE = "ROLE_NOT_FOR_ORG_TYPE"
    REQUEST_TYPE_NOT_ALLOWED = "REQUEST_TYPE_NOT_ALLOWED"
    ORG_UNKNOWN = "ORG_UNKNOWN"
    ORG_CLOSED = "ORG_CLOSED"
    ORG_NAME_MISMATCH = "ORG_NAME_MISMATCH"
    USER_ADMIN_EXISTS = "USER_ADMIN_EXISTS"
    GPP_ADMIN_LIMIT = "GPP_ADMIN_LIMIT"
    PL_ADMIN_LIMIT = "PL_ADMIN_LIMIT"
    NOMINEE_ALREADY_HOLDS_ROLE = "NOMINEE_ALREADY_HOLDS_ROLE"
    ROLE_HOLDER_NOT_FOUND = "ROLE_HOLDER_NOT_FOUND"
    NOMINEE_NOT_AT_ORG = "NOMINEE_NOT_AT_ORG"
    AUTHORISER_NOT_FOUND = "AUTHORISER_NOT_FOUND"
    AUTHORISER_INACTIVE = "AUTHORISER_INACTIVE"
    AUTHORISER_OTHER_ORG = "AUTHORISER_OTHER_ORG"
    AUTHORISER_CAPACITY_MISMATCH = "AUTHORISER_CAPACITY_MISMATCH"
    AUTHORISER_NAME_MISMATCH = "AUTHORISER_NAME_MISMATCH"
    ICB_NOT_ORG_ICB = "ICB_NOT_ORG_ICB"
    ICB_CONTACT_NOT_NAMED = "ICB_CONTACT_NOT_NAMED"
    ICB_NOT_PREFERRED = "ICB_NOT_PREFERRED"
    SELF_AUTHORISED = "SELF_AUTHORISED"
    DUPLICATE_REQUEST = "DUPLICATE_REQUEST"

    @property
    def outcome(self) -> Outcome:
        """The outcome this reason forces on its own (reject or review)."""
        return Outcome.REVIEW if self in _REVIEW_CODES else Outcome.REJECTED


_REVIEW_CODES = frozenset(
    {
        ReasonCode.LOW_CONFIDENCE,
        ReasonCode.OCR_UNAVAILABLE,
        ReasonCode.ORG_NAME_MISMATCH,
        ReasonCode.USER_ADMIN_EXISTS,
        ReasonCode.NOMINEE_NOT_AT_ORG,
        ReasonCode.AUTHORISER_NAME_MISMATCH,
        ReasonCode.ICB_NOT_PREFERRED,
        ReasonCode.SELF_AUTHORISED,
        ReasonCode.DUPLICATE_REQUEST,
    }
)

#: Codes a caseworker can never override by applying (SPEC §5).
HARD_LIMITS = frozenset(
    {
        ReasonCode.GPP_ADMIN_LIMIT,
        ReasonCode.PL_ADMIN_LIMIT,
        ReasonCode.ORG_CLOSED,
        ReasonCode.ROLE_NOT_UA,
    }
)


@dataclass(frozen=True)
class Finding:
    """One reason a rule found: a code, the form field it concerns, and detail.

    ``detail`` is a short fact for the message (for example the directory's
    name for the organisation); it is never required.
    """

    code: ReasonCode
    field: str | None = None
    detail: str = ""


def decide(findings: list[Finding] | tuple[Finding, ...]) -> Outcome:
    """Outcome precedence of SPEC §5: any reject, else any review, else applied.

    >>> decide([])
    <Outcome.APPLIED: 'applied'>
    >>> decide([Finding(ReasonCode.DUPLICATE_REQUEST), Finding(ReasonCode.ORG_CLOSED)])
    <Outcome.REJECTED: 'rejected'>
    """
    outcomes = {f.code.outcome for f in findings}
    if Outcome.REJECTED in outcomes:
        return Outcome.REJECTED
    if Outcome.REVIEW in outcomes:
        return Outcome.REVIEW
    return Outcome.APPLIED
