"""The directory records behind a request's reasons (SQLite and PostgreSQL)."""

from __future__ import annotations

from intake.directory.facts import Fact, facts_for
from tests.intake.factories import GOOD_FORM

MAIN_CONTACT = {**GOOD_FORM, "role": "MAIN_CONTACT"}


def facts(service, fields, *codes):
    with service.db.session() as session:
        return facts_for(session, fields, codes)


def test_an_existing_holder_is_named(service):
    found = facts(service, MAIN_CONTACT, "USER_ADMIN_EXISTS")

    assert found == {"holders": [Fact("Active Main Contact", "Mary Main <mary@nhs.net>")]}


def test_the_authoriser_is_shown_here_and_at_other_organisations(service):
    fields = {**GOOD_FORM, "authoriser_email": "Sarah.Collins@nhs.net "}

    found = facts(service, fields, "AUTHORISER_CAPACITY_MISMATCH", "AUTHORISER_NAME_MISMATCH")

    assert sorted(found["authoriser"], key=lambda f: f.label) == [
        Fact("Authoriser: staff B82002", "Sarah Collins, optometrist, inactive"),
        Fact("Authoriser: staff here", "Dr Sarah Collins, gp partner, active"),
    ]


def test_the_organisation_record_and_its_own_authorisers(service):
    found = facts(service, GOOD_FORM, "ORG_NAME_MISMATCH", "ICB_NOT_PREFERRED")

    assert found["organisation"] == [
        Fact("Organisation", "A81001 Riverside Surgery: gp practice, ICB QWE, active")
    ]
    assert (
        Fact("Gp partner", "Dr Sarah Collins <sarah.collins@nhs.net>")
        in found["authorisers_at_org"]
    )
    assert Fact("Authorised Email List", "ael.user@nhs.net") in found["authorisers_at_org"]


def test_a_reason_with_nothing_behind_it_in_the_directory_says_so(service):
    fields = {**GOOD_FORM, "nominee_email": "nobody@nhs.net"}

    assert facts(service, fields, "NOMINEE_NOT_AT_ORG", "SIGNATURE_MISSING") == {
        "nominee": [Fact("Directory", "Nothing listed.")]
    }
