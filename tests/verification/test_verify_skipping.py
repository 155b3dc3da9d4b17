"""Rules skip when their input is missing or invalid, or the org is unknown,
so one fault is reported once."""

from verification.reasons import Outcome, ReasonCode

R = ReasonCode


def test_it_reports_only_org_unknown_for_an_unknown_org(check, valid_form):
    verdict = check(
        valid_form(
            org_code="X99999", org_name="Nowhere", role="Main Contact", request_type="Update"
        )
    )
    assert [f.code for f in verdict.findings] == [R.ORG_UNKNOWN]


def test_it_still_checks_the_authoriser_exists_when_the_org_is_unknown(check, valid_form):
    verdict = check(valid_form(org_code="X99999", authoriser_email="nobody@nhs.net"))
    assert [f.code for f in verdict.findings] == [R.ORG_UNKNOWN, R.AUTHORISER_NOT_FOUND]


def test_it_reports_a_missing_email_once(check, valid_form):
    verdict = check(valid_form(authoriser_email=None))
    assert [(f.code, f.field) for f in verdict.findings] == [(R.FIELD_MISSING, "authoriser_email")]


def test_it_reports_an_invalid_date_once(check, valid_form):
    verdict = check(valid_form(date_signed="next Tuesday"))
    assert [(f.code, f.field) for f in verdict.findings] == [(R.FIELD_INVALID, "date_signed")]


def test_it_does_not_check_capacity_when_the_capacity_is_invalid(check, valid_form):
    verdict = check(
        valid_form(
            authoriser_capacity="Boss",
            authoriser_email="sam.lee@nhs.net",
            authoriser_name="Sam Lee",
        )
    )
    assert [f.code for f in verdict.findings] == [R.FIELD_INVALID]


def test_it_reports_an_unrecognised_role_once(check, valid_form):
    verdict = check(valid_form(role="PL Practice Manager", request_type="Remove"))
    assert [f.code for f in verdict.findings] == [R.ROLE_NOT_UA]
    assert verdict.fields["role"] == "PL Practice Manager"


def test_it_ignores_a_malformed_icb_code_when_no_icb_signed(check, valid_form):
    assert check(valid_form(icb_code="??")).outcome is Outcome.APPLIED


def test_it_reports_both_icb_faults_of_an_inactive_contact_from_another_icb(
    check, valid_icb_form, rows
):
    rows.icb("gone.far@nhs.net", "RTY", "inactive", "Gone Far")
    verdict = check(valid_icb_form(authoriser_email="gone.far@nhs.net", authoriser_name="Gone Far"))
    assert [f.code for f in verdict.findings] == [R.ICB_CONTACT_NOT_NAMED, R.ICB_NOT_ORG_ICB]


def test_it_reports_an_unknown_icb_authoriser_as_not_found_and_not_named(check, valid_icb_form):
    verdict = check(valid_icb_form(authoriser_email="nobody@nhs.net"))
    assert [f.code for f in verdict.findings] == [R.AUTHORISER_NOT_FOUND, R.ICB_CONTACT_NOT_NAMED]


def test_it_reports_both_limit_and_existing_holders_for_a_fifth_gpp_admin(check, rows):
    for n in range(4):
        rows.holder(f"gpp{n}@nhs.net")
    verdict = check()
    assert [f.code for f in verdict.findings] == [R.USER_ADMIN_EXISTS, R.GPP_ADMIN_LIMIT]
    assert verdict.outcome is Outcome.REJECTED
