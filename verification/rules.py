"""ID&V: every decision rule of SPEC §5, and :func:`verify`, the entry point.

Rules are small functions declared with :func:`verification.request.rule`
(which skips a rule whose input field is empty, invalid or low confidence,
or which needs an organisation the directory does not have). :func:`verify`
runs all of them and reports *every* finding, then decides by SPEC §5
precedence. Rules about the authoriser live in :mod:`verification.authorisers`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from verification import authorisers
from verification.directory import Directory
from verification.fields import FIELD_KEYS
from verification.names import org_names_match
from verification.normalise import normalise
from verification.policy import ADMIN_LIMITS
from verification.reasons import Finding, Outcome, ReasonCode, decide
from verification.request import Request, is_active, rule, same_email
from verification.roles import MAIN_CONTACT, NEW, REMOVE, ROLES, UPDATE
from verification.text import Reason, render

#: A form signed more than this many days before it was received is too old.
MAX_FORM_AGE_DAYS = 90

ORG_TYPE_NAMES = {
    "gp_practice": "a GP practice",
    "optometry": "an optometry practice",
    "dental": "a dental practice",
    "pharmacy": "a pharmacy",
}

R = ReasonCode


@rule("signature")
def signature_present(request: Request) -> Iterator[Finding]:
    """SIGNATURE_MISSING: the signature box is empty.

    A signature not read at all (``None``) counts as an empty box, so this is
    reported instead of FIELD_MISSING for the signature.
    """
    if request.fields.get("signature") is not True:
        yield Finding(R.SIGNATURE_MISSING, "signature")


@rule("declaration")
def declaration_ticked(request: Request) -> Iterator[Finding]:
    """DECLARATION_NOT_TICKED: the box is empty or was not found (``None``)."""
    if request.fields.get("declaration") is not True:
        yield Finding(R.DECLARATION_NOT_TICKED, "declaration")


@rule("date_signed")
def signed_not_in_future(request: Request) -> Iterator[Finding]:
    """DATE_IN_FUTURE: signed after the day it was received (the same day is fine)."""
    if request.date_signed > request.received:
        yield Finding(
            R.DATE_IN_FUTURE,
            "date_signed",
            f"signed {request.date_signed}, received {request.received}",
        )


@rule("date_signed")
def signed_within_90_days(request: Request) -> Iterator[Finding]:
    """FORM_TOO_OLD: signed more than 90 days before it was received.

    Exactly 90 days before is still in time.
    """
    oldest = request.received - datetime.timedelta(days=MAX_FORM_AGE_DAYS)
    if request.date_signed < oldest:
        yield Finding(
            R.FORM_TOO_OLD,
            "date_signed",
            f"signed {request.date_signed}, received {request.received}",
        )


@rule("role")
def role_is_ua(request: Request) -> Iterator[Finding]:
    """ROLE_NOT_UA: the role as written is not one of the four §3 roles."""
    if request.role_code is None:
        yield Finding(R.ROLE_NOT_UA, "role", request.text("role"))


@rule("role", "request_type")
def request_type_allowed(request: Request) -> Iterator[Finding]:
    """REQUEST_TYPE_NOT_ALLOWED: Update or Remove of a role other than MAIN_CONTACT.

    Not for an unrecognised role (ROLE_NOT_UA says enough).
    """
    code = request.role_code
    if code and code != MAIN_CONTACT and request.text("request_type") != NEW:
        yield Finding(
            R.REQUEST_TYPE_NOT_ALLOWED,
            "request_type",
            f"{request.text('request_type')} of {ROLES[code].name}",
        )


@rule("org_code")
def org_known(request: Request) -> Iterator[Finding]:
    """ORG_UNKNOWN: the ODS code is not in the directory."""
    if request.org is None:
        yield Finding(R.ORG_UNKNOWN, "org_code", request.text("org_code"))


@rule(needs_org=True)
def org_open(request: Request) -> Iterator[Finding]:
    """ORG_CLOSED: the directory's status is not ``active``."""
    if not is_active(request.known_org.status):
        yield Finding(R.ORG_CLOSED, "org_code", f"{request.known_org.name} is closed")


