"""Raw values as read become SPEC §6 normalised values, with form-level findings."""

from __future__ import annotations

import datetime
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verification.fields import FIELD_KEYS
from verification.normalise import normalise, parse_date
from verification.reasons import ReasonCode
from verification.roles import (
    CAPACITY_SPELLINGS,
    REQUEST_TYPE_SPELLINGS,
    recognise_capacity,
    recognise_request_type,
    recognise_role,
)

R = ReasonCode
DEC_1 = datetime.date(2026, 12, 1)


@pytest.mark.parametrize(
    "text",
    [
        "01/12/2026",
        "1/12/2026",
        "01-12-2026",
        "01.12.2026",
        "01/12/26",
        "01 / 12 / 2026",
        "1 December 2026",
        "1 Dec 2026",
        "1st December 2026",
        "1 Dec. 2026",
        "Tuesday 1 December 2026",
        "December 1, 2026",
        "2026-12-01",
        "  1  december  2026 ",
    ],
)
def test_it_reads_uk_dates(text):
    assert parse_date(text) == DEC_1


@pytest.mark.parametrize(
    "text",
    [
        "December 2026",
        "12/2026",
        "2026",
        "1",
        "32/12/2026",
        "29/02/2026",
        "01/13/2026",
        "1 Decmber 2026",
        "garbage",
        "1 December 2026 10:30",
        "next Tuesday",
        "",
        "2026-13-01",
        "01/12/2026/1",
        "1 December",
        "1 2 3 2026",
    ],
)
def test_it_rejects_anything_but_a_whole_valid_date(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text, code",
    [
        ("GPP Practice User Administrator", "GPP_UA"),
        ("GPP - Practice User Administrator", "GPP_UA"),
        ("gpp practice user administration", "GPP_UA"),
        ("GPP Practice User Management", "GPP_UA"),
        ("GPP - Practice User Adminsitrator", "GPP_UA"),
        ("PL Organisation User Administrator", "PL_UA"),
        ("PL Organization User Administration", "PL_UA"),
        ("PL Organisation Administrator", "PL_UA"),
        ("PL ORGANIZATION USER ADMINISTRATION", "PL_UA"),
        ("GPP User Admins", "GPP_UA"),
        ("Opto User Management (Organisation)", "OPTO_UA"),
        ("opto user management (organization)", "OPTO_UA"),
        ("MAIN CONTACT", "MAIN_CONTACT"),
        ("Main  Contact", "MAIN_CONTACT"),
        ("main_contact", "MAIN_CONTACT"),
        ("Main Contact Service Desk Analyst", "MAIN_CONTACT"),
    ],
)
def test_it_recognises_role_names_leniently(text, code):
    assert recognise_role(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "Joiner & Leaver",
        "PL Practice Manager",
        "Practice Order Entry Clerk",
        "GPP",
        "User Administrator",
        "Practice Estimate and Salary Change",
        "",
        "Opto User Management",
        "Opto User Administrator",
        "PL Organisation User Management",
        "GP Payments and Pensions Practice User Administrator",
        "Records & Supplies Main Contact",
    ],
)
def test_it_does_not_recognise_other_roles(text):
    assert recognise_role(text) is None


@pytest.mark.parametrize(
    "text, capacity",
    [
        ("GP Partner", "GP Partner"),
        ("GP Partners", "GP Partner"),
        ("gp partner", "GP Partner"),
        ("Caldicott Guardian", "Caldicott Guardian"),
        ("Authorised Email List (AEL) user", "Authorised Email List (AEL) user"),
        ("GP-Partner", "GP Partner"),
        ("GPPartner", "GP Partner"),
        ("Caldicott Guardian", "Caldicott Guardian"),
        ("CALDICOTT  GUARDIAN.", "Caldicott Guardian"),
        ("Authorised Email List (AEL) user", "Authorised Email List (AEL) user"),
        ("AEL user", "Authorised Email List (AEL) user"),
        ("Authorised Email List user", "Authorised Email List (AEL) user"),
        ("Authorized Email List user", "Authorised Email List (AEL) user"),
        ("Authorised E-mail List (AEL) User", "Authorised Email List (AEL) user"),
        ("User listed on the Authorised Email List (AEL)", "Authorised Email List (AEL) user"),
        ("User listed on the (AEL)", "Authorised Email List (AEL) user"),
        ("ICB", "ICB"),
        ("icb", "ICB"),
        ("I.C.B.", "ICB"),
    ],
)
def test_it_spells_capacities_canonically(text, capacity):
    assert recognise_capacity(text) == capacity


