"""The form's fields (SPEC §2): keys, printed labels, and which are required.

The one table of them: ``intake.reading`` uses these keys too.
"""

from __future__ import annotations

#: Every field key of SPEC §2 with its printed label, in form order.
FIELD_LABELS: dict[str, str] = {
    "org_name": "Organisation name",
    "org_code": "Organisation code (ODS)",
    "role": "User Administrator role",
    "request_type": "Request type",
    "nominee_name": "Nominee full name",
    "nominee_email": "Nominee email address",
    "nominee_job_title": "Nominee job title",
    "requester_name": "Requester name",
    "requester_email": "Requester email address",
    "authoriser_name": "Authoriser full name",
    "authoriser_email": "Authoriser email address",
    "authoriser_capacity": "Authoriser capacity",
    "icb_code": "ICB code",
    "signature": "Authoriser signature",
    "date_signed": "Date signed",
    "declaration": "Declaration",
}

FIELD_KEYS: tuple[str, ...] = tuple(FIELD_LABELS)

#: Fields read as a bool: ink in the signature box, a tick in the declaration box.
BOOLEAN_KEYS: frozenset[str] = frozenset({"signature", "declaration"})

#: Text fields that must not be empty. ``icb_code`` is required only when the
#: capacity is ICB; the signature and declaration have their own reasons.
REQUIRED_TEXT_KEYS: tuple[str, ...] = (
    "org_name",
    "org_code",
    "role",
    "request_type",
    "nominee_name",
    "nominee_email",
    "requester_name",
    "requester_email",
    "authoriser_name",
    "authoriser_email",
    "authoriser_capacity",
    "date_signed",
)

EMAIL_KEYS: frozenset[str] = frozenset({"nominee_email", "requester_email", "authoriser_email"})
#: The fields that hold a person's name.
PERSON_NAME_KEYS: frozenset[str] = frozenset({"nominee_name", "requester_name", "authoriser_name"})


def label(key: str | None) -> str:
    """The printed label for a field key (the key itself if unknown).

    >>> label("nominee_email")
    'Nominee email address'
    """
    if key is None:
        return ""
    return FIELD_LABELS.get(key, key)
