"""Plain-English text for every reason code: :func:`render` for the record
and caseworkers, :func:`for_requester` for what a requester reads.

Each code has a message (what is wrong), an optional detail sentence (added
for caseworkers when the finding carries a detail), and the action the
requester must take. ``{field}`` is the field's printed label from SPEC §2
("Nominee email address"), ``{detail}`` the finding's detail.

A requester reads facts in their own sentences and no internals: not the
directory's counts and codes, not a library's words, not another request's
reference, and no promise about who will act next (whether a caseworker is
checking depends on the request's state, which the status page, the API and
the mails say once, from the request). :data:`FOR_REQUESTER` holds those
words where they differ from :data:`TEXT`.
"""

from __future__ import annotations

from dataclasses import dataclass

from verification.fields import label
from verification.reasons import Finding, ReasonCode

R = ReasonCode
_SIGNER = "Ask an active GP partner, Caldicott Guardian or AEL user at the organisation"

#: code -> (message, detail sentence, action)
TEXT: dict[ReasonCode, tuple[str, str, str]] = {
    R.NOT_A_PDF: (
        "The file sent is not a PDF document.",
        "",
        "Send the authorisation form as a PDF file.",
    ),
    R.PDF_UNREADABLE: (
        "The PDF could not be opened: it is damaged, incomplete, password-protected or too large.",
        "({detail})",
        "Send the form again as an unprotected PDF, under the size limit.",
    ),
    R.FORM_NOT_FOUND: (
        "No PCSE Online User Administrator Authorisation Form was found in the PDF.",
        "",
        "Send the completed PCSE Online User Administrator Authorisation Form.",
    ),
    R.FIELD_MISSING: (
        "'{field}' is empty on the form.",
        "",
        "Fill in '{field}' and send the form again, signed.",
    ),
    R.FIELD_INVALID: (
        "'{field}' is not valid.",
        "It reads '{detail}'.",
        "Correct '{field}' and send the form again, signed.",
    ),
    R.LOW_CONFIDENCE: (
        "'{field}' could not be read with confidence; a caseworker will check it.",
        "It was read as '{detail}'.",
        "No action is needed yet; PCSE will contact you if the form must be sent again.",
    ),
    R.OCR_UNAVAILABLE: (
        "The form is a scanned image and could not be read automatically; a caseworker will "
        "check it.",
        "",
        "No action is needed yet; to avoid delays, send a typed or fillable PDF next time.",
    ),
    R.SIGNATURE_MISSING: (
        "The authoriser has not signed the form.",
        "",
        "Ask the authoriser to sign the form and send it again.",
    ),
    R.DECLARATION_NOT_TICKED: (
        "The declaration box is not ticked.",
        "",
        "Ask the authoriser to tick the declaration, sign the form and send it again.",
    ),
    R.DATE_IN_FUTURE: (
        "The date signed is after the day PCSE received the form.",
        "({detail})",
        "Correct the date signed and send the form again.",
    ),
    R.FORM_TOO_OLD: (
        "The form was signed more than 90 days before PCSE received it.",
        "({detail})",
        "Ask the authoriser to sign a new form and send it within 90 days of signing.",
    ),
    R.ROLE_NOT_UA: (
        "The role requested is not a User Administrator role.",
        "The form asks for '{detail}'.",
        "PCSE can only create User Administrator roles. Ask your organisation's User "
        "Administrator to give you this role.",
    ),
    R.ROLE_NOT_FOR_ORG_TYPE: (
        "The role requested is not available to this type of organisation.",
        "({detail})",
        "Request a User Administrator role that applies to your organisation.",
    ),
    R.REQUEST_TYPE_NOT_ALLOWED: (
        "Only the Main Contact role can be updated or removed by PCSE.",
        "({detail})",
        "Ask your organisation's User Administrator to change or remove this role, or "
        "send a 'New' request if you have none.",
    ),
    R.ORG_UNKNOWN: (
        "The organisation code is not in PCSE's directory.",
        "The form gives '{detail}'.",
        "Check the Organisation code (ODS) and send the form again.",
    ),
    R.ORG_CLOSED: (
        "The organisation is closed.",
        "({detail})",
        "Roles cannot be created for a closed organisation. Check the Organisation code (ODS).",
    ),
    R.ORG_NAME_MISMATCH: (
        "The organisation name on the form does not match the name PCSE holds for that "
        "code; a caseworker will check it.",
        "PCSE holds '{detail}'.",
        "No action is needed yet; PCSE will contact you if the code or name is wrong.",
    ),
    R.USER_ADMIN_EXISTS: (
        "The organisation already has an active holder of this role; a caseworker will check "
        "whether they have left or are on long-term absence.",
        "({detail})",
        "Ask the current holder to give the nominee this role if they can; otherwise PCSE "
        "will contact you.",
    ),
    R.GPP_ADMIN_LIMIT: (
        "The practice already has four active GPP Practice User Administrators, the most allowed.",
        "({detail})",
        "Ask a current GPP Practice User Administrator to deactivate one that is no longer "
        "needed, and then give the nominee the role.",
    ),
    R.PL_ADMIN_LIMIT: (
        "The organisation already has four active PL Organisation Administrators, the most "
        "allowed.",
        "({detail})",
        "Ask a current PL Organisation Administrator to deactivate one that is no longer "
        "needed, and then give the nominee the role.",
    ),
    R.NOMINEE_ALREADY_HOLDS_ROLE: (
        "The nominee already holds this role at the organisation.",
        "",
        "No action is needed.",
    ),
    R.ROLE_HOLDER_NOT_FOUND: (
        "There is no matching current Main Contact to update or remove.",
        "({detail})",
        "Check the nominee and request type; to add a Main Contact, send a 'New' request.",
    ),
    R.NOMINEE_NOT_AT_ORG: (
        "The nominee is not listed as active staff at the organisation; a caseworker will "
        "check it.",
        "",
        "No action is needed yet; PCSE may ask you to confirm the nominee.",
    ),
    R.AUTHORISER_NOT_FOUND: (
        "The authoriser's email address is not in PCSE's directory.",
        "",
        f"{_SIGNER} to sign a new form, using the email address PCSE holds for them.",
    ),
    R.AUTHORISER_INACTIVE: (
        "The authoriser is not active at the organisation.",
        "({detail})",
        f"{_SIGNER} to sign a new form.",
    ),
    R.AUTHORISER_OTHER_ORG: (
        "The authoriser is not listed at the organisation named on the form.",
        "({detail})",
        f"{_SIGNER} to sign a new form.",
    ),
    R.AUTHORISER_CAPACITY_MISMATCH: (
        "The authoriser is not listed at the organisation in the capacity the form claims.",
        "({detail})",
        "Tick the capacity the authoriser holds, or ask an active GP partner, Caldicott "
        "Guardian or AEL user to sign a new form.",
    ),
    R.AUTHORISER_NAME_MISMATCH: (
        "The authoriser's name does not match the name PCSE holds for that email address; a "
        "caseworker will check it.",
        "PCSE holds '{detail}'.",
        "No action is needed yet; PCSE may ask the authoriser to confirm.",
    ),
    R.ICB_NOT_ORG_ICB: (
        "The ICB authoriser is not from the organisation's ICB.",
        "({detail})",
        "Ask a named contact at your organisation's own ICB to sign a new form.",
    ),
    R.ICB_CONTACT_NOT_NAMED: (
        "The ICB authoriser is not an active named ICB contact.",
        "",
        "Request a named ICB contact through the PCSE Contact us form ('PCSE Online Access "
        "enquiries') and ask them to sign a new form.",
    ),
    R.ICB_NOT_PREFERRED: (
        "The form is signed by the ICB although the organisation has a GP partner, "
        "Caldicott Guardian or AEL user who could sign; a caseworker will check it.",
        "",
        "No action is needed yet; next time ask a GP partner, Caldicott Guardian or AEL user "
        "to sign.",
    ),
    R.SELF_AUTHORISED: (
        "The authoriser and the nominee appear to be the same person; a caseworker will check it.",
        "",
        "No action is needed yet; PCSE may ask for a form signed by someone else.",
    ),
    R.DUPLICATE_REQUEST: (
        "Another request for the same organisation, role and nominee is already open or "
        "applied; a caseworker will check it.",
        "(See {detail}.)",
        "No action is needed; do not send the form again.",
    ),
}


