"""What the requester is told about a request: one answer, from its state.

The status page, the API and every mail to the requester take their words
from :func:`tell`, which reads only the request's current status, who
decided it (the service or a caseworker), the caseworker's message to the
requester, and the corrections the caseworker made. So none of them can say
"a caseworker will check it" after a caseworker has decided, or "the checks
passed" on a rejection.

What a caseworker wrote is shown to the requester only where it is theirs to
read: the message a caseworker writes *to the requester* with an apply or a
rejection (``requester_message``). Their note is private to PCSE: it stays
in the audit trail and on the dashboard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.audit import AuditEvent
from intake.submissions.models import Request, Status
from verification.fields import label
from verification.roles import REMOVE, ROLES, UPDATE
from verification.text import for_requester

SYSTEM = "system"
#: The audit event of a caseworker's apply, whose detail holds ``corrections``.
CASEWORKER_APPLIED = "caseworker applied"

#: The short status a requester reads (also the tag's text).
TAGS = {
    Status.RECEIVED: "Received",
    Status.PROCESSING: "Being checked",
    Status.REVIEW: "With a caseworker",
    Status.APPLIED: "Applied",
    Status.REJECTED: "Rejected",
}

#: What the nominee does once a role is theirs. PCSE's guidance: User
#: Administrators manage their organisation's users from the User
#: Management Home page of PCSE Online; a forgotten log in is recovered from
#: the log in screen. A nominee without an account is invited by PCSE Online.
NOMINEE_NEXT = (
    "{who} can now manage their organisation's users from the User Management Home page of "
    "PCSE Online. If they have no PCSE Online account yet, PCSE Online will email them an "
    "invitation to set one up; if they have forgotten their log in details, they can use "
    "'Forgotten your log in details?' on the PCSE Online log in screen."
)
#: The same, to the nominee.
NOMINEE_NEXT_TO_THEM = (
    "You can now manage your organisation's users from the User Management Home page of "
    "PCSE Online. If you have no PCSE Online account yet, PCSE Online will email you an "
    "invitation to set one up; if you have forgotten your log in details, use "
    "'Forgotten your log in details?' on the PCSE Online log in screen."
)


@dataclass(frozen=True)
class Correction:
    """A value a caseworker corrected before applying. ``read`` is the value
    as the form said it, when the audit trail kept it (else ``None``)."""

    key: str
    label: str
    corrected: Any
    read: Any = None


@dataclass(frozen=True)
class ToldReason:
    """One reason in the requester's words; ``action`` is empty when the
    requester has nothing to do about it (the request is not rejected)."""

    code: str
    field: str | None
    message: str
    action: str


@dataclass(frozen=True)
class Told:
    """What the requester is told about one request."""

    reference: str
    status: str
    #: The status in a few words ("With a caseworker").
    tag: str
    headline: str
    #: What happens next, sentence by sentence.
    next_steps: tuple[str, ...]
    #: What the requester should do ("You do not need to do anything." when nothing).
    to_do: tuple[str, ...]
    #: A caseworker is checking it now, or has decided it.
    caseworker_involved: bool
    #: ``"caseworker"``, ``"system"``, or ``None`` while undecided.
    decided_by: str | None
    decided_at: dt.datetime | None
    #: The caseworker's message to the requester, if there is one.
    caseworker_message: str | None
    #: The heading over :attr:`reasons` ("" when there are none).
    reasons_heading: str
    reasons: tuple[ToldReason, ...]
    corrections: dict[str, Correction] = field(default_factory=dict)
    #: The requester may send a corrected form linked to this one.
    can_send_correction: bool = False
    #: Undecided: the page says how long a decision usually takes.
    waiting: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The API's ``outcome`` object."""
        return {
            "status_label": self.tag,
            "headline": self.headline,
            "next_steps": list(self.next_steps),
            "to_do": list(self.to_do),
            "caseworker_involved": self.caseworker_involved,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "caseworker_message": self.caseworker_message,
            "corrections": {
                key: {"read": c.read, "corrected": c.corrected}
                for key, c in self.corrections.items()
            },
            "can_send_correction": self.can_send_correction,
        }


