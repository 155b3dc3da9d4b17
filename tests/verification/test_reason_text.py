"""Every reason code reads as plain English with an action for the requester."""

import pytest

from verification.fields import FIELD_KEYS
from verification.reasons import Finding, ReasonCode
from verification.text import TEXT, Reason, render


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


def test_it_serialises_a_reason_as_the_api_shape():
    reason = render(Finding(ReasonCode.AUTHORISER_INACTIVE, "authoriser_email"))
    assert isinstance(reason, Reason)
    assert reason.as_dict() == {
        "code": "AUTHORISER_INACTIVE",
        "field": "authoriser_email",
        "message": "The authoriser is not active at the organisation.",
        "action": "Ask an active GP partner, Caldicott Guardian or AEL user at the organisation "
        "to sign a new form.",
    }