@dataclass(frozen=True)
class Reason:
    """A finding in plain English, as the API and notifications show it."""

    code: ReasonCode
    field: str | None
    message: str
    action: str
    #: The finding's detail as the rule gave it (for caseworkers; kept with
    #: the reason so the requester's words can be made again from it).
    detail: str = ""

    def as_dict(self) -> dict[str, str | None]:
        """``{"code", "field", "message", "action", "detail"}`` with the code as
        a string: the reason as it is stored (the API shows the first four)."""
        return {
            "code": self.code.value,
            "field": self.field,
            "message": self.message,
            "action": self.action,
            "detail": self.detail,
        }


def render(finding: Finding) -> Reason:
    """The plain-English :class:`Reason` for a finding.

    >>> render(Finding(ReasonCode.FIELD_MISSING, "nominee_email")).message
    "'Nominee email address' is empty on the form."
    >>> render(Finding(ReasonCode.ORG_NAME_MISMATCH, "org_name", "The Surgery")).message
    ... # doctest: +ELLIPSIS
    "The organisation name ... PCSE holds 'The Surgery'."
    """
    message, detail, action = TEXT[finding.code]
    values = {"field": label(finding.field) or "A field", "detail": finding.detail}
    text = message.format_map(values)
    if finding.detail and detail:
        text = f"{text} {detail.format_map(values)}"
    return Reason(
        finding.code, finding.field, text, action.format_map(values), finding.detail or ""
    )


