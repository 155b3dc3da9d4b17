"""The baseline forms apply, and the verdict has the SPEC §6 shape."""

from verification.fields import FIELD_KEYS
from verification.reasons import Outcome


def test_it_applies_the_valid_form(check):
    verdict = check()
    assert verdict.outcome is Outcome.APPLIED
    assert verdict.findings == () and verdict.reasons == ()


def test_it_applies_the_valid_icb_form(check, valid_icb_form):
    verdict = check(valid_icb_form())
    assert verdict.outcome is Outcome.APPLIED, verdict.findings


def test_it_returns_every_field_normalised(check, valid_form):
    verdict = check(
        valid_form(
            nominee_email=" Sarah.Collins@NHS.net ",
            org_code="a81001",
            date_signed="1 March 2026",
            authoriser_capacity="gp partners",
            nominee_name="  Sarah   Collins ",
        )
    )
    assert set(verdict.fields) == set(FIELD_KEYS)
    assert verdict.fields["nominee_email"] == "sarah.collins@nhs.net"
    assert verdict.fields["org_code"] == "A81001"
    assert verdict.fields["role"] == "GPP_UA"
    assert verdict.fields["date_signed"] == "2026-03-01"
    assert verdict.fields["authoriser_capacity"] == "GP Partner"
    assert verdict.fields["nominee_name"] == "Sarah Collins"
    assert verdict.fields["icb_code"] is None
    assert verdict.fields["signature"] is True and verdict.fields["declaration"] is True


def test_it_reports_a_confidence_for_every_field(check):
    verdict = check(confidence={"org_name": 0.95})
    assert set(verdict.confidence) == set(FIELD_KEYS)
    assert verdict.confidence["org_name"] == 0.95
    assert verdict.confidence["role"] == 1.0


def test_it_renders_a_reason_for_every_finding(check, valid_form):
    verdict = check(valid_form(signature=False, nominee_email=""))
    assert [r.code for r in verdict.reasons] == [f.code for f in verdict.findings]
    missing = next(r for r in verdict.reasons if r.code == "FIELD_MISSING")
    assert "Nominee email address" in missing.message
    assert missing.as_dict()["field"] == "nominee_email"