@rule("org_name", needs_org=True)
def org_name_matches(request: Request) -> Iterator[Finding]:
    """ORG_NAME_MISMATCH (review): the name written is not the directory's name.

    Lenient (:func:`verification.names.org_names_match`): case, punctuation,
    "&"/"and", "St"/"Saint" and filler such as "The" are ignored, words that
    say what kind of premises it is ("Surgery", "Practice") may be missing
    on one side, and a typo in the distinctive words is allowed; another
    place name, or another kind of premises ("Health Centre" for a
    "Surgery"), is a mismatch.
    """
    if not org_names_match(request.text("org_name"), request.known_org.name):
        yield Finding(R.ORG_NAME_MISMATCH, "org_name", request.known_org.name)


@rule("role", needs_org=True)
def role_for_org_type(request: Request) -> Iterator[Finding]:
    """ROLE_NOT_FOR_ORG_TYPE: the §3 role is not offered to this organisation type.

    A pharmacy (or any type §3 does not list) can hold none of the roles.
    """
    code = request.role_code
    if code and request.known_org.org_type not in ROLES[code].org_types:
        kind = ORG_TYPE_NAMES.get(request.known_org.org_type, request.known_org.org_type)
        yield Finding(
            R.ROLE_NOT_FOR_ORG_TYPE, "role", f"{ROLES[code].name} is not available to {kind}"
        )


@rule("role", "request_type", "nominee_email", needs_org=True)
def user_admin_exists(request: Request) -> Iterator[Finding]:
    """USER_ADMIN_EXISTS (review): a New request while someone else actively holds
    the role. Not for Update/Remove; a holder who is the nominee does not count
    (that is NOMINEE_ALREADY_HOLDS_ROLE). At four GPP holders this is reported
    beside GPP_ADMIN_LIMIT."""
    if request.text("request_type") != NEW:
        return
    nominee = request.text("nominee_email")
    others = [h for h in request.holders if not same_email(h.email, nominee)]
    if others:
        yield Finding(R.USER_ADMIN_EXISTS, "role", f"{len(others)} active holder(s)")


@rule("role", "request_type", needs_org=True)
def admin_limit(request: Request) -> Iterator[Finding]:
    """GPP_ADMIN_LIMIT, PL_ADMIN_LIMIT: a New request for a role whose
    limit the organisation's active holders reach. The limits and their
    reasons are the authoriser table's (:data:`verification.policy.ADMIN_LIMITS`,
    also importable from here); a role whose limit is kept by replacing the
    holder (the Main Contact) has no reject here.

    All active holders count, the nominee included (granting cannot take the
    organisation past the limit; a nominee who holds it is also
    NOMINEE_ALREADY_HOLDS_ROLE).
    """
    limit = ADMIN_LIMITS.get(request.role_code or "")
    if limit is None or request.text("request_type") != NEW:
        return
    most, code = limit
    if len(request.holders) >= most:
        yield Finding(code, "role", f"{len(request.holders)} active holders")


@rule("role", "request_type", "nominee_email", needs_org=True)
def nominee_already_holds_role(request: Request) -> Iterator[Finding]:
    """NOMINEE_ALREADY_HOLDS_ROLE: a New request for an active holder of the role.

    Only New (SPEC): an Update naming the current Main Contact replaces the
    others and keeps them, which is harmless.
    """
    if request.text("request_type") == NEW and request.nominee_holds_role():
        yield Finding(R.NOMINEE_ALREADY_HOLDS_ROLE, "nominee_email")


@rule("role", "request_type", needs_org=True)
def main_contact_to_update_exists(request: Request) -> Iterator[Finding]:
    """ROLE_HOLDER_NOT_FOUND: Update of MAIN_CONTACT with no active Main Contact."""
    update = request.role_code == MAIN_CONTACT and request.text("request_type") == UPDATE
    if update and not request.holders:
        yield Finding(R.ROLE_HOLDER_NOT_FOUND, "request_type", "no current Main Contact")