_NEW_FORM = "and send the form again, signed."
_SIGN_AGAIN = (
    "Ask an active GP partner, Caldicott Guardian or AEL user at the organisation to sign a "
    "new form."
)

#: What a requester reads, where it differs from :data:`TEXT`: code ->
#: (message, a sentence of the finding's detail, or "" to leave the detail out,
#: the action when the form is sent again). A detail is shown only when it is
#: the requester's own words (a value from their form) or a fact about their
#: own organisation; the rest stays for caseworkers.
FOR_REQUESTER: dict[ReasonCode, tuple[str, str, str]] = {
    R.PDF_UNREADABLE: (
        "The PDF could not be opened.",
        "",
        "Send the form again as a complete PDF without a password, under the size limit.",
    ),
    R.FIELD_INVALID: (
        "'{field}' is not valid.",
        "The form gives '{detail}'.",
        f"Correct '{{field}}' {_NEW_FORM}",
    ),
    R.LOW_CONFIDENCE: (
        "'{field}' could not be read clearly.",
        "",
        "Fill the form in on a computer if you can, or write clearly in black ink.",
    ),
    R.OCR_UNAVAILABLE: (
        "The form is a scanned image, which could not be read automatically.",
        "",
        "Send a typed or fillable PDF rather than a scan if you can.",
    ),
    R.DATE_IN_FUTURE: (
        "The date signed is after the day PCSE received the form.",
        "",
        "Correct the date signed and send the form again.",
    ),
    R.FORM_TOO_OLD: (
        "The form was signed more than 90 days before PCSE received it.",
        "",
        "Ask the authoriser to sign a new form and send it within 90 days of signing.",
    ),
    R.ROLE_NOT_FOR_ORG_TYPE: (
        "The role requested is not available to this type of organisation.",
        "",
        "Request a User Administrator role that applies to your organisation.",
    ),
    R.REQUEST_TYPE_NOT_ALLOWED: (
        "Only the Main Contact role can be updated or removed by PCSE.",
        "",
        TEXT[R.REQUEST_TYPE_NOT_ALLOWED][2],
    ),
    R.ORG_CLOSED: ("The organisation is closed.", "", TEXT[R.ORG_CLOSED][2]),
    R.ORG_NAME_MISMATCH: (
        "The organisation name on the form does not match the name PCSE holds for that code.",
        "PCSE holds the name '{detail}'.",
        "Check the organisation name and code against your records.",
    ),
    R.USER_ADMIN_EXISTS: (
        "The organisation already has someone in this role.",
        "",
        "Ask the current holder to give the nominee this role if they can.",
    ),
    R.GPP_ADMIN_LIMIT: (
        "The practice already has four GPP Practice User Administrators, the most allowed.",
        "",
        TEXT[R.GPP_ADMIN_LIMIT][2],
    ),
    R.PL_ADMIN_LIMIT: (
        "The organisation already has four PL Organisation Administrators, the most allowed.",
        "",
        TEXT[R.PL_ADMIN_LIMIT][2],
    ),
    R.NOMINEE_ALREADY_HOLDS_ROLE: (
        "The nominee already holds this role at the organisation.",
        "",
        "Nothing: the nominee can use the role already.",
    ),
    R.ROLE_HOLDER_NOT_FOUND: (
        "There is no matching current Main Contact to update or remove.",
        "",
        TEXT[R.ROLE_HOLDER_NOT_FOUND][2],
    ),
    R.NOMINEE_NOT_AT_ORG: (
        "The nominee is not listed as active staff at the organisation.",
        "",
        "Check the nominee's name and email address.",
    ),
    R.AUTHORISER_INACTIVE: (
        "The authoriser is not active at the organisation.",
        "",
        f"{_SIGN_AGAIN}",
    ),
    R.AUTHORISER_OTHER_ORG: (
        "The authoriser is not listed at the organisation named on the form.",
        "",
        f"{_SIGN_AGAIN}",
    ),
    R.AUTHORISER_CAPACITY_MISMATCH: (
        "The authoriser is not listed at the organisation in the capacity the form claims.",
        "",
        TEXT[R.AUTHORISER_CAPACITY_MISMATCH][2],
    ),
    R.AUTHORISER_NAME_MISMATCH: (
        "The authoriser's name does not match the name PCSE holds for their email address.",
        "",
        "Check that the authoriser's name and email address are the ones PCSE holds for them.",
    ),
    R.ICB_NOT_ORG_ICB: (
        "The ICB authoriser is not from the organisation's ICB.",
        "",
        TEXT[R.ICB_NOT_ORG_ICB][2],
    ),
    R.ICB_NOT_PREFERRED: (
        "The form is signed by the ICB although the organisation has a GP partner, Caldicott "
        "Guardian or AEL user who could sign.",
        "",
        "Ask a GP partner, Caldicott Guardian or AEL user at the organisation to sign.",
    ),
    R.SELF_AUTHORISED: (
        "The authoriser and the nominee appear to be the same person.",
        "",
        "Ask someone else who may authorise to sign the form.",
    ),
    R.DUPLICATE_REQUEST: (
        "Another request for the same organisation, role and nominee is already open or applied.",
        "",
        "Do not send the same request again; follow the earlier one.",
    ),
}

