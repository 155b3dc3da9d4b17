"""The list of sample files: one scenario per request, received 2026-11-20.

Each scenario aims at the smallest set of reason codes it is about; the
``about`` text says why the codes follow from SPEC §5 and the directory.
"""

from __future__ import annotations

from sample_forms.scenarios import Request, Sample, Style, _riverside, request

APPLIED = "applied"
REJECTED = "rejected"
REVIEW = "review"

GP_PARTNER = request(
    "GP partner of the practice authorises a GPP User Administrator for its practice manager",
    APPLIED,
    (),
    Style(labels="colon", signature="typed", tick="drawn_x"),
    **_riverside(
        authoriser_email="Sarah.Collins@NHS.net",
        date_signed="01/11/2026",
        nominee_job_title="Practice Manager",
    ),
)

CALDICOTT = request(
    "Caldicott Guardian authorises; fillable PDF with fields named by key",
    APPLIED,
    (),
    Style(signature="typed", tick="acroform", acroform="key"),
    org_name="Hillview Surgery",
    org_code="A81002",
    role="GPP Practice User Administrator",
    request_type="New",
    nominee_name="Mark Evans",
    nominee_email="mark.evans@nhs.net",
    nominee_job_title="Practice Manager",
    requester_name="Mark Evans",
    requester_email="mark.evans@nhs.net",
    authoriser_name="Helen Morris",
    authoriser_email="helen.morris@nhs.net",
    authoriser_capacity="Caldicott Guardian",
    date_signed="12 October 2026",
)

_BROOK_LANE = dict(
    org_name="Brook Lane Opticians",
    org_code="C82010",
    request_type="New",
    requester_name="Daniel Price",
    requester_email="daniel.price@nhs.net",
    authoriser_name="Rachel Adams",
    authoriser_email="governance@brooklaneopticians.co.uk",
    authoriser_capacity="Authorised Email List (AEL) user",
    date_signed="3 Nov 2026",
)

AEL_USER = request(
    "Authoriser's email is on the optometry practice's Authorised Email List",
    APPLIED,
    (),
    Style(signature="strokes", tick="check"),
    role="Opto User Management (Organisation)",
    nominee_name="Tom Hughes",
    nominee_email="tom.hughes@nhs.net",
    nominee_job_title="Receptionist",
    **_BROOK_LANE,
)

NOMINEE_ELSEWHERE = request(
    "Nominee is not on the practice's staff list (second form in the same PDF)",
    REVIEW,
    ("NOMINEE_NOT_AT_ORG",),
    Style(layout="below", signature="strokes", tick="char_x"),
    role="PL Organisation User Administrator",
    nominee_name="Laura Green",
    nominee_email="laura.green@nhs.net",
    nominee_job_title="Dispensing Optician",
    **_BROOK_LANE,
)

ICB = request(
    "Named ICB contact of the practice's ICB authorises; the practice has no active GP "
    "partner, Caldicott Guardian or AEL entry; covering letter first; long name wraps",
    APPLIED,
    (),
    Style(labels="upper", signature="strokes", tick="drawn_x"),
    org_name="Moorside and Upper Valley Family Practice incorporating Lowmoor Branch Surgery",
    org_code="A81003",
    role="PL Organisation User Administrator",
    request_type="New",
    nominee_name="Grace Lee",
    nominee_email="grace.lee@nhs.net",
    nominee_job_title="Practice Manager",
    requester_name="Grace Lee",
    requester_email="grace.lee@nhs.net",
    authoriser_name="Anita Rao",
    authoriser_email="anita.rao@nhs.net",
    authoriser_capacity="ICB",
    icb_code="QWE",
    date_signed="2026-11-10",
)