def tell(request: Request, corrections: Mapping[str, Correction] | None = None) -> Told:
    """What the requester is told about ``request`` in its current state.

    ``corrections`` are the caseworker's (:func:`corrections_of`); they are
    only shown on a request a caseworker applied.
    """
    status = Status(request.status)
    fields = request.fields or {}
    decided_by = _decided_by(request)
    by_caseworker = decided_by == "caseworker"
    message = caseworker_message(request)
    reasons = told_reasons(request)
    kept = dict(corrections or {}) if status is Status.APPLIED and by_caseworker else {}
    common: dict[str, Any] = {
        "reference": request.reference or "",
        "status": status.value,
        "tag": TAGS[status],
        "decided_by": decided_by,
        "decided_at": request.decided_at if decided_by else None,
        "caseworker_message": message,
        "reasons": reasons,
        "corrections": kept,
    }
    nothing = ("You do not need to do anything.",)
    if status in (Status.RECEIVED, Status.PROCESSING):
        return Told(
            **common,
            headline="We have your form and will check it shortly."
            if status is Status.RECEIVED
            else "We are checking your form now.",
            next_steps=(
                "The service checks the form against PCSE's records, usually within minutes.",
                "It then applies the request, or tells you what is wrong, or passes it to a "
                "PCSE caseworker.",
            ),
            to_do=nothing,
            caseworker_involved=False,
            reasons_heading="",
            waiting=True,
        )
    if status is Status.REVIEW:
        return Told(
            **common,
            headline="A PCSE caseworker is checking this request.",
            next_steps=(
                "The checks found something a person must look at, listed below.",
                "The caseworker will apply the request, or tell you why it cannot be applied "
                "and what to do. You will get an email either way.",
            ),
            to_do=(
                "You do not need to do anything. Do not send the form again while a "
                "caseworker is checking it.",
            ),
            caseworker_involved=True,
            reasons_heading="What the caseworker is checking" if reasons else "",
            waiting=True,
        )
    if status is Status.APPLIED:
        steps = [applied_sentence(fields)]
        if by_caseworker:
            steps.insert(0, "A PCSE caseworker checked the request and applied it.")
            if kept:
                steps.append(
                    "The caseworker corrected what was read from the form; the corrected "
                    "values are marked below."
                )
        else:
            steps.insert(0, "The checks passed.")
        nominee = nominee_next_step(fields)
        return Told(
            **common,
            headline="Your request has been applied.",
            next_steps=tuple(steps) + ((nominee,) if nominee else ()),
            to_do=nothing,
            caseworker_involved=by_caseworker,
            reasons_heading="What the caseworker checked" if by_caseworker and reasons else "",
        )
    # Rejected.
    if by_caseworker:
        steps = ("A PCSE caseworker checked the request and could not apply it.",)
        to_do = (
            "Send a corrected form if the role is still needed: correct it as the caseworker's "
            "message says, and have it signed by an authoriser.",
        )
        heading = "What the checks found" if reasons else ""
    else:
        steps = ("The checks found the problems listed below, so the request was not applied.",)
        to_do = (
            "Send a corrected form if the role is still needed: put right each problem below, "
            "and have the form signed by an authoriser.",
        )
        heading = "Why we could not apply it, and what to do" if reasons else ""
    return Told(
        **common,
        headline="We could not apply your request.",
        next_steps=steps,
        to_do=to_do,
        caseworker_involved=by_caseworker,
        reasons_heading=heading,
        can_send_correction=True,
    )


def told_reasons(request: Request) -> tuple[ToldReason, ...]:
    """The request's reasons in the requester's words, with the action only
    when the request is rejected (else "" on the page; the API fills it)."""
    rejected = request.status == Status.REJECTED
    out = []
    for stored in request.reasons or ():
        code = str(stored.get("code") or "")
        reason = for_requester(code, stored.get("field"), str(stored.get("detail") or ""))
        message = reason.message if reason else str(stored.get("message") or code)
        action = (reason.action if reason else str(stored.get("action") or "")) if rejected else ""
        out.append(ToldReason(code, stored.get("field"), message, action))
    return tuple(out)


