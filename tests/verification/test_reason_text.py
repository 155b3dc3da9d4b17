"""Every reason code reads as plain English with an action for the requester."""

import pytest

from verification.fields import FIELD_KEYS
from verification.reasons import Finding, ReasonCode
from verification.text import TEXT, Reason, for_requester, render


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_code_has_a_message_and_an_action(code):
    reason = render(Finding(code, "nominee_email", "some detail"))
    assert reason.message and reason.action
    assert "{" not in reason.message + reason.action


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_code_renders_without_field_or_detail(code):
    reason = render(Finding(code))
    assert reason.message.endswith((".", ")")) and "{" not in reason.message


def test_the_table_covers_exactly_the_reason_codes():
    assert set(TEXT) == set(ReasonCode)


@pytest.mark.parametrize("key", FIELD_KEYS)
def test_it_names_the_field_by_its_printed_label_not_its_key(key):
    reason = render(Finding(ReasonCode.FIELD_MISSING, key))
    assert key not in reason.message or " " not in key.replace("_", "")


def test_it_gives_the_role_not_ua_action_from_the_guidance():
    reason = render(Finding(ReasonCode.ROLE_NOT_UA, "role", "Joiner & Leaver"))
    assert reason.action.startswith("PCSE can only create User Administrator roles.")
    assert "'Joiner & Leaver'" in reason.message


def test_it_serialises_a_reason_as_it_is_stored():
    reason = render(Finding(ReasonCode.AUTHORISER_INACTIVE, "authoriser_email"))
    assert isinstance(reason, Reason)
    assert reason.as_dict() == {
        "code": "AUTHORISER_INACTIVE",
        "field": "authoriser_email",
        "message": "The authoriser is not active at the organisation.",
        "action": "Ask an active GP partner, Caldicott Guardian or AEL user at the organisation "
        "to sign a new form.",
        "detail": "",
    }


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_code_reads_to_a_requester_without_internals_or_promises(code):
    reason = for_requester(
        code.value, "nominee_email", "1 active holder(s) at A81002 UA-2026-000001"
    )

    assert reason.message and reason.action
    assert "{" not in reason.message + reason.action
    assert "caseworker will" not in reason.message
    if code not in QUOTES_THE_FORM:
        for internal in ("holder(s)", "A81002", "UA-2026-"):
            assert internal not in reason.message


#: Codes whose detail is a value from the requester's own form (or their
#: organisation's name), quoted back to them in a sentence of its own.
QUOTES_THE_FORM = {
    ReasonCode.FIELD_INVALID,
    ReasonCode.ROLE_NOT_UA,
    ReasonCode.ORG_UNKNOWN,
    ReasonCode.ORG_NAME_MISMATCH,
}


@pytest.mark.parametrize(
    ("code", "detail", "shown"),
    [
        ("FIELD_INVALID", "tom.reed@nhs", "The form gives 'tom.reed@nhs'."),
        ("ROLE_NOT_UA", "Joiner & Leaver", "The form asks for 'Joiner & Leaver'."),
        ("ORG_NAME_MISMATCH", "Riverside Surgery", "PCSE holds the name 'Riverside Surgery'."),
    ],
)
def test_a_requester_sees_their_own_values_in_sentences_of_their_own(code, detail, shown):
    assert for_requester(code, "org_code", detail).message.endswith(shown)


def test_a_requester_is_not_shown_a_librarys_words():
    reason = for_requester("PDF_UNREADABLE", None, "the file could not be opened: Errno 5")

    assert reason.message == "The PDF could not be opened."