MAIN_CONTACT_UPDATE = request(
    "Update replaces the current Main Contact with the nominee; value under each label",
    APPLIED,
    (),
    Style(layout="below", signature="strokes", tick="char_x"),
    org_name="Church Street Surgery",
    org_code="A81004",
    role="Main Contact",
    request_type="Update",
    nominee_name="Oliver King",
    nominee_email="oliver.king@nhs.net",
    nominee_job_title="Practice Manager",
    requester_name="Oliver King",
    requester_email="oliver.king@nhs.net",
    authoriser_name="Ben Carter",
    authoriser_email="ben.carter@nhs.net",
    authoriser_capacity="GP partner",
    date_signed="14/10/2026",
)

NOT_A_UA_ROLE = request(
    "Asks for 'Joiner & Leaver', a role only the practice's own User Administrator can grant",
    REJECTED,
    ("ROLE_NOT_UA",),
    Style(signature="typed", tick="bracket_x"),
    org_name="Northgate Medical Practice",
    org_code="A81008",
    role="Joiner & Leaver",
    request_type="New",
    nominee_name="Sam Taylor",
    nominee_email="sam.taylor@nhs.net",
    nominee_job_title="Administrator",
    requester_name="Sam Taylor",
    requester_email="sam.taylor@nhs.net",
    authoriser_name="Fiona Reid",
    authoriser_email="fiona.reid@nhs.net",
    authoriser_capacity="GP Partner",
    date_signed="5 November 2026",
)

INACTIVE_AUTHORISER = request(
    "Authoriser is an inactive GP partner at this practice (active at another); "
    "the form runs over two pages",
    REJECTED,
    ("AUTHORISER_INACTIVE",),
    Style(signature="strokes", tick="drawn_x", split=True),
    org_name="Hillview Surgery",
    org_code="A81002",
    role="PL Organisation User Administrator",
    request_type="New",
    nominee_name="Mark Evans",
    nominee_email="mark.evans@nhs.net",
    nominee_job_title="Practice Manager",
    requester_name="Mark Evans",
    requester_email="mark.evans@nhs.net",
    authoriser_name="James Patel",
    authoriser_email="james.patel@nhs.net",
    authoriser_capacity="GP Partner",
    date_signed="2026-10-28",
)

OTHER_ORG_AUTHORISER = request(
    "Authoriser is a GP partner at another practice, not listed at this one",
    REJECTED,
    ("AUTHORISER_OTHER_ORG",),
    Style(layout="below", labels="email-hyphen", signature="typed", tick="check"),
    org_name="Greenfields Practice",
    org_code="A81007",
    role="GPP Practice User Administrator",
    request_type="New",
    nominee_name="Nina Brown",
    nominee_email="nina.brown@nhs.net",
    nominee_job_title="Practice Manager",
    requester_name="Nina Brown",
    requester_email="nina.brown@nhs.net",
    authoriser_name="Sarah Collins",
    authoriser_email="sarah.collins@nhs.net",
    authoriser_capacity="GP Partner",
    date_signed="30 Sep 2026",
)

CAPACITY_MISMATCH = request(
    "A salaried GP claims to authorise as a GP Partner",
    REJECTED,
    ("AUTHORISER_CAPACITY_MISMATCH",),
    Style(signature="strokes", tick="char_x"),
    **_riverside(
        role="PL Organisation User Administrator",
        authoriser_name="Tom Baker",
        authoriser_email="tom.baker@nhs.net",
        date_signed="18/11/2026",
    ),
)

NO_SIGNATURE = request(
    "Signature box left empty; fillable PDF with fields named by their printed labels",
    REJECTED,
    ("SIGNATURE_MISSING",),
    Style(signature="none", tick="acroform", acroform="label"),
    org_name="Clearview Eyecare",
    org_code="C82011",
    role="Opto User Management (Organisation)",
    request_type="New",
    nominee_name="Julia Scott",
    nominee_email="julia.scott@nhs.net",
    nominee_job_title="Administrator",
    requester_name="Julia Scott",
    requester_email="julia.scott@nhs.net",
    authoriser_name="Kevin O'Neill",
    authoriser_email="kevin.oneill@nhs.net",
    authoriser_capacity="Caldicott Guardian",
    date_signed="9 November 2026",
)