@pytest.mark.parametrize(
    "text",
    [
        "Partner",
        "Partners",
        "GP",
        "Senior Partner",
        "GP Principal",
        "Caldicott",
        "Guardian",
        "AEL",
        "Authorised Email List",
        "Email list",
        "Integrated Care Board",
        "ICB representative",
        "Named ICB contact",
        "Practice Manager",
        "GP Partner / Caldicott Guardian",
        "",
    ],
)
def test_it_does_not_take_a_synonym_or_part_of_a_capacity_for_it(text):
    assert recognise_capacity(text) is None


@pytest.mark.parametrize(
    "text, kind",
    [
        ("New", "New"),
        ("NEW", "New"),
        ("update", "Update"),
        ("UPDATE.", "Update"),
        ("Remove", "Remove"),
        (" remove ", "Remove"),
        ("[New]", "New"),
    ],
)
def test_it_spells_request_types_canonically(text, kind):
    assert recognise_request_type(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "Add",
        "Create",
        "New request",
        "Amend",
        "Change",
        "Replace",
        "Modify",
        "Delete",
        "Removal",
        "Deactivate",
        "Update / Remove",
        "",
    ],
)
def test_it_does_not_take_a_synonym_for_a_request_type(text):
    assert recognise_request_type(text) is None


@pytest.mark.parametrize(
    "key, raw",
    [
        ("request_type", "Amend"),
        ("request_type", "Change"),
        ("request_type", "Add"),
        ("request_type", "Delete"),
        ("authoriser_capacity", "Partner"),
        ("authoriser_capacity", "Caldicott"),
        ("authoriser_capacity", "AEL"),
        ("authoriser_capacity", "Integrated Care Board"),
    ],
)
def test_it_calls_a_synonym_invalid_and_keeps_it_as_written(key, raw):
    result = normalise({key: raw}, {})
    assert (R.FIELD_INVALID, key) in [(f.code, f.field) for f in result.findings]
    assert result.fields[key] == raw and key in result.blocked


def _respelt(draw, printed: str) -> str:
    """``printed`` in random case, with spaces and punctuation added around words."""
    noise = st.text(alphabet=" .-()/,", max_size=2)
    words = [
        "".join(c.upper() if draw(st.booleans()) else c.lower() for c in word)
        for word in printed.split()
    ]
    return draw(noise) + "".join(word + draw(noise) for word in words)


@st.composite
def printed_request_types(draw):
    kind = draw(st.sampled_from(sorted(REQUEST_TYPE_SPELLINGS)))
    return kind, _respelt(draw, draw(st.sampled_from(REQUEST_TYPE_SPELLINGS[kind])))


@st.composite
def printed_capacities(draw):
    capacity = draw(st.sampled_from(sorted(CAPACITY_SPELLINGS)))
    return capacity, _respelt(draw, draw(st.sampled_from(CAPACITY_SPELLINGS[capacity])))


@given(printed_request_types())
def test_case_spacing_and_punctuation_never_change_a_request_type(case):
    kind, text = case
    assert recognise_request_type(text) == kind


@given(printed_capacities())
def test_case_spacing_and_punctuation_never_change_a_capacity(case):
    capacity, text = case
    assert recognise_capacity(text) == capacity


