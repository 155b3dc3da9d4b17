"""The authoriser table: what PCSE's pages say, read by the rules, printed by the README."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from verification import policy, rules
from verification.policy import (
    ADMIN_LIMITS,
    AUTHORISERS,
    CAPACITY_STAFF_ROLE,
    LAST_RESORT,
    ORDER_OF_PREFERENCE,
    ROLE_LIMITS,
    ROLE_POLICIES,
    may_authorise,
    render_markdown,
)
from verification.reasons import ReasonCode as R
from verification.roles import (
    AEL_USER,
    CALDICOTT_GUARDIAN,
    CAPACITY_SPELLINGS,
    GP_PARTNER,
    GPP_UA,
    ICB,
    MAIN_CONTACT,
    OPTO_UA,
    PL_UA,
    ROLES,
    recognise_capacity,
)


def test_the_readme_prints_the_table_exactly_as_the_data_renders_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count(render_markdown()) == 1, (
        "README.md's authoriser table differs from verification/policy.py: paste "
        "render_markdown() into the README section 'Who may authorise what'"
    )


def test_the_rendering_names_every_capacity_role_and_limit() -> None:
    table = render_markdown()
    for capacity in ORDER_OF_PREFERENCE:
        assert f"| {capacity} |" in table
    for code, role in ROLES.items():
        assert f"| {role.name} | `{code}` |" in table
    assert "at most 4; a New when 4 are active: `PL_ADMIN_LIMIT` (reject, a hard limit)" in table
    assert "exactly 1" in table


def test_the_order_of_preference_is_pcses() -> None:
    assert ORDER_OF_PREFERENCE == (GP_PARTNER, CALDICOTT_GUARDIAN, AEL_USER, ICB)
    assert LAST_RESORT == ICB


def test_each_capacity_is_in_the_table_once_in_words_the_reader_recognises() -> None:
    assert sorted(ORDER_OF_PREFERENCE) == sorted(CAPACITY_SPELLINGS)
    for authoriser in AUTHORISERS:
        assert recognise_capacity(authoriser.pcse_words) == authoriser.capacity


def test_every_role_has_a_row_that_all_four_capacities_may_authorise() -> None:
    assert set(ROLE_POLICIES) == set(ROLES)
    for code, row in ROLE_POLICIES.items():
        assert row.authorisers == ORDER_OF_PREFERENCE, code
        assert all(may_authorise(capacity, code) for capacity in ORDER_OF_PREFERENCE)
        assert all(title in policy.PAGES for title in row.pages), code
    assert not may_authorise("Practice Manager", GPP_UA)
    assert not may_authorise(GP_PARTNER, "Joiner & Leaver")


def test_the_limits_per_role() -> None:
    assert ROLE_LIMITS == {GPP_UA: 4, PL_UA: 4, MAIN_CONTACT: 1}
    assert OPTO_UA not in ROLE_LIMITS
    assert ADMIN_LIMITS == {GPP_UA: (4, R.GPP_ADMIN_LIMIT), PL_UA: (4, R.PL_ADMIN_LIMIT)}
    assert rules.ADMIN_LIMITS is ADMIN_LIMITS


def test_the_limit_rule_reads_the_table(check, codes, rows, valid_form, monkeypatch) -> None:
    pl_form = valid_form(role="PL Organisation User Administrator")
    for n in range(2):
        rows.holder(f"pl{n}@nhs.net", role_code=PL_UA)
    assert "PL_ADMIN_LIMIT" not in codes(check(pl_form))

    monkeypatch.setitem(ADMIN_LIMITS, PL_UA, (2, R.PL_ADMIN_LIMIT))

    verdict = check(pl_form)
    assert "PL_ADMIN_LIMIT" in codes(verdict)
    assert verdict.outcome == "rejected"


def test_a_fifth_pl_administrator_is_refused_and_a_second_main_contact_is_reviewed(
    check, codes, rows, valid_form
) -> None:
    for n in range(4):
        rows.holder(f"pl{n}@nhs.net", role_code=PL_UA)
    rows.holder("mc@nhs.net", role_code=MAIN_CONTACT)

    fifth = check(valid_form(role="PL Organisation User Administrator"))
    second = check(valid_form(role="Main Contact"))

    assert codes(fifth) == {"PL_ADMIN_LIMIT", "USER_ADMIN_EXISTS"}
    assert fifth.outcome == "rejected"
    assert codes(second) == {"USER_ADMIN_EXISTS"}
    assert second.outcome == "review"


@pytest.mark.parametrize("capacity", sorted(CAPACITY_STAFF_ROLE))
def test_the_staff_role_in_the_table_carries_its_capacity(
    capacity, check, codes, rows, valid_form
) -> None:
    rows.staff("holder@nhs.net", CAPACITY_STAFF_ROLE[capacity], full_name="Alex Example")
    rows.staff("manager@nhs.net", "practice_manager", full_name="Alex Example")

    def signed_by(email: str) -> set[str]:
        form = valid_form(
            authoriser_name="Alex Example", authoriser_email=email, authoriser_capacity=capacity
        )
        return codes(check(form))

    assert signed_by("holder@nhs.net") == set()
    assert signed_by("manager@nhs.net") == {"AUTHORISER_CAPACITY_MISMATCH"}


@pytest.mark.parametrize("earlier", [a.capacity for a in AUTHORISERS[:-1]])
def test_the_last_resort_is_not_preferred_while_an_earlier_capacity_is_active(
    earlier, check, codes, rows, valid_icb_form
) -> None:
    assert codes(check(valid_icb_form())) == set()
    if earlier == AEL_USER:
        rows.ael("hillside.ael@nhs.net", org_code="B82002")
    else:
        rows.staff("signer@nhs.net", CAPACITY_STAFF_ROLE[earlier], org_code="B82002")

    verdict = check(valid_icb_form())

    assert codes(verdict) == {"ICB_NOT_PREFERRED"}
    assert verdict.outcome == "review"