@rule("role", "request_type", "nominee_email", needs_org=True)
def main_contact_to_remove_exists(request: Request) -> Iterator[Finding]:
    """ROLE_HOLDER_NOT_FOUND: Remove of MAIN_CONTACT for a nominee who is not an
    active Main Contact (matched by email)."""
    remove = request.role_code == MAIN_CONTACT and request.text("request_type") == REMOVE
    if remove and not request.nominee_holds_role():
        yield Finding(
            R.ROLE_HOLDER_NOT_FOUND, "nominee_email", "the nominee is not the current Main Contact"
        )


@rule("nominee_email", "request_type", needs_org=True)
def nominee_at_org(request: Request) -> Iterator[Finding]:
    """NOMINEE_NOT_AT_ORG (review): the nominee's email is not active at the org.

    An active staff row *or an active AEL entry* at the organisation counts:
    the AEL is the organisation's own list of its people, and SPEC §4 says AEL
    people need not be in staff.csv. Holding a role elsewhere does not count.
    Not for Remove: the Main Contact being removed has often left.
    """
    if request.text("request_type") == REMOVE:
        return
    code, nominee = request.known_org.org_code, request.text("nominee_email")
    directory = request.directory
    staff = [s for s in directory.staff_by_email(nominee) if s.org_code == code]
    ael = [a for a in directory.ael_by_email(nominee) if a.org_code == code]
    if not any(is_active(row.status) for row in [*staff, *ael]):
        yield Finding(R.NOMINEE_NOT_AT_ORG, "nominee_email")


@rule("role", "nominee_email", "request_type", needs_org=True)
def not_a_duplicate(request: Request) -> Iterator[Finding]:
    """DUPLICATE_REQUEST (review): another open or applied request for the same
    organisation, role and nominee (this request's own reference excluded).

    Not for Remove: the applied request that granted the role is exactly
    what a Remove undoes, and the directory cannot tell request types apart.
    Not for an unrecognised role (ROLE_NOT_UA).
    """
    if request.role_code is None or request.text("request_type") == REMOVE:
        return
    others = request.directory.open_or_applied_requests(
        request.known_org.org_code,
        request.role_code,
        request.text("nominee_email"),
        request.reference,
    )
    others = [ref for ref in others if ref != request.reference]
    if others:
        yield Finding(R.DUPLICATE_REQUEST, "nominee_email", ", ".join(sorted(others)))


RULES = (
    signature_present,
    declaration_ticked,
    signed_not_in_future,
    signed_within_90_days,
    role_is_ua,
    request_type_allowed,
    org_known,
    org_open,
    org_name_matches,
    role_for_org_type,
    user_admin_exists,
    admin_limit,
    nominee_already_holds_role,
    main_contact_to_update_exists,
    main_contact_to_remove_exists,
    nominee_at_org,
    *authorisers.RULES,
    not_a_duplicate,
)


@dataclass(frozen=True)
class GrantAction:
    """What applying the request does to the role holders.

    ``grant``: add the nominee as an active holder. ``replace`` (MAIN_CONTACT
    Update): deactivate the current active Main Contact(s), then grant the
    nominee. ``deactivate`` (MAIN_CONTACT Remove): deactivate the nominee.
    """

    kind: Literal["grant", "replace", "deactivate"]
    org_code: str
    role_code: str
    full_name: str
    email: str


@dataclass(frozen=True)
class Verdict:
    """The decision on one form: outcome, every finding, and what applying means."""

    outcome: Outcome
    findings: tuple[Finding, ...]
    reasons: tuple[Reason, ...]
    fields: dict[str, str | bool | None]
    confidence: dict[str, float]
    action: GrantAction | None