NOT_TICKED = request(
    "Declaration box left empty",
    REJECTED,
    ("DECLARATION_NOT_TICKED",),
    Style(signature="typed", tick="empty"),
    org_name="Smile Dental Care",
    org_code="V00123",
    role="PL Organisation User Administrator",
    request_type="New",
    nominee_name="Chris Wood",
    nominee_email="chris.wood@nhs.net",
    nominee_job_title="Practice Manager",
    requester_name="Chris Wood",
    requester_email="chris.wood@nhs.net",
    authoriser_name="Aisha Khan",
    authoriser_email="aisha.khan@nhs.net",
    authoriser_capacity="Caldicott Guardian",
    date_signed="2026-11-02",
)

UNKNOWN_ORG = request(
    "ODS code not in the directory (checks that need the organisation cannot run; the "
    "authoriser is in the directory, so AUTHORISER_NOT_FOUND does not apply)",
    REJECTED,
    ("ORG_UNKNOWN",),
    Style(signature="strokes", tick="drawn_x"),
    org_name="Westbrook Surgery",
    org_code="A99999",
    role="GPP Practice User Administrator",
    request_type="New",
    nominee_name="Paula Dean",
    nominee_email="paula.dean@nhs.net",
    nominee_job_title="Practice Manager",
    requester_name="Paula Dean",
    requester_email="paula.dean@nhs.net",
    authoriser_name="Fiona Reid",
    authoriser_email="fiona.reid@nhs.net",
    authoriser_capacity="GP Partner",
    date_signed="7 Nov 2026",
)

CLOSED_ORG = request(
    "The practice is closed (its partner and manager are still listed as active)",
    REJECTED,
    ("ORG_CLOSED",),
    Style(layout="below", signature="typed", tick="check"),
    org_name="Old Mill Surgery",
    org_code="A81006",
    role="GPP Practice User Administrator",
    request_type="New",
    nominee_name="Holly Baker",
    nominee_email="holly.baker@nhs.net",
    nominee_job_title="Practice Manager",
    requester_name="Holly Baker",
    requester_email="holly.baker@nhs.net",
    authoriser_name="George Wright",
    authoriser_email="george.wright@nhs.net",
    authoriser_capacity="GP Partner",
    date_signed="22/10/2026",
)

MISSING_FIELD = request(
    "Requester name left blank; fields printed in another order",
    REJECTED,
    ("FIELD_MISSING",),
    Style(signature="strokes", tick="drawn_x", order="shuffled"),
    org_name="Parkway Health Centre",
    org_code="A81005",
    role="PL Organisation User Administrator",
    request_type="New",
    nominee_name="Zara Ali",
    nominee_email="zara.ali@nhs.net",
    nominee_job_title="Practice Manager",
    requester_name=None,
    requester_email="zara.ali@nhs.net",
    authoriser_name="Paul Green",
    authoriser_email="paul.green@nhs.net",
    authoriser_capacity="GP Partner",
    date_signed="15 October 2026",
)

INVALID_EMAIL = request(
    "Requester email address has no @ (only the requester's address is wrong, so no "
    "other check is affected)",
    REJECTED,
    ("FIELD_INVALID",),
    Style(signature="typed", tick="drawn_x", labels="numbered"),
    org_name="Northgate Medical Practice",
    org_code="A81008",
    role="PL Organisation User Administrator",
    request_type="New",
    nominee_name="Sam Taylor",
    nominee_email="sam.taylor@nhs.net",
    nominee_job_title="Administrator",
    requester_name="Sam Taylor",
    requester_email="sam.taylor.nhs.net",
    authoriser_name="Fiona Reid",
    authoriser_email="fiona.reid@nhs.net",
    authoriser_capacity="GP Partner",
    date_signed="2026-11-05",
)

