"""The facts ID&V needs, as records and a read-only lookup protocol.

Rules ask a :class:`Directory` questions; they never see SQL. The service
implements it over its database (``verification.store``); tests use
:class:`verification.memory.MemoryDirectory`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Organisation:
    org_code: str
    name: str
    org_type: str  # gp_practice | optometry | dental | pharmacy
    icb_code: str
    status: str  # active | closed


@dataclass(frozen=True)
class StaffRecord:
    org_code: str
    full_name: str
    email: str  # lower-case, trimmed
    staff_role: str  # gp_partner, caldicott_guardian, salaried_gp, ...
    status: str  # active | inactive


@dataclass(frozen=True)
class AelEntry:
    org_code: str
    email: str
    status: str  # active | removed


@dataclass(frozen=True)
class IcbContact:
    icb_code: str
    full_name: str
    email: str
    status: str  # active | inactive


@dataclass(frozen=True)
class RoleHolder:
    org_code: str
    role_code: str
    full_name: str
    email: str
    status: str  # active | deactivated


class Directory(Protocol):
    """Read-only lookups over the organisation directory and request history.

    Emails passed in are already normalised (trimmed, lower-case); codes are
    upper-case.
    """

    def organisation(self, org_code: str) -> Organisation | None:
        """The organisation with this ODS code, or ``None``."""

    def staff_by_email(self, email: str) -> list[StaffRecord]:
        """Every staff row with this email, at any organisation."""

    def ael_by_email(self, email: str) -> list[AelEntry]:
        """Every AEL row with this email, at any organisation."""

    def icb_contacts_by_email(self, email: str) -> list[IcbContact]:
        """Every named ICB contact row with this email."""

    def has_active_authoriser(self, org_code: str) -> bool:
        """Whether the organisation has an active GP partner, Caldicott
        Guardian or AEL entry (for ICB_NOT_PREFERRED)."""

    def role_holders(self, org_code: str, role_code: str) -> list[RoleHolder]:
        """Current *active* holders of a role at an organisation."""

    def open_or_applied_requests(
        self, org_code: str, role_code: str, nominee_email: str, exclude_reference: str | None
    ) -> list[str]:
        """References of other requests for the same org, role and nominee
        that are open (received, processing, review) or applied."""