def grant_action(request: Request) -> GrantAction | None:
    """The :class:`GrantAction` for a request, or ``None`` when it names no grant.

    Needs the organisation code, a recognised role, the request type (allowed
    for that role) and the nominee's name and email, present and valid. A
    value read with low confidence is used as read: a caseworker applying a
    review confirms it first.
    """
    fields, code = request.fields, request.role_code
    needed = ("org_code", "request_type", "nominee_name", "nominee_email")
    if code is None or any(not isinstance(fields.get(k), str) for k in needed):
        return None
    kinds = {NEW: "grant", UPDATE: "replace", REMOVE: "deactivate"}
    kind = kinds.get(request.text("request_type"))
    if kind is None or (kind != "grant" and code != MAIN_CONTACT):
        return None
    return GrantAction(
        kind,
        request.text("org_code"),
        code,
        request.text("nominee_name"),
        request.text("nominee_email"),
    )


def _distinct(findings: list[Finding]) -> tuple[Finding, ...]:
    return tuple(dict.fromkeys(findings))


def verify(
    values: Mapping[str, str | bool | None],
    confidence: Mapping[str, float],
    *,
    received: datetime.date,
    directory: Directory,
    reference: str | None = None,
    reading: tuple[Finding, ...] = (),
) -> Verdict:
    """Check one form's values as read against the directory, and decide.

    ``values`` and ``confidence`` are keyed by SPEC §2 keys; ``received`` is
    the day the form reached PCSE; ``reference`` is this request's own
    reference (never its own duplicate); ``reading`` holds what the reader
    found about the file itself (OCR_UNAVAILABLE), which counts like any
    other finding. Every applicable finding is kept; the outcome follows
    SPEC §5 precedence. ``action`` is set unless the outcome is REJECTED or
    the form names no grant.

    >>> from verification.directory import Organisation
    >>> from verification.memory import MemoryDirectory
    >>> directory = MemoryDirectory([Organisation("A81001", "Riverside Surgery",
    ...                                           "gp_practice", "QWE", "active")])
    >>> verdict = verify({"org_code": "a81001", "role": "Joiner & Leaver", "signature": True},
    ...                  {"org_name": 0.4}, received=datetime.date(2026, 3, 2),
    ...                  directory=directory)
    >>> verdict.outcome, verdict.fields["org_code"], verdict.fields["role"]
    (<Outcome.REJECTED: 'rejected'>, 'A81001', 'Joiner & Leaver')
    >>> [f.code.value for f in verdict.findings][:3]
    ['LOW_CONFIDENCE', 'FIELD_MISSING', 'FIELD_MISSING']
    >>> "ROLE_NOT_UA" in {f.code for f in verdict.findings}
    True
    """
    normalised = normalise(values, confidence)
    request = Request(normalised.fields, normalised.blocked, received, directory, reference)
    findings = list(normalised.findings)
    for check in RULES:
        findings.extend(check(request))
    findings.extend(reading)
    return _verdict(
        findings,
        fields=dict(normalised.fields),
        confidence={k: min(1.0, max(0.0, float(confidence.get(k, 1.0)))) for k in FIELD_KEYS},
        request=request,
    )


def unread(findings: tuple[Finding, ...]) -> Verdict:
    """The verdict on a file in which no form could be read (PDF_UNREADABLE,
    FORM_NOT_FOUND, OCR_UNAVAILABLE): no values, no grant.

    >>> verdict = unread((Finding(ReasonCode.FORM_NOT_FOUND),))
    >>> verdict.outcome, verdict.action, verdict.fields["org_code"]
    (<Outcome.REJECTED: 'rejected'>, None, None)
    """
    return _verdict(list(findings), fields=dict.fromkeys(FIELD_KEYS), confidence={}, request=None)


def _verdict(
    findings: list[Finding],
    *,
    fields: dict[str, str | bool | None],
    confidence: dict[str, float],
    request: Request | None,
) -> Verdict:
    """The one place an outcome is decided: SPEC §5 precedence over the
    distinct findings, and the grant it would make."""
    found = _distinct(findings)
    outcome = decide(found)
    grants = outcome is not Outcome.REJECTED and request is not None
    return Verdict(
        outcome=outcome,
        findings=found,
        reasons=tuple(render(f) for f in found),
        fields=fields,
        confidence=confidence,
        action=grant_action(request) if grants else None,
    )
