"""A rule whose input field is low confidence yields review, never reject or apply."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verification.fields import FIELD_KEYS
from verification.normalise import LOW_CONFIDENCE_THRESHOLD
from verification.reasons import Outcome, ReasonCode

#: (field, changes, ICB form?): the form is rejected only because of ``field``.
REJECTABLE = [
    ("org_name", {"org_name": None}, False),
    ("org_code", {"org_code": "X99999"}, False),
    ("org_code", {"org_code": "Z89999"}, False),
    ("org_code", {"org_code": "A8!"}, False),
    ("org_code", {"org_code": "P85005"}, False),
    ("role", {"role": "Joiner & Leaver"}, False),
    ("role", {"role": "Opto User Management"}, False),
    ("role", {"role": None}, False),
    ("request_type", {"request_type": "Update"}, False),
    ("request_type", {"request_type": "Maybe"}, False),
    ("nominee_name", {"nominee_name": ""}, False),
    ("nominee_email", {"nominee_email": "sarah.collins@"}, False),
    ("requester_name", {"requester_name": None}, False),
    ("requester_email", {"requester_email": "jo at nhs"}, False),
    ("authoriser_name", {"authoriser_name": None}, False),
    ("authoriser_email", {"authoriser_email": "nobody@nhs.net"}, False),
    ("authoriser_email", {"authoriser_email": "ann.gone@nhs.net"}, False),
    ("authoriser_email", {"authoriser_email": "eve.moss@nhs.net"}, False),
    ("authoriser_email", {"authoriser_email": "ian.old@nhs.net"}, True),
    ("authoriser_email", {"authoriser_email": "rita.far@nhs.net"}, True),
    ("authoriser_capacity", {"authoriser_capacity": "Caldicott Guardian"}, False),
    ("authoriser_capacity", {"authoriser_capacity": "Chief"}, False),
    ("authoriser_capacity", {"authoriser_capacity": "ICB"}, False),
    ("icb_code", {"icb_code": "RTY"}, True),
    ("icb_code", {"icb_code": None}, True),
    ("icb_code", {"icb_code": "Q-W-E!"}, True),
    ("signature", {"signature": False}, False),
    ("signature", {"signature": None}, False),
    ("declaration", {"declaration": False}, False),
    ("declaration", {"declaration": None}, False),
    ("date_signed", {"date_signed": "03/03/2026"}, False),
    ("date_signed", {"date_signed": "1 December 2025"}, False),
    ("date_signed", {"date_signed": "soon"}, False),
]

low_confidence = st.floats(min_value=0.0, max_value=LOW_CONFIDENCE_THRESHOLD, exclude_max=True)
fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


def form_for(case, valid_form, valid_icb_form):
    _field, changes, icb = case
    return (valid_icb_form if icb else valid_form)(**changes)


@pytest.mark.parametrize("case", REJECTABLE, ids=lambda c: str(c))
def test_each_rejectable_form_is_rejected_when_read_confidently(
    case, check, valid_form, valid_icb_form
):
    assert check(form_for(case, valid_form, valid_icb_form)).outcome is Outcome.REJECTED


def test_every_field_has_a_rejectable_case_except_the_optional_job_title():
    assert {field for field, _c, _i in REJECTABLE} == set(FIELD_KEYS) - {"nominee_job_title"}


@fixture_ok
@given(
    case=st.sampled_from(REJECTABLE),
    score=low_confidence,
    others=st.sets(st.sampled_from(FIELD_KEYS), max_size=3),
)
def test_a_low_confidence_field_never_lets_its_rules_reject(
    case, score, others, check, valid_form, valid_icb_form
):
    low = {case[0], *others}
    verdict = check(form_for(case, valid_form, valid_icb_form), {k: score for k in low})
    assert verdict.outcome is Outcome.REVIEW
    assert {f.code for f in verdict.findings} == {ReasonCode.LOW_CONFIDENCE}
    assert {f.field for f in verdict.findings} == low


@fixture_ok
@given(low=st.sets(st.sampled_from(FIELD_KEYS), min_size=1), score=low_confidence)
def test_a_low_confidence_field_never_lets_a_valid_form_apply(low, score, check):
    verdict = check(confidence={k: score for k in low})
    assert verdict.outcome is Outcome.REVIEW
    assert [f.field for f in verdict.findings] == [k for k in FIELD_KEYS if k in low]


def test_a_low_confidence_field_does_not_hide_faults_elsewhere(check, valid_form):
    verdict = check(valid_form(signature=False), {"org_code": 0.4})
    assert verdict.outcome is Outcome.REJECTED
    assert [f.code for f in verdict.findings] == [
        ReasonCode.LOW_CONFIDENCE,
        ReasonCode.SIGNATURE_MISSING,
    ]


def test_it_skips_every_organisation_rule_when_the_code_is_low_confidence(check, valid_form):
    verdict = check(
        valid_form(org_code="Z89999", authoriser_email="eve.moss@nhs.net"), {"org_code": 0.2}
    )
    assert [(f.code, f.field) for f in verdict.findings] == [
        (ReasonCode.LOW_CONFIDENCE, "org_code"),
        (ReasonCode.AUTHORISER_NAME_MISMATCH, "authoriser_name"),
    ]


def test_it_keeps_the_value_read_with_low_confidence_for_the_caseworker(check, valid_form):
    verdict = check(valid_form(org_code="a81 0O1"), {"org_code": 0.5})
    assert verdict.fields["org_code"] == "A810O1"
    assert verdict.findings[0].detail == "A810O1"
    assert verdict.action is not None and verdict.action.org_code == "A810O1"
