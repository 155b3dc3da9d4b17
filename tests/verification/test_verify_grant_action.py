"""What applying a request means, and applying it to the in-memory directory."""

from verification.reasons import Outcome, ReasonCode
from verification.rules import GrantAction


def test_a_new_request_grants_the_nominee(check):
    assert check().action == GrantAction(
        "grant", "A81001", "GPP_UA", "Sarah Collins", "sarah.collins@nhs.net"
    )


def test_a_main_contact_update_replaces_the_current_holder(check, valid_form, rows):
    rows.holder("mc@nhs.net", "MAIN_CONTACT")
    verdict = check(valid_form(role="Main Contact", request_type="update"))
    assert verdict.outcome is Outcome.APPLIED
    assert verdict.action.kind == "replace" and verdict.action.role_code == "MAIN_CONTACT"


def test_a_main_contact_removal_deactivates_the_nominee(check, valid_form, rows):
    rows.holder("sarah.collins@nhs.net", "MAIN_CONTACT")
    verdict = check(valid_form(role="Main Contact", request_type="Remove"))
    assert verdict.action.kind == "deactivate"


def test_a_rejected_request_has_no_action(check, valid_form):
    assert check(valid_form(signature=False)).action is None


def test_a_review_request_says_what_applying_would_do(check, valid_form):
    verdict = check(valid_form(org_name="Elsewhere"))
    assert verdict.outcome is Outcome.REVIEW and verdict.action.kind == "grant"


def test_an_applied_grant_makes_the_same_request_already_held(check, directory):
    directory.apply(check().action)
    assert [f.code for f in check().findings] == [ReasonCode.NOMINEE_ALREADY_HOLDS_ROLE]


def test_an_applied_replacement_leaves_the_nominee_the_only_main_contact(
    check, valid_form, rows, directory
):
    rows.holder("mc@nhs.net", "MAIN_CONTACT")
    directory.apply(check(valid_form(role="Main Contact", request_type="Update")).action)
    holders = directory.role_holders("A81001", "MAIN_CONTACT")
    assert [h.email for h in holders] == ["sarah.collins@nhs.net"]


def test_an_applied_removal_leaves_no_main_contact(check, valid_form, rows, directory):
    rows.holder("sarah.collins@nhs.net", "MAIN_CONTACT")
    directory.apply(check(valid_form(role="Main Contact", request_type="Remove")).action)
    assert directory.role_holders("A81001", "MAIN_CONTACT") == []
