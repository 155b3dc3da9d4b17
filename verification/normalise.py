"""Raw values as read → normalised values (SPEC §6) and form-level findings.

:func:`normalise` cleans each value (text trimmed with inner whitespace
collapsed, emails lower-case, codes upper-case, the date as ``YYYY-MM-DD``,
the role as its §3 code, request type and capacity in canonical spelling,
signature and declaration as booleans) and reports:

* ``LOW_CONFIDENCE`` for every field read with confidence below
  :data:`LOW_CONFIDENCE_THRESHOLD` (optional fields included: the uncertain
  value is kept, and a caseworker confirms it). Such a field gets no other
  finding from here, and rules must not read it (it is in ``blocked``).
* ``FIELD_MISSING`` for an empty required field (``icb_code`` only when the
  capacity is ICB; never ``nominee_job_title``; an empty signature box or
  declaration is SIGNATURE_MISSING / DECLARATION_NOT_TICKED, found by rules).
* ``FIELD_INVALID`` for a malformed email, ODS or ICB code, date, capacity
  or request type. An unrecognised role is not invalid: it stays as written
  and the role rule reports ROLE_NOT_UA.

A confidence missing from the mapping counts as 1.0 (read cleanly).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

from dateutil import parser as date_parser

from verification.fields import BOOLEAN_KEYS, EMAIL_KEYS, FIELD_KEYS, REQUIRED_TEXT_KEYS
from verification.reasons import Finding, ReasonCode
from verification.roles import ICB, recognise_capacity, recognise_request_type, recognise_role

#: A field read with confidence below this (0..1) is LOW_CONFIDENCE.
LOW_CONFIDENCE_THRESHOLD = 0.8

_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$"
)
_CODE = re.compile(r"^[A-Z0-9]{3,6}$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC_DATE = re.compile(r"^\d{1,2}([/.-])\d{1,2}\1(?:\d{2}|\d{4})$")
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
_TEXT_DATE = re.compile(
    rf"^{_WEEKDAY}(?:\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+[a-z]{{3,9}}\.?,?"
    rf"|[a-z]{{3,9}}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?)\s+\d{{4}}$"
)
_TICKED = frozenset(
    {
        "☒",
        "☑",
        "✓",
        "✔",
        "✗",
        "✘",
        "x",
        "[x]",
        "(x)",
        "yes",
        "y",
        "true",
        "ticked",
        "checked",
        "on",
        "1",
    }
)
_UNTICKED = frozenset(
    {"", "☐", "[ ]", "[]", "( )", "no", "n", "false", "unticked", "unchecked", "off", "0"}
)
_NO_INK = frozenset({"", "no", "false", "none", "unsigned", "not signed", "0"})


@dataclass(frozen=True)
class Normalised:
    """The outcome of :func:`normalise`.

    ``fields`` has every §2 key (``None`` when not read). ``blocked`` holds
    the keys rules must not read: low confidence, empty, or invalid (the
    signature and declaration are blocked only when low confidence).
    """

    fields: dict[str, str | bool | None]
    findings: tuple[Finding, ...]
    low_confidence: frozenset[str]
    blocked: frozenset[str]


def collapse(text: str) -> str:
    """Trim and collapse inner whitespace, and drop the characters no one
    sees: controls, and the format characters that reorder text (a
    right-to-left override would show a name other than the one stored).

    >>> collapse("  Sarah\\n  Collins ")
    'Sarah Collins'
    >>> collapse("Sarah\\u202e Collins\\x00")
    'Sarah Collins'
    """
    return " ".join("".join(c for c in text if c.isprintable() or c.isspace()).split())


def parse_date(text: str) -> datetime.date | None:
    """A UK date as written, or ``None`` if it is not a whole, valid date.

    Numbers are always day/month/year (``01/13/2026`` is invalid, not 13
    January) and a two-digit year is 20yy; ISO ``YYYY-MM-DD`` is year-first;
    a month name is read by dateutil (``dayfirst=True``), only when the text
    has the shape of a whole date. A partial date ("December 2026"), a time,
    or other words are rejected.

    >>> parse_date("01/12/2026"), parse_date("1 Dec 2026"), parse_date("2026-12-01")
    (datetime.date(2026, 12, 1), datetime.date(2026, 12, 1), datetime.date(2026, 12, 1))
    >>> parse_date("1st December 2026")
    datetime.date(2026, 12, 1)
    >>> parse_date("December 2026") is None, parse_date("31/02/2026") is None
    (True, True)
    """
    cleaned = re.sub(r"\s*([/-])\s*", r"\1", collapse(text).lower())
    iso = _ISO_DATE.match(cleaned)
    try:
        if iso:
            return datetime.date(*(int(part) for part in iso.groups()))
        if _NUMERIC_DATE.match(cleaned):
            # Not dateutil: it would read 01/13/2026 month-first rather than fail.
            day, month, year = (int(part) for part in re.split(r"[/.-]", cleaned))
            return datetime.date(year + 2000 if year < 100 else year, month, day)
        if not _TEXT_DATE.match(cleaned):
            return None
        # Two different defaults: a component the text lacks would differ.
        first = date_parser.parse(cleaned, dayfirst=True, default=datetime.datetime(2000, 1, 1))
        second = date_parser.parse(cleaned, dayfirst=True, default=datetime.datetime(2004, 2, 2))
    except (ValueError, OverflowError):
        return None
    return first.date() if first == second else None


def _boolean(
    value: str | bool, false_words: frozenset[str], true_words: frozenset[str] | None
) -> bool | None:
    if isinstance(value, bool):
        return value
    word = collapse(value).lower()
    if word in false_words:
        return False
    if true_words is None or word in true_words:
        return True
    return None


def _clean(key: str, raw: str | bool) -> tuple[str | bool | None, bool]:
    """(normalised value, valid) for one non-empty raw value."""
    if key == "signature":
        # Any ink counts: a typed name is a signature.
        return _boolean(raw, _NO_INK, None), True
    if key == "declaration":
        ticked = _boolean(raw, _UNTICKED, _TICKED)
        return (ticked, True) if ticked is not None else (collapse(str(raw)), False)
    text = collapse(str(raw))
    if key in EMAIL_KEYS:
        email = "".join(text.split()).lower().removeprefix("mailto:")
        return email, bool(_EMAIL.match(email))
    if key in ("org_code", "icb_code"):
        code = "".join(text.split()).upper()
        return code, bool(_CODE.match(code))
    if key == "date_signed":
        parsed = parse_date(text)
        return (parsed.isoformat(), True) if parsed else (text, False)
    if key == "role":
        return recognise_role(text) or text, True
    if key == "request_type":
        canonical = recognise_request_type(text)
        return (canonical, True) if canonical else (text, False)
    if key == "authoriser_capacity":
        canonical = recognise_capacity(text)
        return (canonical, True) if canonical else (text, False)
    return text, True


def _empty(value: str | bool | None) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalise(
    values: Mapping[str, str | bool | None], confidence: Mapping[str, float]
) -> Normalised:
    """Normalise raw values (keyed by §2 keys) and find form-level problems.

    >>> result = normalise({"nominee_email": " Sarah.Collins@NHS.net ", "org_code": "a81001"},
    ...                    {"org_code": 0.5})
    >>> result.fields["nominee_email"], result.fields["org_code"]
    ('sarah.collins@nhs.net', 'A81001')
    >>> [(f.code.value, f.field) for f in result.findings if f.field in ("org_code", "role")]
    [('LOW_CONFIDENCE', 'org_code'), ('FIELD_MISSING', 'role')]
    """
    fields: dict[str, str | bool | None] = {}
    findings: list[Finding] = []
    low = frozenset(k for k in FIELD_KEYS if confidence.get(k, 1.0) < LOW_CONFIDENCE_THRESHOLD)
    blocked: set[str] = set(low)
    invalid: set[str] = set()
    for key in FIELD_KEYS:
        raw = values.get(key)
        if _empty(raw):
            fields[key] = None
            if key not in BOOLEAN_KEYS:
                blocked.add(key)
            continue
        fields[key], valid = _clean(key, raw)
        if not valid:
            invalid.add(key)
            blocked.add(key)
    icb_required = fields["authoriser_capacity"] == ICB and "authoriser_capacity" not in low
    for key in FIELD_KEYS:
        if key in low:
            read = "" if fields[key] is None else str(fields[key])
            findings.append(Finding(ReasonCode.LOW_CONFIDENCE, key, read))
        elif fields[key] is None and (
            key in REQUIRED_TEXT_KEYS or (key == "icb_code" and icb_required)
        ):
            findings.append(Finding(ReasonCode.FIELD_MISSING, key))
        elif key in invalid and (key != "icb_code" or icb_required):
            findings.append(_invalid(key, fields[key]))
    return Normalised(fields, tuple(findings), low, frozenset(blocked))


def _invalid(key: str, value: str | bool | None) -> Finding:
    if key == "declaration":
        # Neither a tick nor an empty box: say so, but let a person look.
        return Finding(ReasonCode.LOW_CONFIDENCE, key, str(value))
    return Finding(ReasonCode.FIELD_INVALID, key, str(value))