def api_reasons(told: Told) -> list[dict[str, Any]]:
    """SPEC §6 ``reasons``: every reason with a message and an action; the
    action of a request not rejected says that nothing is asked of the
    requester, and why."""
    if told.status == Status.REVIEW:
        none = "None for now: a PCSE caseworker is checking this."
    elif told.status == Status.APPLIED:
        none = "None: a PCSE caseworker checked this and applied the request."
    else:
        none = "None."
    return [
        {"code": r.code, "field": r.field, "message": r.message, "action": r.action or none}
        for r in told.reasons
    ]


def caseworker_message(request: Request) -> str | None:
    """The caseworker's message to the requester with their decision (see
    the module doc); ``None`` when there is none, or no caseworker decided."""
    if request.status in (Status.APPLIED, Status.REJECTED) and _decided_by(request) == "caseworker":
        return (request.requester_message or "").strip() or None
    return None


def corrections_of(session: Session, request: Request) -> dict[str, Correction]:
    """The values a caseworker corrected when applying ``request``, from the
    audit event of the apply. A correction is recorded either as the new
    value, or as ``{"read": ..., "corrected": ...}`` (the value as read
    kept beside it)."""
    detail = session.scalar(
        select(AuditEvent.detail)
        .where(AuditEvent.request_id == request.id, AuditEvent.event == CASEWORKER_APPLIED)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return parse_corrections((detail or {}).get("corrections"))


def parse_corrections(raw: Any) -> dict[str, Correction]:
    """``{key: Correction}`` from an audit event's ``corrections``.

    >>> parse_corrections({"nominee_email": "tom@nhs.net"})["nominee_email"].corrected
    'tom@nhs.net'
    >>> c = parse_corrections({"org_code": {"read": "A8I001", "corrected": "A81001"}})
    >>> c["org_code"].read, c["org_code"].corrected
    ('A8I001', 'A81001')
    """
    if not isinstance(raw, Mapping):
        return {}
    found = {}
    for key, value in raw.items():
        read = None
        if isinstance(value, Mapping):
            read = value.get("read", value.get("was"))
            value = value.get("corrected", value.get("value"))
        found[str(key)] = Correction(str(key), label(str(key)), value, read)
    return found


def applied_sentence(fields: Mapping[str, Any], nominee: str | None = None) -> str:
    """What applying the request did.

    >>> applied_sentence({"nominee_name": "Tom Reed", "role": "MAIN_CONTACT",
    ...                   "request_type": "Remove", "org_code": "A81001"})
    'Tom Reed is no longer Main Contact for A81001.'
    >>> applied_sentence({"role": "PL_UA", "org_name": "Riverside"}, nominee="You")
    'You are now PL Organisation User Administrator for Riverside in PCSE Online.'
    """
    who = nominee or fields.get("nominee_name") or "The nominee"
    verb = "are" if who == "You" else "is"
    role, org = role_name(fields), org_name(fields)
    if fields.get("request_type") == REMOVE:
        return f"{who} {verb} no longer {role} for {org}."
    if fields.get("request_type") == UPDATE:
        return f"{who} {verb} now {role} for {org}, replacing the previous {role}."
    return f"{who} {verb} now {role} for {org} in PCSE Online."


def nominee_next_step(fields: Mapping[str, Any], *, to_nominee: bool = False) -> str | None:
    """What the nominee does next, once a role is theirs (``None`` for a removal)."""
    if fields.get("request_type") == REMOVE:
        return None
    if to_nominee:
        return NOMINEE_NEXT_TO_THEM
    return NOMINEE_NEXT.format(who=fields.get("nominee_name") or "The nominee")


def role_name(fields: Mapping[str, Any]) -> str:
    role = fields.get("role")
    if isinstance(role, str) and role in ROLES:
        return ROLES[role].name
    return str(role) if role else "the role requested"


def org_name(fields: Mapping[str, Any]) -> str:
    name, code = fields.get("org_name"), fields.get("org_code")
    if name and code:
        return f"{name} ({code})"
    return str(name or code or "the organisation")


def _decided_by(request: Request) -> str | None:
    if request.status not in (Status.APPLIED, Status.REJECTED):
        return None
    return SYSTEM if (request.decided_by or SYSTEM) == SYSTEM else "caseworker"
