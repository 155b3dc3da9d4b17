"""What the pages show about requests, and the template filters that format it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from jinja2 import ChainableUndefined, ChoiceLoader, PackageLoader

from intake.db import aware
from intake.decisions.oversight import age_days
from intake.service import Intake
from intake.submissions.models import Request, Status
from verification.checks import check_for
from verification.fields import FIELD_KEYS, label
from verification.normalise import LOW_CONFIDENCE_THRESHOLD
from verification.reasons import HARD_LIMITS
from verification.roles import ROLES
from web import frontend

STATUS_LABELS = {
    Status.RECEIVED: "Received",
    Status.PROCESSING: "Being checked",
    Status.APPLIED: "Applied",
    Status.REJECTED: "Rejected",
    Status.REVIEW: "With a caseworker",
}
#: The same in a caseworker's words.
STATUS_SHORT = {
    Status.RECEIVED: "Received",
    Status.PROCESSING: "Processing",
    Status.APPLIED: "Applied",
    Status.REJECTED: "Rejected",
    Status.REVIEW: "Review",
}
#: Statuses that will change by themselves soon: their pages follow them live.
PENDING_STATUSES = frozenset({Status.RECEIVED, Status.PROCESSING})

CHANNEL_LABELS = {
    "web": "Web upload",
    "api": "API",
    "email": "Email",
    "folder": "Watched folder",
    "cli": "Command line",
}


def intake_service() -> Intake:
    return current_app.extensions["intake"]


@dataclass(frozen=True)
class FieldRow:
    key: str
    label: str
    value: Any
    confidence: float | None

    @property
    def low_confidence(self) -> bool:
        return self.confidence is not None and self.confidence < LOW_CONFIDENCE_THRESHOLD


def field_rows(request: Request) -> list[FieldRow]:
    """Every form field of ``request`` with its value and confidence, in form order."""
    fields = request.fields or {}
    confidence = request.confidence or {}
    return [FieldRow(key, label(key), fields.get(key), confidence.get(key)) for key in FIELD_KEYS]


def hard_limits(request: Request) -> list[dict[str, Any]]:
    """The request's stored reasons that no caseworker may override."""
    return [r for r in request.reasons or [] if r.get("code") in HARD_LIMITS]


def is_pending(request: Request) -> bool:
    return request.status in PENDING_STATUSES


def role_name(value: Any) -> str:
    """A role code as its name on the form; anything else as written.

    >>> role_name("GPP_UA")
    'GPP Practice User Administrator'
    """
    role = ROLES.get(value) if isinstance(value, str) else None
    return role.name if role else ("" if value is None else str(value))


#: The pages' time zone: the UK's (GMT, or BST in summer).
UK = ZoneInfo("Europe/London")


def when(value: dt.datetime | None) -> str:
    """A moment as the NHS style guide writes it, in UK time.

    >>> when(dt.datetime(2026, 11, 30, 15, 5, tzinfo=dt.UTC))
    '30 November 2026 at 3:05pm'
    >>> when(dt.datetime(2026, 7, 1, 11, 0, tzinfo=dt.UTC))  # BST
    '1 July 2026 at 12pm'
    >>> when(dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC))
    '2 July 2026 at 12:30am'
    """
    if value is None:
        return ""
    local = aware(value).astimezone(UK)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{day(local.date())} at {hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def day(value: dt.date | None) -> str:
    """A day as the NHS style guide writes it.

    >>> day(dt.date(2026, 11, 30))
    '30 November 2026'
    """
    return f"{value.day} {value:%B %Y}" if value else ""


def _field_value(value: Any, key: str | None = None) -> str:
    if value is None:
        return "Not read"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if key == "role":
        return role_name(value)
    return str(value)


def init_app(app: Flask) -> None:
    """Register the template filters every page uses, and the NHS.UK design
    system's Jinja macros (``{% from "nhsuk/components/button/macro.jinja"
    import button %}``), which want undefined parameters to chain."""
    app.jinja_env.loader = ChoiceLoader(
        [app.jinja_env.loader, PackageLoader("nhsuk_frontend_jinja")]
    )
    app.jinja_env.undefined = ChainableUndefined
    app.context_processor(
        lambda: {"nhsuk_installed": frontend.installed(), "caseworker_check": check_for}
    )
    filters = {
        "status_label": lambda status: STATUS_LABELS.get(status, status),
        "status_short": lambda status: STATUS_SHORT.get(status, status),
        "field_label": label,
        "when": when,
        "day": day,
        "field_value": _field_value,
        "role_name": role_name,
        "channel_label": lambda channel: CHANNEL_LABELS.get(channel, channel),
        "age_days": age_days,
        "add_one": lambda n: n + 1,
    }
    app.jinja_env.filters.update(filters)
