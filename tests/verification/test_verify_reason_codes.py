"""For every reason code the rules produce: a form that produces it, and a near
miss that does not. Each case varies the valid form (or the valid ICB form) in
one thing, sometimes with a directory row added."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from verification.reasons import Outcome, ReasonCode

#: Codes produced while reading the PDF, not by verification.
READING_CODES = {"NOT_A_PDF", "PDF_UNREADABLE", "FORM_NOT_FOUND", "OCR_UNAVAILABLE"}


@dataclass(frozen=True)
class Case:
    code: str
    changes: dict[str, Any] = field(default_factory=dict)
    icb: bool = False
    setup: Callable[[Any], None] | None = None
    confidence: dict[str, float] | None = None
    reference: str | None = None


def case(
    sentence: str,
    code: str,
    *,
    icb: bool = False,
    setup=None,
    confidence=None,
    reference=None,
    **changes: Any,
):
    return pytest.param(Case(code, changes, icb, setup, confidence, reference), id=sentence)


def four_gpp_holders(rows, active=4):
    for n in range(4):
        rows.holder(f"gpp{n}@nhs.net", status="active" if n < active else "deactivated")


MC = "Main Contact"

PRODUCES = [
    case("a required field left empty", "FIELD_MISSING", nominee_email=""),
    case("a required field not read at all", "FIELD_MISSING", authoriser_name=None),
    case("no ICB code when the capacity is ICB", "FIELD_MISSING", icb=True, icb_code=None),
    case("a malformed email", "FIELD_INVALID", nominee_email="sarah.collins@"),
    case("an ODS code with a symbol", "FIELD_INVALID", org_code="A81-001!"),
    case("an ODS code too long", "FIELD_INVALID", org_code="A8100123"),
    case("an impossible date", "FIELD_INVALID", date_signed="31/02/2026"),
    case("a month and year without a day", "FIELD_INVALID", date_signed="March 2026"),
    case("an unknown capacity", "FIELD_INVALID", authoriser_capacity="Practice Manager"),
    case("an unknown request type", "FIELD_INVALID", request_type="Maybe"),
    case("a synonym for a request type", "FIELD_INVALID", request_type="Amend"),
    case("a synonym for New", "FIELD_INVALID", request_type="Add"),
    case("a capacity cut short", "FIELD_INVALID", authoriser_capacity="Partner"),
    case("a capacity written out", "FIELD_INVALID", authoriser_capacity="Integrated Care Board"),
    case("a field read with low confidence", "LOW_CONFIDENCE", confidence={"nominee_name": 0.5}),
    case(
        "a blank field read with low confidence",
        "LOW_CONFIDENCE",
        nominee_job_title=None,
        confidence={"nominee_job_title": 0.3},
    ),
    case("an empty signature box", "SIGNATURE_MISSING", signature=False),
    case("a signature not found", "SIGNATURE_MISSING", signature=None),
    case("an unticked declaration", "DECLARATION_NOT_TICKED", declaration=False),
    case("an empty declaration box as text", "DECLARATION_NOT_TICKED", declaration="☐"),
    case("a form signed the day after it was received", "DATE_IN_FUTURE", date_signed="03/03/2026"),
    case(
        "a form signed 91 days before it was received",
        "FORM_TOO_OLD",
        date_signed="1 December 2025",
    ),
    case("a role that is not a user administrator role", "ROLE_NOT_UA", role="Joiner & Leaver"),
    case(
        "an optometry role for a GP practice",
        "ROLE_NOT_FOR_ORG_TYPE",
        role="Opto User Management (Organisation)",
    ),
    case(
        "any role for a pharmacy",
        "ROLE_NOT_FOR_ORG_TYPE",
        org_code="P85005",
        role="PL Organisation User Administrator",
    ),
    case("an update of a GPP role", "REQUEST_TYPE_NOT_ALLOWED", request_type="Update"),
    case(
        "a removal of a PL role",
        "REQUEST_TYPE_NOT_ALLOWED",
        request_type="Remove",
        role="PL Organisation User Administrator",
    ),
    case("an ODS code not in the directory", "ORG_UNKNOWN", org_code="X99999"),
    case("a closed organisation", "ORG_CLOSED", org_code="Z89999", org_name="Old Mill Surgery"),
    case("another organisation's name", "ORG_NAME_MISMATCH", org_name="Hillside Surgery"),
    case(
        "the org's place with another kind of premises",
        "ORG_NAME_MISMATCH",
        org_name="Riverside Health Centre",
    ),
    case(
        "an optician's name for a GP surgery",
        "ORG_NAME_MISMATCH",
        org_name="Riverside Opticians",
    ),
    case(
        "a new request while someone else holds the role",
        "USER_ADMIN_EXISTS",
        setup=lambda rows: rows.holder("someone@nhs.net"),
    ),
    case(
        "a new Main Contact while one exists",
        "USER_ADMIN_EXISTS",
        role=MC,
        setup=lambda rows: rows.holder("mc@nhs.net", "MAIN_CONTACT"),
    ),
    case("a fifth GPP user administrator", "GPP_ADMIN_LIMIT", setup=four_gpp_holders),
    case(
        "a fifth PL organisation administrator",
        "PL_ADMIN_LIMIT",
        role="PL Organisation User Administrator",
        setup=lambda rows: [rows.holder(f"pl{n}@nhs.net", "PL_UA") for n in range(4)],
    ),
    case(
        "a new request for a current holder",
        "NOMINEE_ALREADY_HOLDS_ROLE",
        setup=lambda rows: rows.holder("sarah.collins@nhs.net"),
    ),
    case(
        "an update with no current Main Contact",
        "ROLE_HOLDER_NOT_FOUND",
        role=MC,
        request_type="Update",
    ),
    case(
        "a removal of someone who is not the Main Contact",
        "ROLE_HOLDER_NOT_FOUND",
        role=MC,
        request_type="Remove",
        setup=lambda rows: rows.holder("mc@nhs.net", "MAIN_CONTACT"),
    ),
    case("a nominee unknown at the org", "NOMINEE_NOT_AT_ORG", nominee_email="new.one@nhs.net"),
    case(
        "a nominee inactive at the org though active elsewhere",
        "NOMINEE_NOT_AT_ORG",
        nominee_email="otto.berg@nhs.net",
        setup=lambda rows: (
            rows.staff("otto.berg@nhs.net", status="inactive"),
            rows.staff("otto.berg@nhs.net", org_code="E85005"),
        ),
    ),
    case(
        "an authoriser email nowhere in the directory",
        "AUTHORISER_NOT_FOUND",
        authoriser_email="nobody@nhs.net",
    ),
    case(
        "an authoriser inactive at the org",
        "AUTHORISER_INACTIVE",
        authoriser_email="ann.gone@nhs.net",
        authoriser_name="Dr Ann Gone",
    ),
    case(
        "an authoriser inactive at the org even if active elsewhere",
        "AUTHORISER_INACTIVE",
        authoriser_email="ann.gone@nhs.net",
        authoriser_name="Dr Ann Gone",
        setup=lambda rows: rows.staff(
            "ann.gone@nhs.net", "gp_partner", "B82002", full_name="Ann Gone"
        ),
    ),
    case(
        "an AEL user removed from the org's list",
        "AUTHORISER_INACTIVE",
        authoriser_email="ael.gone@nhs.net",
        authoriser_capacity="AEL user",
    ),
    case(
        "an authoriser active only at another org",
        "AUTHORISER_OTHER_ORG",
        authoriser_email="eve.moss@nhs.net",
        authoriser_name="Dr Eve Moss",
    ),
    case(
        "an ICB contact claiming to be a GP partner",
        "AUTHORISER_OTHER_ORG",
        authoriser_email="tom.reid@nhs.net",
        authoriser_name="Tom Reid",
    ),
    case(
        "a salaried GP claiming to be a GP partner",
        "AUTHORISER_CAPACITY_MISMATCH",
        authoriser_email="sam.lee@nhs.net",
        authoriser_name="Dr Sam Lee",
    ),
    case(
        "a GP partner claiming to be an AEL user",
        "AUTHORISER_CAPACITY_MISMATCH",
        authoriser_capacity="AEL user",
    ),
    case(
        "a GP partner claiming to be the Caldicott Guardian",
        "AUTHORISER_CAPACITY_MISMATCH",
        authoriser_capacity="Caldicott Guardian",
    ),
    case(
        "an authoriser name with a typo",
        "AUTHORISER_NAME_MISMATCH",
        authoriser_name="Dr Priya Shaw",
    ),
    case(
        "someone else's name with the authoriser's email",
        "AUTHORISER_NAME_MISMATCH",
        authoriser_name="John Smith",
    ),
    case(
        "an ICB contact from another ICB",
        "ICB_NOT_ORG_ICB",
        icb=True,
        authoriser_email="rita.far@nhs.net",
        authoriser_name="Rita Far",
    ),
    case("another ICB's code on the form", "ICB_NOT_ORG_ICB", icb=True, icb_code="RTY"),
    case(
        "an inactive ICB contact",
        "ICB_CONTACT_NOT_NAMED",
        icb=True,
        authoriser_email="ian.old@nhs.net",
        authoriser_name="Ian Old",
    ),
    case(
        "an ICB authoriser who is not a named contact",
        "ICB_CONTACT_NOT_NAMED",
        icb=True,
        authoriser_email="otto.berg@nhs.net",
        authoriser_name="Dr Otto Berg",
    ),
    case(
        "an ICB authoriser where a GP partner could sign",
        "ICB_NOT_PREFERRED",
        icb=True,
        org_code="A81001",
        org_name="Riverside Surgery",
        nominee_name="Sarah Collins",
        nominee_email="sarah.collins@nhs.net",
    ),
    case(
        "a nominee who signs their own form",
        "SELF_AUTHORISED",
        nominee_email="priya.shah@nhs.net",
        nominee_name="Priya Shah",
    ),
    case(
        "an authoriser with the nominee's name",
        "SELF_AUTHORISED",
        authoriser_name="Mrs Sarah Collins",
        setup=lambda rows: rows.staff(
            "priya.shah@nhs.net", "gp_partner", full_name="Sarah Collins"
        ),
    ),
    case(
        "another open request for the same nominee",
        "DUPLICATE_REQUEST",
        setup=lambda rows: rows.request("REF-1"),
    ),
    case(
        "an applied request for the same nominee",
        "DUPLICATE_REQUEST",
        setup=lambda rows: rows.request("REF-1", status="applied"),
    ),
]

NEAR_MISSES = [
    case("an empty optional job title", "FIELD_MISSING", nominee_job_title=None),
    case("no ICB code when a GP partner signs", "FIELD_MISSING", icb_code=None),
    case(
        "an email in capitals with spaces", "FIELD_INVALID", nominee_email=" Sarah.Collins@NHS.NET "
    ),
    case("a lower-case ODS code", "FIELD_INVALID", org_code="a81001"),
    case("a date written out in words", "FIELD_INVALID", date_signed="1st March 2026"),
    case("an ISO date", "FIELD_INVALID", date_signed="2026-03-01"),
    case(
        "a capacity in the guidance's wording", "FIELD_INVALID", authoriser_capacity="GP Partners"
    ),
    case("a capacity in capitals with a hyphen", "FIELD_INVALID", authoriser_capacity="GP-PARTNER"),
    case("a request type in capitals with a stop", "FIELD_INVALID", request_type="NEW."),
    case("an unknown role (ROLE_NOT_UA, not invalid)", "FIELD_INVALID", role="PL Practice Manager"),
    case(
        "a field read at exactly the threshold", "LOW_CONFIDENCE", confidence={"nominee_name": 0.8}
    ),
    case("a typed name in the signature box", "SIGNATURE_MISSING", signature="Priya Shah"),
    case("a declaration ticked as [x]", "DECLARATION_NOT_TICKED", declaration="[x]"),
    case("a form signed the day it was received", "DATE_IN_FUTURE", date_signed="02/03/2026"),
    case(
        "a form signed exactly 90 days before it was received",
        "FORM_TOO_OLD",
        date_signed="2 December 2025",
    ),
    case(
        "a role name with another spelling",
        "ROLE_NOT_UA",
        role="GPP - Practice User Administration",
    ),
    case(
        "a PL role for a GP practice",
        "ROLE_NOT_FOR_ORG_TYPE",
        role="PL Organization User Administrator",
    ),
    case(
        "an update of the Main Contact",
        "REQUEST_TYPE_NOT_ALLOWED",
        role=MC,
        request_type="Update",
        setup=lambda rows: rows.holder("mc@nhs.net", "MAIN_CONTACT"),
    ),
    case("an ODS code with stray spaces", "ORG_UNKNOWN", org_code=" A81 001 "),
    case("an active organisation", "ORG_CLOSED", org_code="B82002", org_name="Hillside Surgery"),
    case(
        "the org's name in other words",
        "ORG_NAME_MISMATCH",
        org_name="The Riverside Medical Practice",
    ),
    case("the org's name without its premises word", "ORG_NAME_MISMATCH", org_name="Riverside"),
    case(
        "the org's name as a medical centre",
        "ORG_NAME_MISMATCH",
        org_name="Riverside Medical Centre",
    ),
    case(
        "a holder who has been deactivated",
        "USER_ADMIN_EXISTS",
        setup=lambda rows: rows.holder("someone@nhs.net", status="deactivated"),
    ),
    case(
        "a holder of another role",
        "USER_ADMIN_EXISTS",
        setup=lambda rows: rows.holder("someone@nhs.net", "PL_UA"),
    ),
    case(
        "an update replacing the Main Contact",
        "USER_ADMIN_EXISTS",
        role=MC,
        request_type="Update",
        setup=lambda rows: rows.holder("mc@nhs.net", "MAIN_CONTACT"),
    ),
    case(
        "the nominee as the only holder (already holds instead)",
        "USER_ADMIN_EXISTS",
        setup=lambda rows: rows.holder("sarah.collins@nhs.net"),
    ),
    case(
        "three active GPP holders and one deactivated",
        "GPP_ADMIN_LIMIT",
        setup=lambda rows: four_gpp_holders(rows, active=3),
    ),
    case(
        "four PL holders",
        "GPP_ADMIN_LIMIT",
        role="PL Organisation User Administrator",
        setup=lambda rows: [rows.holder(f"pl{n}@nhs.net", "PL_UA") for n in range(4)],
    ),
    case(
        "three active PL holders and one deactivated",
        "PL_ADMIN_LIMIT",
        role="PL Organisation User Administrator",
        setup=lambda rows: [
            rows.holder(f"pl{n}@nhs.net", "PL_UA", status="active" if n < 3 else "deactivated")
            for n in range(4)
        ],
    ),
    case(
        "four GPP holders and a PL request",
        "PL_ADMIN_LIMIT",
        role="PL Organisation User Administrator",
        setup=four_gpp_holders,
    ),
    case(
        "a nominee whose role was deactivated",
        "NOMINEE_ALREADY_HOLDS_ROLE",
        setup=lambda rows: rows.holder("sarah.collins@nhs.net", status="deactivated"),
    ),
    case(
        "a nominee holding the role at another org",
        "NOMINEE_ALREADY_HOLDS_ROLE",
        setup=lambda rows: rows.holder("sarah.collins@nhs.net", org_code="B82002"),
    ),
    case(
        "a removal of the current Main Contact",
        "ROLE_HOLDER_NOT_FOUND",
        role=MC,
        request_type="Remove",
        setup=lambda rows: rows.holder("sarah.collins@nhs.net", "MAIN_CONTACT"),
    ),
    case(
        "an update when a Main Contact exists",
        "ROLE_HOLDER_NOT_FOUND",
        role=MC,
        request_type="Update",
        setup=lambda rows: rows.holder("mc@nhs.net", "MAIN_CONTACT"),
    ),
    case("a nominee on the org's AEL only", "NOMINEE_NOT_AT_ORG", nominee_email="ael.user@nhs.net"),
    case(
        "a removal of a Main Contact who has left",
        "NOMINEE_NOT_AT_ORG",
        role=MC,
        request_type="Remove",
        nominee_email="left@nhs.net",
        setup=lambda rows: rows.holder("left@nhs.net", "MAIN_CONTACT"),
    ),
    case(
        "an authoriser found only as an ICB contact",
        "AUTHORISER_NOT_FOUND",
        authoriser_email="tom.reid@nhs.net",
        authoriser_name="Tom Reid",
    ),
    case(
        "an authoriser on the AEL only",
        "AUTHORISER_NOT_FOUND",
        authoriser_email="ael.user@nhs.net",
        authoriser_capacity="AEL user",
    ),
    case(
        "an authoriser inactive elsewhere but active at the org",
        "AUTHORISER_INACTIVE",
        setup=lambda rows: rows.staff(
            "priya.shah@nhs.net", "gp_partner", "B82002", "inactive", "Priya Shah"
        ),
    ),
    case(
        "an authoriser listed at the org, inactive, and active elsewhere",
        "AUTHORISER_OTHER_ORG",
        authoriser_email="ann.gone@nhs.net",
        authoriser_name="Ann Gone",
        setup=lambda rows: rows.staff("ann.gone@nhs.net", "gp_partner", "B82002"),
    ),
    case(
        "the Caldicott Guardian claiming that capacity",
        "AUTHORISER_CAPACITY_MISMATCH",
        authoriser_email="cal.guard@nhs.net",
        authoriser_name="Cal Guard",
        authoriser_capacity="Caldicott Guardian",
    ),
    case(
        "an AEL user claiming that capacity",
        "AUTHORISER_CAPACITY_MISMATCH",
        authoriser_email="ael.user@nhs.net",
        authoriser_capacity="Authorised Email List user",
    ),
    case(
        "the authoriser's name surname first without title",
        "AUTHORISER_NAME_MISMATCH",
        authoriser_name="SHAH, Priya",
    ),
    case(
        "an AEL user, who has no name on file",
        "AUTHORISER_NAME_MISMATCH",
        authoriser_email="ael.user@nhs.net",
        authoriser_capacity="AEL user",
        authoriser_name="Anyone At All",
    ),
    case("an ICB contact of the org's ICB", "ICB_NOT_ORG_ICB", icb=True),
    case("an active named ICB contact", "ICB_CONTACT_NOT_NAMED", icb=True),
    case("an ICB authoriser where no one else could sign", "ICB_NOT_PREFERRED", icb=True),
    case(
        "an authoriser who shares only the nominee's surname",
        "SELF_AUTHORISED",
        nominee_name="Raj Shah",
        nominee_email="raj.shah@nhs.net",
        setup=lambda rows: rows.staff("raj.shah@nhs.net"),
    ),
    case(
        "another request that was rejected",
        "DUPLICATE_REQUEST",
        setup=lambda rows: rows.request("REF-1", status="rejected"),
    ),
    case(
        "this request's own reference",
        "DUPLICATE_REQUEST",
        reference="REF-ME",
        setup=lambda rows: rows.request("REF-ME"),
    ),
    case(
        "another request for another nominee",
        "DUPLICATE_REQUEST",
        setup=lambda rows: rows.request("REF-1", nominee_email="someone@nhs.net"),
    ),
    case(
        "a removal after the applied grant it undoes",
        "DUPLICATE_REQUEST",
        role=MC,
        request_type="Remove",
        setup=lambda rows: (
            rows.holder("sarah.collins@nhs.net", "MAIN_CONTACT"),
            rows.request("REF-1", role_code="MAIN_CONTACT", status="applied"),
        ),
    ),
]


@pytest.fixture
def run(check, rows, valid_form, valid_icb_form):
    def run_case(c: Case):
        if c.setup:
            c.setup(rows)
        form = (valid_icb_form if c.icb else valid_form)(**c.changes)
        return check(form, c.confidence, reference=c.reference)

    return run_case


@pytest.mark.parametrize("c", PRODUCES)
def test_it_reports_the_code_for(c, run, codes):
    verdict = run(c)
    assert c.code in codes(verdict)
    assert verdict.outcome is decided_by(c.code, verdict)


@pytest.mark.parametrize("c", NEAR_MISSES)
def test_it_does_not_report_the_code_for(c, run, codes):
    assert c.code not in codes(run(c))


def decided_by(code: str, verdict) -> Outcome:
    """Rejected if the code rejects; otherwise review unless something else rejects."""
    if ReasonCode(code).outcome is Outcome.REJECTED:
        return Outcome.REJECTED
    return verdict.outcome if verdict.outcome is Outcome.REJECTED else Outcome.REVIEW


def test_every_rule_code_has_a_case_and_a_near_miss():
    rule_codes = {c.value for c in ReasonCode} - READING_CODES
    assert {p.values[0].code for p in PRODUCES} == rule_codes
    assert {p.values[0].code for p in NEAR_MISSES} == rule_codes
