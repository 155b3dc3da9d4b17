"""What a caseworker checks for each reason, and which directory facts show it.

The requester is told what *they* must do (``verification.text``); a
caseworker needs something else: what to look at before deciding, and the
directory records the rule looked at. :data:`CHECKS` holds the first, and
:data:`FACTS` says which records each reason rests on (the service fetches
them: ``intake.directory.facts``).
"""

from __future__ import annotations

from verification.reasons import ReasonCode

R = ReasonCode

#: The kinds of directory facts a reason rests on.
ORGANISATION = "organisation"
HOLDERS = "holders"
AUTHORISER = "authoriser"
AUTHORISERS_AT_ORG = "authorisers_at_org"
NOMINEE = "nominee"

#: For each reason: what the caseworker checks before applying or rejecting.
CHECKS: dict[ReasonCode, str] = {
    R.NOT_A_PDF: "Open the file: if it is a photo or scan of the form, ask for it as a PDF.",
    R.PDF_UNREADABLE: "Try opening the file: if a viewer opens it, report a reading fault.",
    R.FORM_NOT_FOUND: "Look at the pages: is it the PCSE form, another form, or blank?",
    R.FIELD_MISSING: "Compare the named field with the page image: is it really empty?",
    R.FIELD_INVALID: "Compare the named field with the page image: was it read as written?",
    R.LOW_CONFIDENCE: "Read the named field on the page image; correct it below if it was misread.",
    R.OCR_UNAVAILABLE: "Read every field from the page image and enter the values as corrections.",
    R.SIGNATURE_MISSING: "Look at the signature box on the page image.",
    R.DECLARATION_NOT_TICKED: "Look at the declaration box on the page image.",
    R.DATE_IN_FUTURE: "Check the date signed on the page and the day the form was received.",
    R.FORM_TOO_OLD: "Check the date signed on the page and the day the form was received.",
    R.ROLE_NOT_UA: "PCSE cannot grant this role: reject, unless the role was misread.",
    R.ROLE_NOT_FOR_ORG_TYPE: "Check the organisation's type below against the role asked for.",
    R.REQUEST_TYPE_NOT_ALLOWED: "Only the Main Contact can be updated or removed: reject.",
    R.ORG_UNKNOWN: "Check the ODS code on the page; the directory has no such organisation.",
    R.ORG_CLOSED: "The directory says the organisation is closed (below): reject.",
    R.ORG_NAME_MISMATCH: "Compare the name on the form with the directory's (below): same place?",
    R.USER_ADMIN_EXISTS: "Ask the organisation whether the holders below have left or are on "
    "long-term absence before applying.",
    R.GPP_ADMIN_LIMIT: "Four holders are active (below): one must be removed first.",
    R.PL_ADMIN_LIMIT: "Four holders are active (below): one must be removed first.",
    R.NOMINEE_ALREADY_HOLDS_ROLE: "The nominee is already a holder (below): nothing to do.",
    R.ROLE_HOLDER_NOT_FOUND: "Compare the current holders below with the person named.",
    R.NOMINEE_NOT_AT_ORG: "The nominee's records are below: confirm with the organisation that "
    "they work there before applying.",
    R.AUTHORISER_NOT_FOUND: "The email is in no list: check it on the page for a misreading.",
    R.AUTHORISER_INACTIVE: "The authoriser's records are below: inactive at this organisation.",
    R.AUTHORISER_OTHER_ORG: "The authoriser's records are below: listed elsewhere only.",
    R.AUTHORISER_CAPACITY_MISMATCH: "Compare the capacity claimed with the authoriser's records "
    "below.",
    R.AUTHORISER_NAME_MISMATCH: "Compare the name signed with the names the directory holds for "
    "that email (below).",
    R.ICB_NOT_ORG_ICB: "Compare the organisation's ICB with the authoriser's (below).",
    R.ICB_CONTACT_NOT_NAMED: "The authoriser is not an active named ICB contact (below).",
    R.ICB_NOT_PREFERRED: "The organisation has authorisers of its own (below): ask why the ICB "
    "signed before applying.",
    R.SELF_AUTHORISED: "The authoriser names themselves: confirm with the organisation that "
    "this is intended before applying.",
    R.DUPLICATE_REQUEST: "Open the other requests listed and decide whether this one adds "
    "anything.",
}

#: For each reason: the directory facts it rests on, shown beside it.
FACTS: dict[ReasonCode, tuple[str, ...]] = {
    R.ROLE_NOT_FOR_ORG_TYPE: (ORGANISATION,),
    R.ORG_CLOSED: (ORGANISATION,),
    R.ORG_NAME_MISMATCH: (ORGANISATION,),
    R.USER_ADMIN_EXISTS: (HOLDERS,),
    R.GPP_ADMIN_LIMIT: (HOLDERS,),
    R.PL_ADMIN_LIMIT: (HOLDERS,),
    R.NOMINEE_ALREADY_HOLDS_ROLE: (HOLDERS,),
    R.ROLE_HOLDER_NOT_FOUND: (HOLDERS,),
    R.NOMINEE_NOT_AT_ORG: (NOMINEE,),
    R.AUTHORISER_INACTIVE: (AUTHORISER,),
    R.AUTHORISER_OTHER_ORG: (AUTHORISER,),
    R.AUTHORISER_CAPACITY_MISMATCH: (AUTHORISER,),
    R.AUTHORISER_NAME_MISMATCH: (AUTHORISER,),
    R.ICB_NOT_ORG_ICB: (ORGANISATION, AUTHORISER),
    R.ICB_CONTACT_NOT_NAMED: (ORGANISATION, AUTHORISER),
    R.ICB_NOT_PREFERRED: (AUTHORISERS_AT_ORG,),
}


def check_for(code: str) -> str | None:
    """What the caseworker checks for ``code`` (``None`` for an unknown code).

    >>> check_for("ORG_CLOSED")
    'The directory says the organisation is closed (below): reject.'
    >>> check_for("NOT_A_CODE") is None
    True
    """
    try:
        return CHECKS[ReasonCode(code)]
    except ValueError:
        return None