#: What is wrong with a PDF that could not be opened, by the words the
#: reader used (its message is plain, but may carry sizes in bytes).
_UNREADABLE_BECAUSE = (
    ("password", "It is protected by a password needed to open it."),
    ("stops before its end", "It stops before its end, so part of it is missing."),
    ("page limit", "It has more pages than the service reads."),
    ("byte limit", "It is larger than the service accepts."),
    ("no pages", "It has no pages."),
    ("took longer", "It took too long to read."),
    ("damaged", "It is damaged inside."),
)


def for_requester(code: str, field: str | None = None, detail: str = "") -> Reason | None:
    """A stored reason in the requester's words; ``None`` for an unknown code.

    >>> for_requester("USER_ADMIN_EXISTS", "role", "1 active holder(s)").message
    'The organisation already has someone in this role.'
    >>> for_requester("DUPLICATE_REQUEST", "nominee_email", "UA-2026-000001").message
    'Another request for the same organisation, role and nominee is already open or applied.'
    >>> for_requester("NOT_A_PDF", None, "the file is a JPEG image, not a PDF").message
    'The file is a JPEG image, not a PDF.'
    >>> for_requester("PDF_UNREADABLE", None, "the PDF is protected by a password").message
    'The PDF could not be opened. It is protected by a password needed to open it.'
    """
    try:
        reason_code = ReasonCode(code)
    except ValueError:
        return None
    base_message, base_detail, base_action = TEXT[reason_code]
    message, sentence, action = FOR_REQUESTER.get(
        reason_code, (base_message, base_detail, base_action)
    )
    detail = (detail or "").strip()
    values = {"field": label(field) or "A field", "detail": detail}
    text = message.format_map(values)
    if reason_code is R.NOT_A_PDF and detail.startswith("the file is "):
        text = f"{detail[0].upper()}{detail[1:].rstrip('.')}."
    elif reason_code is R.PDF_UNREADABLE and detail:
        because = next((why for key, why in _UNREADABLE_BECAUSE if key in detail.lower()), "")
        text = f"{text} {because}".strip()
    elif detail and sentence:
        text = f"{text} {sentence.format_map(values)}"
    return Reason(reason_code, field, text, action.format_map(values))
