"""MemoryDirectory answers the Directory protocol's questions."""

from verification.directory import RoleHolder, StaffRecord
from verification.memory import MemoryDirectory


def test_it_finds_rows_by_email_whatever_the_case(directory):
    assert [s.org_code for s in directory.staff_by_email("priya.shah@nhs.net")] == ["A81001"]
    loud = MemoryDirectory(staff=[StaffRecord("a81001", "X", " X@NHS.net ", "admin", "active")])
    assert loud.staff_by_email("x@nhs.net")[0].org_code == "A81001"


def test_it_knows_which_organisations_have_an_active_authoriser(directory, rows):
    assert directory.has_active_authoriser("A81001")
    assert not directory.has_active_authoriser("B82002")
    rows.staff("cg@nhs.net", "caldicott_guardian", "B82002", "inactive")
    rows.staff("pm@nhs.net", "practice_manager", "B82002")
    assert not directory.has_active_authoriser("B82002")
    rows.ael("list@nhs.net", "B82002")
    assert directory.has_active_authoriser("B82002")


def test_it_lists_only_active_role_holders(rows, directory):
    rows.holder("a@nhs.net")
    rows.holder("b@nhs.net", status="deactivated")
    rows.holder("c@nhs.net", "PL_UA")
    assert [h.email for h in directory.role_holders("A81001", "GPP_UA")] == ["a@nhs.net"]


def test_it_lists_open_and_applied_requests_except_the_excluded_one(rows, directory):
    for ref, status in [
        ("R1", "received"),
        ("R2", "processing"),
        ("R3", "review"),
        ("R4", "applied"),
        ("R5", "rejected"),
    ]:
        rows.request(ref, status=status)
    found = directory.open_or_applied_requests("A81001", "GPP_UA", "sarah.collins@nhs.net", "R1")
    assert found == ["R2", "R3", "R4"]


def test_it_accepts_plain_tuples_for_other_requests():
    directory = MemoryDirectory(requests=[("R1", "A81001", "PL_UA", "a@nhs.net", "review")])
    assert directory.open_or_applied_requests("A81001", "PL_UA", "A@nhs.net", None) == ["R1"]


def test_granting_an_existing_holder_adds_no_second_row():
    directory = MemoryDirectory(
        role_holders=[RoleHolder("A81001", "GPP_UA", "A", "a@nhs.net", "active")]
    )
    from verification.rules import GrantAction

    directory.apply(GrantAction("grant", "A81001", "GPP_UA", "A", "a@nhs.net"))
    assert len(directory.role_holders("A81001", "GPP_UA")) == 1