@given(
    st.one_of(
        st.text(alphabet=string.ascii_letters, max_size=10),
        st.sampled_from(["new", "NEW", "Update", "remove", "Renew", "Updated", "Removed"]),
    )
)
def test_a_word_is_a_request_type_only_if_it_is_the_printed_word(word):
    printed = {"new": "New", "update": "Update", "remove": "Remove"}
    assert recognise_request_type(word) == printed.get(word.lower())


def test_it_gives_every_key_a_value_and_null_for_a_field_not_read():
    result = normalise({"org_name": "  Riverside \n Surgery "}, {})
    assert set(result.fields) == set(FIELD_KEYS)
    assert result.fields["org_name"] == "Riverside Surgery"
    assert result.fields["org_code"] is None


def test_it_keeps_an_unrecognised_role_as_written():
    assert normalise({"role": " Joiner  & Leaver "}, {}).fields["role"] == "Joiner & Leaver"


def test_it_lower_cases_emails_and_drops_spaces_from_a_wrapped_one():
    result = normalise({"nominee_email": "Sarah.Collins@\nNHS.net"}, {})
    assert result.fields["nominee_email"] == "sarah.collins@nhs.net"


@pytest.mark.parametrize(
    "raw, value",
    [
        (True, True),
        (False, False),
        ("☒", True),
        ("☑", True),
        ("✓", True),
        ("[x]", True),
        ("X", True),
        ("☐", False),
        ("[ ]", False),
    ],
)
def test_it_reads_the_declaration_as_a_boolean(raw, value):
    assert normalise({"declaration": raw}, {}).fields["declaration"] is value


def test_it_sends_an_unreadable_declaration_mark_to_review():
    result = normalise({"declaration": "?!"}, {})
    assert (R.LOW_CONFIDENCE, "declaration") in [(f.code, f.field) for f in result.findings]


@pytest.mark.parametrize(
    "raw, value", [(True, True), ("P. Shah", True), (False, False), ("", None), (None, None)]
)
def test_it_reads_the_signature_as_a_boolean(raw, value):
    assert normalise({"signature": raw}, {}).fields["signature"] is value


def test_it_names_every_empty_required_field_but_not_the_optional_ones():
    missing = {f.field for f in normalise({}, {}).findings if f.code is R.FIELD_MISSING}
    assert missing == set(FIELD_KEYS) - {
        "nominee_job_title",
        "icb_code",
        "signature",
        "declaration",
    }


def test_it_requires_the_icb_code_only_when_an_icb_signs():
    result = normalise({"authoriser_capacity": "icb"}, {})
    assert (R.FIELD_MISSING, "icb_code") in [(f.code, f.field) for f in result.findings]


@pytest.mark.parametrize(
    "key, raw",
    [
        ("nominee_email", "sarah"),
        ("requester_email", "a@b"),
        ("authoriser_email", "a b@nhs"),
        ("org_code", "AB"),
        ("org_code", "A81-01"),
        ("date_signed", "soon"),
        ("authoriser_capacity", "Manager"),
        ("authoriser_capacity", "Integrated Care Board"),
        ("request_type", "Add please"),
        ("request_type", "Amend"),
    ],
)
def test_it_names_the_malformed_field(key, raw):
    result = normalise({key: raw}, {})
    assert (R.FIELD_INVALID, key) in [(f.code, f.field) for f in result.findings]
    assert key in result.blocked


@pytest.mark.parametrize(
    "key, raw", [("nominee_email", "sarah"), ("nominee_email", None), ("date_signed", "soon")]
)
def test_a_low_confidence_field_is_not_also_missing_or_invalid(key, raw):
    result = normalise({key: raw}, {key: 0.79})
    assert [(f.code, f.field) for f in result.findings if f.field == key] == [
        (R.LOW_CONFIDENCE, key)
    ]
    assert key in result.blocked and key in result.low_confidence
