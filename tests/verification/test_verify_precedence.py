"""SPEC §5 precedence, and every reason that applies is reported at once."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verification.reasons import Finding, Outcome, ReasonCode, decide

R = ReasonCode

#: Independent faults, each on its own field: (changes, confidence, expected codes).
FAULTS = {
    "unsigned": ({"signature": False}, {}, {R.SIGNATURE_MISSING}),
    "unticked": ({"declaration": False}, {}, {R.DECLARATION_NOT_TICKED}),
    "future": ({"date_signed": "03/03/2026"}, {}, {R.DATE_IN_FUTURE}),
    "bad requester email": ({"requester_email": "jo@"}, {}, {R.FIELD_INVALID}),
    "not a UA role": ({"role": "Joiner & Leaver"}, {}, {R.ROLE_NOT_UA}),
    "inactive authoriser": (
        {"authoriser_email": "ann.gone@nhs.net", "authoriser_name": "Ann Gone"},
        {},
        {R.AUTHORISER_INACTIVE},
    ),
    "other org name": ({"org_name": "Hillside Surgery"}, {}, {R.ORG_NAME_MISMATCH}),
    "nominee elsewhere": ({"nominee_email": "new.one@nhs.net"}, {}, {R.NOMINEE_NOT_AT_ORG}),
    "unclear job title": ({}, {"nominee_job_title": 0.1}, {R.LOW_CONFIDENCE}),
    "missing requester": ({"requester_name": ""}, {}, {R.FIELD_MISSING}),
}


@given(st.lists(st.sampled_from(list(ReasonCode))))
def test_decide_rejects_on_any_reject_code_else_reviews_on_any_review_code(codes):
    outcome = decide([Finding(code) for code in codes])
    if any(code.outcome is Outcome.REJECTED for code in codes):
        assert outcome is Outcome.REJECTED
    elif codes:
        assert outcome is Outcome.REVIEW
    else:
        assert outcome is Outcome.APPLIED


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(chosen=st.sets(st.sampled_from(sorted(FAULTS))))
def test_it_reports_every_fault_at_once_and_decides_by_precedence(chosen, check, valid_form):
    changes: dict = {}
    confidence: dict = {}
    expected: set = set()
    for name in chosen:
        more_changes, more_confidence, codes = FAULTS[name]
        changes |= more_changes
        confidence |= more_confidence
        expected |= codes
    verdict = check(valid_form(**changes), confidence)
    assert {f.code for f in verdict.findings} == expected
    if any(code.outcome is Outcome.REJECTED for code in expected):
        assert verdict.outcome is Outcome.REJECTED
        assert verdict.action is None
    elif expected:
        assert verdict.outcome is Outcome.REVIEW
    else:
        assert verdict.outcome is Outcome.APPLIED
    if verdict.outcome is not Outcome.REJECTED:
        assert verdict.action is not None


def test_it_lists_all_reasons_not_just_the_first(check, valid_form):
    verdict = check(
        valid_form(
            signature=False,
            declaration=False,
            date_signed="1 Jan 2025",
            authoriser_email="nobody@nhs.net",
            org_name="Elsewhere",
        )
    )
    assert [f.code for f in verdict.findings] == [
        R.SIGNATURE_MISSING,
        R.DECLARATION_NOT_TICKED,
        R.FORM_TOO_OLD,
        R.ORG_NAME_MISMATCH,
        R.AUTHORISER_NOT_FOUND,
    ]
    assert verdict.outcome is Outcome.REJECTED


def test_it_reports_self_authorisation_once_when_email_and_name_both_match(check, valid_form):
    verdict = check(valid_form(nominee_email="priya.shah@nhs.net", nominee_name="Priya Shah"))
    assert [f.code for f in verdict.findings] == [R.SELF_AUTHORISED]
