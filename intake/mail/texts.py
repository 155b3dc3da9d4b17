"""The words of every mail the service sends: pure functions returning
``(subject, body)``, so they can be read and tested without a mail server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from verification.roles import REMOVE, ROLES, UPDATE

_FOOTER = (
    "\n\nThis is an automatic message from PCSE Online authorisation intake. "
    "Please do not reply to it."
)
_SEND_AGAIN = (
    "if the role is still needed, send a new form, corrected as the note says and signed by "
    "an authoriser."
)
_HOW_TO_SEND = (
    "Attach each completed and signed PCSE Online User Administrator Authorisation Form "
    "as a PDF file (not inside a zip file, each under {limit} MB) and send it again."
)


@dataclass(frozen=True)
class Taken:
    """A PDF taken from a message: its reference(s) and status link."""

    filename: str
    references: tuple[str, ...]
    status_url: str
    duplicate: bool = False


@dataclass(frozen=True)
class NotTaken:
    """An attachment that was not taken, and why."""

    filename: str
    why: str


def acknowledgement(
    subject: str, sent_on: dt.date, taken: Sequence[Taken], not_taken: Sequence[NotTaken]
) -> tuple[str, str]:
    """The reply to a message from which at least one PDF was taken.

    >>> s, b = acknowledgement("Forms", dt.date(2026, 11, 20),
    ...     [Taken("a.pdf", ("UA-2026-000001",), "http://x/status/t")], [])
    >>> s
    'PCSE has received your form: UA-2026-000001'
    >>> "http://x/status/t" in b
    True
    """
    references = [ref for item in taken for ref in item.references]
    plural = "s" if len(references) > 1 else ""
    lines = [
        f'Thank you. PCSE has received your email "{subject or "(no subject)"}" '
        f"of {_day(sent_on)}.",
        "",
        "Each PDF file is now being checked. Its reference, and a link where you can follow it:",
    ]
    for item in taken:
        note = " (received before: no new request was made)" if item.duplicate else ""
        lines += ["", f"  {', '.join(item.references)}  {item.filename}{note}"]
        lines.append(f"  {item.status_url}")
    if not_taken:
        lines += ["", "These attachments were not taken:"]
        lines += [f"  - {item.filename}: {item.why}" for item in not_taken]
    lines += [
        "",
        "If a file holds more than one form, each form gets its own reference; the link "
        "shows them all. The requester named on each form will be emailed the outcome.",
    ]
    return f"PCSE has received your form{plural}: {', '.join(references)}"[:300], "\n".join(
        lines
    ) + _FOOTER


def refusal(subject: str, problems: Sequence[str], limit_mb: int) -> tuple[str, str]:
    """The reply to a message from which nothing could be taken.

    >>> refusal("Hi", ["there was no attachment"], 20)[0]
    'PCSE could not take a form from your email'
    """
    lines = [
        f'PCSE could not take an authorisation form from your email "{subject or "(no subject)"}":',
        "",
        *[f"  - {problem}" for problem in problems],
        "",
        "What to do: " + _HOW_TO_SEND.format(limit=limit_mb),
    ]
    return "PCSE could not take a form from your email", "\n".join(lines) + _FOOTER


def outcome_for_requester(
    reference: str,
    status: str,
    fields: Mapping[str, Any],
    reasons: Sequence[Mapping[str, Any]],
    note: str | None,
) -> tuple[str, str]:
    """The outcome mail to the requester named on the form.

    ``note`` is a caseworker's note; it is shown for a caseworker's rejection,
    where the form's own reasons may not say why.
    """
    what = _what(fields)
    if status == "applied":
        subject = f"{reference}: your request has been applied"
        lines = [f"Your request {reference} has been applied.", "", what]
        lines += ["", _applied_sentence(fields)]
    else:
        subject = f"{reference}: your request has been rejected"
        lines = [f"Your request {reference} has been rejected.", "", what, ""]
        found = [r for r in reasons if r.get("message")]
        if note:
            # A caseworker's rejection: the checks only asked for a review,
            # so their "what to do" would mislead; the note says why.
            lines.append(f"A PCSE caseworker reviewed it and wrote: {note}")
            if found:
                lines += ["", "The checks found:"]
                lines += [f"  - {r['message']}" for r in found]
            lines += ["", "What to do: " + _SEND_AGAIN]
        elif found:
            lines.append("Why, and what to do:")
            for number, reason in enumerate(found, start=1):
                lines.append(f"  {number}. {reason['message']}")
                if reason.get("action"):
                    lines.append(f"     What to do: {reason['action']}")
    return subject[:300], "\n".join(lines) + _FOOTER


def outcome_for_nominee(reference: str, fields: Mapping[str, Any]) -> tuple[str, str]:
    """The mail to the nominee when a request naming them is applied."""
    role = _role_name(fields)
    subject = f"{reference}: you are now {role}"
    if fields.get("request_type") == REMOVE:
        subject = f"{reference}: you are no longer {role}"
    lines = [
        f"Hello {fields.get('nominee_name') or ''},".replace(" ,", ","),
        "",
        _applied_sentence(fields, nominee="You"),
        "",
        f"The request ({reference}) was made by {fields.get('requester_name') or 'the requester'} "
        f"and authorised by {fields.get('authoriser_name') or 'the authoriser'}. "
        "If you did not expect it, contact PCSE.",
    ]
    return subject[:300], "\n".join(lines) + _FOOTER


def _applied_sentence(fields: Mapping[str, Any], nominee: str | None = None) -> str:
    """What applying the request did.

    >>> _applied_sentence({"nominee_name": "Tom Reed", "role": "MAIN_CONTACT",
    ...                    "request_type": "Remove", "org_code": "A81001"})
    'Tom Reed is no longer Main Contact for A81001.'
    >>> _applied_sentence({"role": "PL_UA", "org_name": "Riverside"}, nominee="You")
    'You are now PL Organisation User Administrator for Riverside in PCSE Online.'
    """
    who = nominee or fields.get("nominee_name") or "The nominee"
    verb = "are" if who == "You" else "is"
    role, org = _role_name(fields), _org(fields)
    if fields.get("request_type") == REMOVE:
        return f"{who} {verb} no longer {role} for {org}."
    if fields.get("request_type") == UPDATE:
        return f"{who} {verb} now {role} for {org}, replacing the previous {role}."
    return f"{who} {verb} now {role} for {org} in PCSE Online."


def _what(fields: Mapping[str, Any]) -> str:
    kind = fields.get("request_type") or "A"
    nominee = fields.get("nominee_name") or "(nominee not read)"
    return f"{kind} request: {_role_name(fields)} for {nominee} at {_org(fields)}."


def _role_name(fields: Mapping[str, Any]) -> str:
    role = fields.get("role")
    if isinstance(role, str) and role in ROLES:
        return ROLES[role].name
    return str(role) if role else "the role requested"


def _org(fields: Mapping[str, Any]) -> str:
    name, code = fields.get("org_name"), fields.get("org_code")
    if name and code:
        return f"{name} ({code})"
    return str(name or code or "the organisation")


def _day(day: dt.date) -> str:
    """``20 November 2026``.

    >>> _day(dt.date(2026, 11, 2))
    '2 November 2026'
    """
    return f"{day.day} {day:%B %Y}"
