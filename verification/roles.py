"""The vocabularies of the form: §3 roles, request types and authoriser capacities.

Each ``recognise_*`` function maps text as written to its canonical value, or
``None`` when the text is not recognised. Matching is lenient about case,
spacing, punctuation and hyphens, and knows the alternative spellings used on
PCSE's own pages. A role name with a slip of the pen (one or two letters,
like the guidance page's own "Adminsitrator") is recognised when it scores at
least :data:`ROLE_TYPO_SCORE` against exactly one role's spellings; anything
else is not recognised and stays as written (and is then ROLE_NOT_UA).
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

# Spellings after _key(): lower-case, "&" -> "and", punctuation to spaces,
# "organization" -> "organisation", "administration"/"admin" -> "administrator".
_ROLE_ALIASES: dict[str, str] = {
    # GPP_UA: §3 name, the guidance pages' "GPP - Practice User Adminsitrator"
    # and "GPP - Practice User Management".
    "gpp practice user administrator": GPP_UA,
    "gpp practice user management": GPP_UA,
    "gpp user administrator": GPP_UA,
    "gp payments and pensions practice user administrator": GPP_UA,
    # PL_UA: §3 name, "PL Organisation Administrator", "PL Organization User
    # Administration".
    "pl organisation user administrator": PL_UA,
    "pl organisation administrator": PL_UA,
    "pl organisation user management": PL_UA,
    "performers list organisation user administrator": PL_UA,
    # OPTO_UA
    "opto user management organisation": OPTO_UA,
    "opto user management": OPTO_UA,
    "opto organisation user management": OPTO_UA,
    "opto user administrator": OPTO_UA,
    # MAIN_CONTACT
    "main contact": MAIN_CONTACT,
    "records and supplies main contact": MAIN_CONTACT,
    "main contact service desk analyst": MAIN_CONTACT,
}

#: rapidfuzz ``ratio`` (0..100) a misspelt role name needs to be recognised.
ROLE_TYPO_SCORE = 94

_REQUEST_TYPES: dict[str, str] = {
    "new": NEW,
    "new request": NEW,
    "add": NEW,
    "create": NEW,
    "update": UPDATE,
    "amend": UPDATE,
    "change": UPDATE,
    "replace": UPDATE,
    "remove": REMOVE,
    "removal": REMOVE,
    "delete": REMOVE,
    "deactivate": REMOVE,
}

_CAPACITIES: dict[str, str] = {
    "gp partner": GP_PARTNER,
    "gp partners": GP_PARTNER,
    "partner": GP_PARTNER,
    "caldicott guardian": CALDICOTT_GUARDIAN,
    "caldicott": CALDICOTT_GUARDIAN,
    "authorised email list ael user": AEL_USER,
    "authorised email list user": AEL_USER,
    "authorised email list": AEL_USER,
    "ael user": AEL_USER,
    "ael": AEL_USER,
    "user listed on the authorised email list ael": AEL_USER,
    "user listed on the authorised email list": AEL_USER,
    "user listed on the ael": AEL_USER,
    "icb": ICB,
    "integrated care board": ICB,
    "integrated care board icb": ICB,
    "icb representative": ICB,
    "icb contact": ICB,
    "named icb contact": ICB,
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

    >>> recognise_request_type(" update ")
    'Update'
    """
    return _REQUEST_TYPES.get(_key(text))


def recognise_capacity(text: str) -> str | None:
    """The canonical authoriser capacity for text as written, or ``None``.

    >>> recognise_capacity("AEL")
    'Authorised Email List (AEL) user'
    >>> recognise_capacity("Integrated Care Board")
    'ICB'
    """
    return _CAPACITIES.get(_key(text))
