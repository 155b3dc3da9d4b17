"""The words of every mail the service sends: pure functions returning
``(subject, body)``, so they can be read and tested without a mail server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intake.submissions.filenames import display_filename
from intake.submissions.outcome import (
    Told,
    applied_sentence,
    nominee_next_step,
    org_name,
    role_name,
)
from verification.roles import REMOVE

#: Stands for the service's public address in a queued mail's body; the
#: outbox puts ``INTAKE_PUBLIC_URL`` in its place when it sends the mail.
STATUS_BASE = "%PUBLIC_URL%"

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
        name = display_filename(item.filename)
        lines += ["", f"  {', '.join(item.references)}  {name}{note}"]
        lines.append(f"  {item.status_url}")
    if not_taken:
        lines += ["", "These attachments were not taken:"]
        lines += [f"  - {display_filename(item.filename)}: {item.why}" for item in not_taken]
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
    told: Told, fields: Mapping[str, Any], status_url: str, *, to_sender: bool = False
) -> tuple[str, str]:
    """The mail to the requester named on the form: the outcome, or that a
    caseworker is checking the request; its words are the status page's
    (:func:`intake.submissions.outcome.tell`), with the status link.
    ``to_sender``: it goes to whoever emailed the form in, because the form
    gives no requester email PCSE could use (the mail says so).

    >>> from intake.submissions.models import Request
    >>> from intake.submissions.outcome import tell
    >>> r = Request(reference="UA-2026-000001", status="review", reasons=[], fields={})
    >>> subject, body = outcome_for_requester(tell(r), {}, "http://x/status/st_1")
    >>> subject
    'UA-2026-000001: a PCSE caseworker is checking your request'
    >>> "http://x/status/st_1" in body and "You do not need to do anything." in body
    True
    """
    reference = told.reference
    subject = {
        "applied": f"{reference}: your request has been applied",
        "rejected": f"{reference}: your request has been rejected",
        "review": f"{reference}: a PCSE caseworker is checking your request",
    }.get(told.status, f"{reference}: {told.tag}")
    lines = [f"{told.headline} Reference: {reference}.", "", _what(fields), ""]
    if to_sender:
        lines[2:2] = [
            "You are getting this because you emailed the form to PCSE and PCSE could not "
            "read a requester email address on it.",
            "",
        ]
    lines += list(told.next_steps)
    if told.caseworker_message:
        lines += ["", "The caseworker's message to you:", f"  {_own(told.caseworker_message)}"]
    if told.reasons:
        lines += ["", f"{told.reasons_heading}:"]
        for number, reason in enumerate(told.reasons, start=1):
            lines.append(f"  {number}. {reason.message}")
            if reason.action:
                lines.append(f"     What to do: {reason.action}")
    if told.corrections:
        lines += ["", "Values the caseworker corrected:"]
        for correction in told.corrections.values():
            was = f" (the form said '{correction.read}')" if correction.read is not None else ""
            lines.append(f"  - {correction.label}: {correction.corrected}{was}")
    lines += ["", "What you need to do: " + " ".join(told.to_do)]
    follow = "Follow this request"
    if told.can_send_correction:
        follow += ", and send a corrected form linked to it,"
    lines += ["", f"{follow} at:", f"  {status_url}"]
    return subject[:300], "\n".join(lines) + _FOOTER


def outcome_for_nominee(reference: str, fields: Mapping[str, Any]) -> tuple[str, str]:
    """The mail to the nominee when a request naming them is applied (no
    status link: the status page shows the whole file, which is the
    requester's)."""
    role = role_name(fields)
    subject = f"{reference}: you are now {role}"
    if fields.get("request_type") == REMOVE:
        subject = f"{reference}: you are no longer {role}"
    lines = [
        f"Hello {fields.get('nominee_name') or ''},".replace(" ,", ","),
        "",
        applied_sentence(fields, nominee="You"),
    ]
    next_step = nominee_next_step(fields, to_nominee=True)
    if next_step:
        lines += ["", next_step]
    lines += [
        "",
        f"The request ({reference}) was made by {fields.get('requester_name') or 'the requester'} "
        f"and authorised by {fields.get('authoriser_name') or 'the authoriser'}. "
        "If you did not expect it, contact PCSE.",
    ]
    return subject[:300], "\n".join(lines) + _FOOTER


def _own(text: str) -> str:
    """Text someone typed, put in a mail: one line, no link placeholder."""
    return " ".join(text.replace(STATUS_BASE, "").split())


def _what(fields: Mapping[str, Any]) -> str:
    kind = fields.get("request_type") or "A"
    nominee = fields.get("nominee_name") or "(nominee not read)"
    return f"{kind} request: {role_name(fields)} for {nominee} at {org_name(fields)}."


def _day(day: dt.date) -> str:
    """``20 November 2026``.

    >>> _day(dt.date(2026, 11, 2))
    '2 November 2026'
    """
    return f"{day.day} {day:%B %Y}"
