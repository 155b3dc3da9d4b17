"""The sample forms: what each says, how it is drawn, and what must happen.

Every request uses its own (organisation, role) pair, so processing the
corpus in any order gives the same outcomes: no request makes another a
duplicate or gives it an existing role holder. Names and emails match
``sample_forms.directory`` exactly unless a scenario is about a mismatch.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from verification.fields import BOOLEAN_KEYS, FIELD_KEYS

RECEIVED = datetime.date(2026, 11, 20)

ROLE_CODES = {
    "gpp practice user administrator": "GPP_UA",
    "gpp practice user administration": "GPP_UA",
    "pl organisation user administrator": "PL_UA",
    "opto user management (organisation)": "OPTO_UA",
    "main contact": "MAIN_CONTACT",
}
CAPACITIES = {
    "gp partner": "GP Partner",
    "caldicott guardian": "Caldicott Guardian",
    "authorised email list (ael) user": "Authorised Email List (AEL) user",
    "icb": "ICB",
}
DATE_FORMATS = ("%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d")
EMAIL_KEYS = ("nominee_email", "requester_email", "authoriser_email")


@dataclass(frozen=True)
class Style:
    """How one form is drawn."""

    layout: str = "table"  # "table": value right of the label; "below": under it
    labels: str = "plain"  # plain | colon | upper | email-hyphen | numbered
    signature: str = "typed"  # typed | strokes | none
    tick: str = "drawn_x"  # drawn_x | check | char_x | bracket_x | empty | acroform
    order: str = "spec"  # spec | shuffled
    split: bool = False  # over two pages, page two with a running title
    acroform: str | None = None  # None | "key" | "label": values in fillable fields


@dataclass(frozen=True)
class Request:
    """One form in a sample file and its expected outcome."""

    about: str
    status: str
    codes: tuple[str, ...]
    values: Mapping[str, str | bool | None]  # as written on the form
    style: Style = field(default_factory=Style)

    def fields(self) -> dict[str, str | bool | None]:
        """The values normalised as SPEC §6 says the service reports them."""
        return normalised(self.values)


@dataclass(frozen=True)
class Sample:
    """One sample PDF file."""

    file: str
    requests: tuple[Request, ...]
    covering_letter: bool = False


def normalised(values: Mapping[str, str | bool | None]) -> dict[str, str | bool | None]:
    """SPEC §6 normalisation of the sample values (the ground truth).

    >>> normalised({"date_signed": "1 Nov 2026", "role": "Main Contact"})["date_signed"]
    '2026-11-01'
    """
    out = {
        key: (" ".join(v.split()) or None) if isinstance(v, str) else v for key, v in values.items()
    }
    for key in EMAIL_KEYS:
        if isinstance(out.get(key), str):
            out[key] = out[key].lower()
    if isinstance(out.get("role"), str):
        out["role"] = ROLE_CODES.get(out["role"].lower(), out["role"])
    if isinstance(out.get("authoriser_capacity"), str):
        capacity = out["authoriser_capacity"]
        out["authoriser_capacity"] = CAPACITIES.get(capacity.lower(), capacity)
    if isinstance(out.get("request_type"), str):
        out["request_type"] = out["request_type"].capitalize()
    if isinstance(out.get("date_signed"), str):
        out["date_signed"] = _iso_date(out["date_signed"])
    return out


def _iso_date(text: str) -> str:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"sample date {text!r} is in no known format")


def form(style: Style = Style(), **values: str | None) -> dict[str, str | bool | None]:
    """Every SPEC key's raw value; the signature and tick follow the style."""
    keys = tuple(key for key in FIELD_KEYS if key not in BOOLEAN_KEYS)
    unknown = set(values) - set(keys)
    if unknown:
        raise TypeError(f"unknown sample fields {sorted(unknown)}")
    raw: dict[str, str | bool | None] = {key: values.get(key) for key in keys}
    raw["signature"] = style.signature != "none"
    raw["declaration"] = style.tick != "empty"
    return raw


def request(
    about: str, status: str, codes: tuple[str, ...], style: Style = Style(), **values: str | None
) -> Request:
    """A :class:`Request` with its values laid out by :func:`form`."""
    return Request(about, status, tuple(sorted(codes)), form(style, **values), style)


def _riverside(**overrides: str | None) -> dict[str, str | None]:
    base = {
        "org_name": "Riverside Medical Centre",
        "org_code": "A81001",
        "role": "GPP Practice User Administrator",
        "request_type": "New",
        "nominee_name": "Emma Wilson",
        "nominee_email": "emma.wilson@nhs.net",
        "nominee_job_title": "Practice Manager",
        "requester_name": "Emma Wilson",
        "requester_email": "emma.wilson@nhs.net",
        "authoriser_name": "Sarah Collins",
        "authoriser_email": "sarah.collins@nhs.net",
        "authoriser_capacity": "GP Partner",
    }
    base.update(overrides)
    return base