EXISTING_ADMIN = request(
    "The practice already has an active PL Organisation User Administrator",
    REVIEW,
    ("USER_ADMIN_EXISTS",),
    Style(signature="typed", tick="char_x"),
    org_name="Greenfields Practice",
    org_code="A81007",
    role="PL Organisation User Administrator",
    request_type="New",
    nominee_name="Nina Brown",
    nominee_email="nina.brown@nhs.net",
    nominee_job_title="Practice Manager and Deputy Information Governance Lead for the "
    "Greenfields and District Primary Care Network",
    requester_name="Nina Brown",
    requester_email="nina.brown@nhs.net",
    authoriser_name="James Patel",
    authoriser_email="james.patel@nhs.net",
    authoriser_capacity="GP Partner",
    date_signed="04/11/2026",
)

NAME_MISMATCH = request(
    "Authoriser email is the GP partner's but the name given is another first name",
    REVIEW,
    ("AUTHORISER_NAME_MISMATCH",),
    Style(layout="below", labels="numbered", signature="strokes", tick="drawn_x"),
    **_riverside(role="Main Contact", authoriser_name="Susan Collins", date_signed="6 Nov 2026"),
)

PL_LIMIT = request(
    "The practice already has four active PL Organisation User Administrators (a fifth "
    "holder is deactivated and does not count): a fifth is refused, a hard limit; the "
    "existing holders are also reported",
    REJECTED,
    ("PL_ADMIN_LIMIT", "USER_ADMIN_EXISTS"),
    Style(labels="colon", signature="strokes", tick="bracket_x"),
    org_name="Beech Road Surgery",
    org_code="A81009",
    role="PL Organisation User Administrator",
    request_type="New",
    nominee_name="Ryan Cole",
    nominee_email="ryan.cole@nhs.net",
    nominee_job_title="Practice Manager",
    requester_name="Ryan Cole",
    requester_email="ryan.cole@nhs.net",
    authoriser_name="Hannah Shaw",
    authoriser_email="hannah.shaw@nhs.net",
    authoriser_capacity="GP Partner",
    date_signed="12 November 2026",
)

SAMPLES: tuple[Sample, ...] = (
    Sample("applied_gp_partner.pdf", (GP_PARTNER,)),
    Sample("applied_caldicott_acroform_by_key.pdf", (CALDICOTT,)),
    Sample("applied_icb_with_covering_letter.pdf", (ICB,), covering_letter=True),
    Sample("applied_main_contact_update.pdf", (MAIN_CONTACT_UPDATE,)),
    Sample("two_requests_ael_and_nominee_not_at_org.pdf", (AEL_USER, NOMINEE_ELSEWHERE)),
    Sample("rejected_role_not_ua.pdf", (NOT_A_UA_ROLE,)),
    Sample("rejected_authoriser_inactive_two_pages.pdf", (INACTIVE_AUTHORISER,)),
    Sample("rejected_authoriser_other_org.pdf", (OTHER_ORG_AUTHORISER,)),
    Sample("rejected_capacity_mismatch.pdf", (CAPACITY_MISMATCH,)),
    Sample("rejected_signature_missing_acroform_by_label.pdf", (NO_SIGNATURE,)),
    Sample("rejected_declaration_not_ticked.pdf", (NOT_TICKED,)),
    Sample("rejected_org_unknown.pdf", (UNKNOWN_ORG,)),
    Sample("rejected_org_closed.pdf", (CLOSED_ORG,)),
    Sample("rejected_field_missing.pdf", (MISSING_FIELD,)),
    Sample("rejected_field_invalid_email.pdf", (INVALID_EMAIL,)),
    Sample("rejected_pl_admin_limit.pdf", (PL_LIMIT,)),
    Sample("review_user_admin_exists.pdf", (EXISTING_ADMIN,)),
    Sample("review_authoriser_name_mismatch.pdf", (NAME_MISMATCH,)),
)

#: Files that are not readable forms: (file name, reason code, description).
BAD_FILES: tuple[tuple[str, str, str], ...] = (
    ("rejected_not_a_pdf.pdf", "NOT_A_PDF", "A PNG image saved with a .pdf name"),
    (
        "rejected_truncated.pdf",
        "PDF_UNREADABLE",
        "A form PDF cut off before its end-of-file marker",
    ),
)

__all__ = ["BAD_FILES", "SAMPLES", "Request", "Sample"]
