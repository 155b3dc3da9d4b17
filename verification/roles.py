"""The vocabularies of the form: §3 roles, request types and authoriser capacities.

Each ``recognise_*`` function maps text as written to its canonical value, or
``None`` when the text is not recognised. A value must be one of the values
the form allows, as printed (SPEC §2): matching ignores case, spacing,
punctuation and hyphens, and UK/US spellings ("Organization", "Authorized",
"E-mail"); role names also ignore "Administration"/"Administrator"/"Admins"
(SPEC §3).

Besides the printed value, only other *printings of the same words* are
known: the spellings on PCSE's own guidance pages (such as "GPP - Practice
User Management", "PL Organisation Administrator", "GP Partners", "User
listed on the Authorised Email List (AEL)"), and, for a value printed with
its abbreviation ("Authorised Email List (AEL) user"), either half of it
("AEL user", "Authorised Email List user"). Nothing else is a spelling:

* a synonym ("Amend", "Change", "Add", "Delete", "Removal", "Opto User
  Administrator") is a guess at what was meant;
* part of the value ("Partner", "GP", "Caldicott", "AEL", "Opto User
  Management") or more than it ("New request", "ICB representative",
  "Records & Supplies Main Contact") is another value;
* an abbreviation written out that the form does not print ("Integrated
  Care Board") is another value.

An unrecognised request type or capacity is then FIELD_INVALID; an
unrecognised role stays as written and is ROLE_NOT_UA. The one allowance is
for a role name with a slip of the pen (one or two letters, like the guidance
page's own "Adminsitrator"): it is recognised when it scores at least
:data:`ROLE_TYPO_SCORE` against exactly one role's spellings. Request types
and capacities get no typo allowance: they are short, and a guess is exactly
what SPEC §2 rules out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

GPP_UA = "GPP_UA"
PL_UA = "PL_UA"
OPTO_UA = "OPTO_UA"
MAIN_CONTACT = "MAIN_CONTACT"

NEW = "New"
UPDATE = "Update"
REMOVE = "Remove"

GP_PARTNER = "GP Partner"
CALDICOTT_GUARDIAN = "Caldicott Guardian"
AEL_USER = "Authorised Email List (AEL) user"
ICB = "ICB"


@dataclass(frozen=True)
class Role:
    """One User Administration role PCSE can create (SPEC §3)."""

    code: str
    name: str
    service: str
    org_types: frozenset[str]


ROLES: dict[str, Role] = {
    role.code: role
    for role in (
        Role(
            GPP_UA,
            "GPP Practice User Administrator",
            "GP Payments & Pensions",
            frozenset({"gp_practice"}),
        ),
        Role(
            PL_UA,
            "PL Organisation User Administrator",
            "Performers List",
            frozenset({"gp_practice", "optometry", "dental"}),
        ),
        Role(
            OPTO_UA, "Opto User Management (Organisation)", "Ophthalmic", frozenset({"optometry"})
        ),
        Role(MAIN_CONTACT, "Main Contact", "Records & Supplies", frozenset({"gp_practice"})),
    )
}

#: How each role is printed: §3's name first, then PCSE's guidance pages
#: ("GPP - Practice User Management" and "GPP User Admins" on the GP Payments
#: & Pensions page, "PL Organisation Administrator" on the User Management
#: page, "Main Contact" over "Service Desk Analyst" in the Records & Supplies
#: row of the authorisers table).
ROLE_SPELLINGS: dict[str, tuple[str, ...]] = {
    GPP_UA: (
        "GPP Practice User Administrator",
        "GPP - Practice User Management",
        "GPP User Admins",
    ),
    PL_UA: ("PL Organisation User Administrator", "PL Organisation Administrator"),
    OPTO_UA: ("Opto User Management (Organisation)",),
    MAIN_CONTACT: ("Main Contact", "Main Contact Service Desk Analyst"),
}

#: rapidfuzz ``ratio`` (0..100) a misspelt role name needs to be recognised.
ROLE_TYPO_SCORE = 94

#: The request types the form prints.
REQUEST_TYPE_SPELLINGS: dict[str, tuple[str, ...]] = {
    NEW: ("New",),
    UPDATE: ("Update",),
    REMOVE: ("Remove",),
}

#: How each capacity is printed: on the form, then in PCSE's "authorisation
#: in order of preference" list ("GP Partners", "User listed on the
#: Authorised Email List (AEL)", "User listed on the (AEL)"); a value printed
#: with its abbreviation also as either half.
CAPACITY_SPELLINGS: dict[str, tuple[str, ...]] = {
    GP_PARTNER: ("GP Partner", "GP Partners"),
    CALDICOTT_GUARDIAN: ("Caldicott Guardian",),
    AEL_USER: (
        "Authorised Email List (AEL) user",
        "Authorised Email List user",
        "AEL user",
        "User listed on the Authorised Email List (AEL)",
        "User listed on the Authorised Email List",
        "User listed on the (AEL)",
    ),
    ICB: ("ICB",),
}

_SPELLINGS = (
    (re.compile(r"\borgani[sz]ation\b"), "organisation"),
    (re.compile(r"\badministrat(?:ion|or|er)s?\b|\badmins?\b"), "administrator"),
    (re.compile(r"\bauthori[sz]ed\b"), "authorised"),
    (re.compile(r"\bpractise\b"), "practice"),
)


def _key(text: str) -> str:
    """Lower-case, '&' as 'and', punctuation as spaces, UK spellings."""
    text = text.lower().replace("&", " and ").replace("_", " ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def _spaceless(text: str) -> str:
    """:func:`_key` without spaces: "GPPartner" is "GP Partner"."""
    return _key(text).replace(" ", "")


_ROLE_ALIASES: dict[str, str] = {
    _key(spelling): code for code, spellings in ROLE_SPELLINGS.items() for spelling in spellings
}
_REQUEST_TYPES: dict[str, str] = {
    _spaceless(spelling): kind
    for kind, spellings in REQUEST_TYPE_SPELLINGS.items()
    for spelling in spellings
}
_CAPACITIES: dict[str, str] = {
    _spaceless(spelling): capacity
    for capacity, spellings in CAPACITY_SPELLINGS.items()
    for spelling in spellings
}


def recognise_role(text: str) -> str | None:
    """The §3 role code for a role name as written, or ``None``.

    >>> recognise_role("GPP - Practice User Administration")
    'GPP_UA'
    >>> recognise_role("pl organization user administrator")
    'PL_UA'
    >>> recognise_role("MAIN_CONTACT")
    'MAIN_CONTACT'
    >>> recognise_role("GPP - Practice User Adminsitrator")
    'GPP_UA'
    >>> recognise_role("Joiner & Leaver") is None
    True
    >>> recognise_role("Opto User Administrator") is None
    True
    """
    key = _key(text)
    if not key:
        return None
    as_code = key.upper().replace(" ", "_")
    if as_code in ROLES:
        return as_code
    if key in _ROLE_ALIASES:
        return _ROLE_ALIASES[key]
    close = process.extract(
        key, list(_ROLE_ALIASES), scorer=fuzz.ratio, score_cutoff=ROLE_TYPO_SCORE, limit=None
    )
    codes = {_ROLE_ALIASES[alias] for alias, _score, _index in close}
    return codes.pop() if len(codes) == 1 else None


def recognise_request_type(text: str) -> str | None:
    """``New``, ``Update`` or ``Remove`` for a request type as written, or ``None``.

    Only the printed words, in any case, spacing or punctuation; a synonym is
    not recognised.

    >>> recognise_request_type(" update. "), recognise_request_type("REMOVE")
    ('Update', 'Remove')
    >>> recognise_request_type("Amend") is None, recognise_request_type("Add") is None
    (True, True)
    """
    return _REQUEST_TYPES.get(_spaceless(text))


def recognise_capacity(text: str) -> str | None:
    """The canonical authoriser capacity for text as written, or ``None``.

    Only the :data:`CAPACITY_SPELLINGS`, in any case, spacing or punctuation.

    >>> recognise_capacity("AEL user"), recognise_capacity("Authorized E-mail List user")
    ('Authorised Email List (AEL) user', 'Authorised Email List (AEL) user')
    >>> recognise_capacity("gp-partner")
    'GP Partner'
    >>> recognise_capacity("Partner") is None, recognise_capacity("Caldicott") is None
    (True, True)
    """
    return _CAPACITIES.get(_spaceless(text))


def printed_option(field: str, text: str) -> str | None:
    """How the form prints the option ``text`` is read as, for a field whose
    value is one of printed options (``role``, ``request_type``,
    ``authoriser_capacity``): the spelling of that option nearest ``text``,
    in capitals if ``text`` is. ``None`` when ``text`` is none of them.

    >>> printed_option("role", "PI Organisation User Administrator")
    'PL Organisation User Administrator'
    >>> printed_option("authoriser_capacity", "AUTHORISED EMAIL LIST (AEL} USER")
    'AUTHORISED EMAIL LIST (AEL) USER'
    >>> printed_option("request_type", "Amend") is None
    True
    >>> printed_option("authoriser_capacity", "GP  partner")
    'GP partner'
    >>> printed_option("authoriser_capacity", "iCB")
    'ICB'
    >>> printed_option("role", "Pl ORGANISATION USFR ADMINISTRATOR")
    'PL ORGANISATION USER ADMINISTRATOR'
    """
    if field == "role":
        code = recognise_role(text)
        spellings = ROLE_SPELLINGS.get(code, ()) if code else ()
    elif field == "request_type":
        kind = recognise_request_type(text)
        spellings = REQUEST_TYPE_SPELLINGS.get(kind, ()) if kind else ()
    elif field == "authoriser_capacity":
        capacity = recognise_capacity(text)
        spellings = CAPACITY_SPELLINGS.get(capacity, ()) if capacity else ()
    else:
        return None
    if not spellings:
        return None
    written = " ".join(text.split())
    for spelling in spellings:
        if spelling.casefold() == written.casefold() and all(
            word in (printed, printed.upper(), printed.lower(), printed.capitalize())
            for word, printed in zip(written.split(), spelling.split(), strict=True)
        ):
            return written  # a printed spelling, as written (in its own case)
    nearest = max(spellings, key=lambda spelling: fuzz.ratio(_key(spelling), _key(text)))
    letters = [c for c in text if c.isalpha()]
    capitals = sum(c.isupper() for c in letters) > 0.7 * len(letters)
    return nearest.upper() if capitals else nearest
