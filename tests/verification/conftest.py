"""Fixtures for verification: a small directory, row factories, a valid form.

The directory holds:

* A81001 Riverside Surgery (GP practice, ICB QWE): the valid form's org, with
  GP partner Dr Priya Shah, nominee Sarah Jane Collins (practice manager), and
  people in every state the authoriser rules care about.
* B82002 Hillside Surgery (GP practice, ICB QWE): no GP partner, Caldicott
  Guardian or AEL entry, so an ICB may sign (see ``valid_icb_form``).
* C83003 optometry, D84004 dental, P85005 pharmacy, Z89999 closed practice,
  E85005 in another ICB (RTY).
* ICB contacts: Tom Reid (QWE, active), Ian Old (QWE, inactive), Rita Far (RTY).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from verification.directory import AelEntry, IcbContact, Organisation, RoleHolder, StaffRecord
from verification.memory import MemoryDirectory, OtherRequest
from verification.rules import Verdict, verify

RECEIVED = datetime.date(2026, 3, 2)

VALID_FORM: dict[str, str | bool | None] = {
    "org_name": "Riverside Surgery",
    "org_code": "A81001",
    "role": "GPP Practice User Administrator",
    "request_type": "New",
    "nominee_name": "Sarah Collins",
    "nominee_email": "sarah.collins@nhs.net",
    "nominee_job_title": "Practice Manager",
    "requester_name": "Jo Bloggs",
    "requester_email": "jo.bloggs@nhs.net",
    "authoriser_name": "Dr Priya Shah",
    "authoriser_email": "priya.shah@nhs.net",
    "authoriser_capacity": "GP Partner",
    "icb_code": None,
    "signature": True,
    "date_signed": "01/03/2026",
    "declaration": True,
}

#: Changes to VALID_FORM that give an applied ICB-authorised form (at B82002).
ICB_FORM_CHANGES: dict[str, str | bool | None] = {
    "org_name": "Hillside Surgery",
    "org_code": "B82002",
    "nominee_name": "Ben Hill",
    "nominee_email": "ben.hill@nhs.net",
    "authoriser_name": "Tom Reid",
    "authoriser_email": "tom.reid@nhs.net",
    "authoriser_capacity": "ICB",
    "icb_code": "QWE",
}


def build_directory() -> MemoryDirectory:
    """The directory described in the module docstring (a fresh copy each call)."""
    org = Organisation
    return MemoryDirectory(
        organisations=[
            org("A81001", "Riverside Surgery", "gp_practice", "QWE", "active"),
            org("B82002", "Hillside Surgery", "gp_practice", "QWE", "active"),
            org("C83003", "Clear View Opticians", "optometry", "QWE", "active"),
            org("D84004", "Bright Smile Dental", "dental", "QWE", "active"),
            org("P85005", "High Street Pharmacy", "pharmacy", "QWE", "active"),
            org("Z89999", "Old Mill Surgery", "gp_practice", "QWE", "closed"),
            org("E85005", "Northgate Surgery", "gp_practice", "RTY", "active"),
        ],
        staff=[
            StaffRecord("A81001", "Dr Priya Shah", "priya.shah@nhs.net", "gp_partner", "active"),
            StaffRecord(
                "A81001",
                "Sarah Jane Collins",
                "sarah.collins@nhs.net",
                "practice_manager",
                "active",
            ),
            StaffRecord("A81001", "Dr Ann Gone", "ann.gone@nhs.net", "gp_partner", "inactive"),
            StaffRecord("A81001", "Dr Sam Lee", "sam.lee@nhs.net", "salaried_gp", "active"),
            StaffRecord(
                "A81001", "Dr Cal Guard", "cal.guard@nhs.net", "caldicott_guardian", "active"
            ),
            StaffRecord("B82002", "Dr Otto Berg", "otto.berg@nhs.net", "salaried_gp", "inactive"),
            StaffRecord("B82002", "Ben Hill", "ben.hill@nhs.net", "admin", "active"),
            StaffRecord("E85005", "Dr Eve Moss", "eve.moss@nhs.net", "gp_partner", "active"),
        ],
        ael=[
            AelEntry("A81001", "ael.user@nhs.net", "active"),
            AelEntry("A81001", "ael.gone@nhs.net", "removed"),
        ],
        icb_contacts=[
            IcbContact("QWE", "Tom Reid", "tom.reid@nhs.net", "active"),
            IcbContact("QWE", "Ian Old", "ian.old@nhs.net", "inactive"),
            IcbContact("RTY", "Rita Far", "rita.far@nhs.net", "active"),
        ],
    )


class Rows:
    """Factories that add directory rows, with defaults at A81001."""

    def __init__(self, directory: MemoryDirectory) -> None:
        self.directory = directory

    def org(
        self,
        org_code: str,
        name: str = "Test Surgery",
        org_type: str = "gp_practice",
        icb_code: str = "QWE",
        status: str = "active",
    ) -> None:
        """Add an organisation."""
        self.directory.organisations[org_code] = Organisation(
            org_code, name, org_type, icb_code, status
        )

    def staff(
        self,
        email: str,
        staff_role: str = "admin",
        org_code: str = "A81001",
        status: str = "active",
        full_name: str = "Alex Example",
    ) -> None:
        """Add a staff row."""
        self.directory.staff.append(StaffRecord(org_code, full_name, email, staff_role, status))

    def ael(self, email: str, org_code: str = "A81001", status: str = "active") -> None:
        """Add an AEL row."""
        self.directory.ael.append(AelEntry(org_code, email, status))

    def icb(
        self,
        email: str,
        icb_code: str = "QWE",
        status: str = "active",
        full_name: str = "Alex Example",
    ) -> None:
        """Add a named ICB contact."""
        self.directory.icb_contacts.append(IcbContact(icb_code, full_name, email, status))

    def holder(
        self,
        email: str,
        role_code: str = "GPP_UA",
        org_code: str = "A81001",
        status: str = "active",
        full_name: str = "Alex Example",
    ) -> None:
        """Add a role holder."""
        self.directory.holders.append(RoleHolder(org_code, role_code, full_name, email, status))

    def request(
        self,
        reference: str,
        nominee_email: str = "sarah.collins@nhs.net",
        role_code: str = "GPP_UA",
        org_code: str = "A81001",
        status: str = "review",
    ) -> None:
        """Add another request known to the service."""
        self.directory.requests.append(
            OtherRequest(reference, org_code, role_code, nominee_email, status)
        )


Form = dict[str, str | bool | None]


def make_valid_form(**changes: str | bool | None) -> Form:
    """The raw values of a form that is APPLIED against the directory, with ``changes``."""
    return {**VALID_FORM, **changes}


def make_valid_icb_form(**changes: str | bool | None) -> Form:
    """An applied form signed by a named ICB contact, with ``changes``."""
    return {**VALID_FORM, **ICB_FORM_CHANGES, **changes}


@pytest.fixture
def valid_form() -> Callable[..., Form]:
    """``valid_form(**changes)``: an APPLIED form's raw values with one thing varied."""
    return make_valid_form


@pytest.fixture
def valid_icb_form() -> Callable[..., Form]:
    """``valid_icb_form(**changes)``: an APPLIED ICB-signed form, varied."""
    return make_valid_icb_form


@pytest.fixture
def directory() -> MemoryDirectory:
    """A fresh copy of the test directory."""
    return build_directory()


@pytest.fixture
def rows(directory: MemoryDirectory) -> Rows:
    """Row factories writing into ``directory``."""
    return Rows(directory)


Check = Callable[..., Verdict]


@pytest.fixture
def check(directory: MemoryDirectory) -> Check:
    """Verify raw values (default: the valid form) against ``directory``.

    ``check(form, confidence=None, received=RECEIVED, reference=None)``.
    """

    def run(
        form: dict | None = None,
        confidence: dict[str, float] | None = None,
        *,
        received: datetime.date = RECEIVED,
        reference: str | None = None,
    ) -> Verdict:
        return verify(
            form if form is not None else make_valid_form(),
            confidence or {},
            received=received,
            directory=directory,
            reference=reference,
        )

    return run


@pytest.fixture
def codes() -> Callable[[Verdict], set[str]]:
    """``codes(verdict)``: its reason codes as strings."""
    return lambda verdict: {f.code.value for f in verdict.findings}
