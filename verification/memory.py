"""An in-memory :class:`~verification.directory.Directory` for tests and small tools."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from verification.directory import AelEntry, IcbContact, Organisation, RoleHolder, StaffRecord
from verification.policy import CAPACITY_STAFF_ROLE
from verification.request import is_active
from verification.roles import MAIN_CONTACT

if TYPE_CHECKING:
    from verification.rules import GrantAction

#: Request statuses that make another request a duplicate (SPEC §5).
OPEN_OR_APPLIED = frozenset({"received", "processing", "review", "applied"})
#: The staff roles that carry authority (the authoriser table's).
AUTHORITY_STAFF_ROLES = frozenset(CAPACITY_STAFF_ROLE.values())


class OtherRequest(NamedTuple):
    """A request already known to the service (plain tuples work too)."""

    reference: str
    org_code: str
    role_code: str
    nominee_email: str
    status: str


def _email(email: str) -> str:
    return email.strip().lower()


class MemoryDirectory:
    """The directory as lists of records, searched linearly.

    Emails are normalised and codes upper-cased on the way in, as the real
    import does.

    >>> d = MemoryDirectory(organisations=[Organisation("A81001", "Riverside Surgery",
    ...                                                 "gp_practice", "QWE", "active")],
    ...                     ael=[AelEntry("a81001", " PM@nhs.net", "active")])
    >>> d.organisation("A81001").name, d.has_active_authoriser("A81001")
    ('Riverside Surgery', True)
    >>> d.ael_by_email("pm@nhs.net")
    [AelEntry(org_code='A81001', email='pm@nhs.net', status='active')]
    """

    def __init__(
        self,
        organisations: Iterable[Organisation] = (),
        staff: Iterable[StaffRecord] = (),
        ael: Iterable[AelEntry] = (),
        icb_contacts: Iterable[IcbContact] = (),
        role_holders: Iterable[RoleHolder] = (),
        requests: Iterable[tuple[str, str, str, str, str]] = (),
    ) -> None:
        self.organisations = {
            o.org_code.upper(): replace(o, org_code=o.org_code.upper()) for o in organisations
        }
        self.staff = [replace(s, org_code=s.org_code.upper(), email=_email(s.email)) for s in staff]
        self.ael = [replace(a, org_code=a.org_code.upper(), email=_email(a.email)) for a in ael]
        self.icb_contacts = [
            replace(c, icb_code=c.icb_code.upper(), email=_email(c.email)) for c in icb_contacts
        ]
        self.holders = [
            replace(h, org_code=h.org_code.upper(), email=_email(h.email)) for h in role_holders
        ]
        self.requests = [OtherRequest(*r) for r in requests]

    def organisation(self, org_code: str) -> Organisation | None:
        """The organisation with this ODS code, or ``None``."""
        return self.organisations.get(org_code.upper())

    def staff_by_email(self, email: str) -> list[StaffRecord]:
        """Every staff row with this email, at any organisation."""
        return [s for s in self.staff if s.email == _email(email)]

    def ael_by_email(self, email: str) -> list[AelEntry]:
        """Every AEL row with this email, at any organisation."""
        return [a for a in self.ael if a.email == _email(email)]

    def icb_contacts_by_email(self, email: str) -> list[IcbContact]:
        """Every named ICB contact row with this email."""
        return [c for c in self.icb_contacts if c.email == _email(email)]

    def has_active_authoriser(self, org_code: str) -> bool:
        """Whether the organisation has an active GP partner, Caldicott Guardian
        or AEL entry."""
        code = org_code.upper()
        if any(a.org_code == code and is_active(a.status) for a in self.ael):
            return True
        return any(
            s.org_code == code
            and is_active(s.status)
            and s.staff_role.strip().lower() in AUTHORITY_STAFF_ROLES
            for s in self.staff
        )

    def role_holders(self, org_code: str, role_code: str) -> list[RoleHolder]:
        """Current *active* holders of a role at an organisation."""
        return [
            h
            for h in self.holders
            if h.org_code == org_code.upper() and h.role_code == role_code and is_active(h.status)
        ]

    def open_or_applied_requests(
        self, org_code: str, role_code: str, nominee_email: str, exclude_reference: str | None
    ) -> list[str]:
        """References of other open or applied requests for the same org, role
        and nominee."""
        return [
            r.reference
            for r in self.requests
            if r.org_code.upper() == org_code.upper()
            and r.role_code == role_code
            and _email(r.nominee_email) == _email(nominee_email)
            and r.status in OPEN_OR_APPLIED
            and r.reference != exclude_reference
        ]

    def apply(self, action: GrantAction) -> None:
        """Write a :class:`~verification.rules.GrantAction` to the role holders,
        as applying a request does in the service's store."""
        code, role, email = action.org_code.upper(), action.role_code, _email(action.email)
        current = [
            h
            for h in self.holders
            if h.org_code == code and h.role_code == role and is_active(h.status)
        ]
        if action.kind == "deactivate":
            leaving = [h for h in current if h.email == email]
        elif action.kind == "replace" or role == MAIN_CONTACT:  # one Main Contact at a time
            leaving = [h for h in current if h.email != email]
        else:
            leaving = []
        self.holders = [
            replace(h, status="deactivated") if h in leaving else h for h in self.holders
        ]
        if action.kind != "deactivate" and not any(h.email == email for h in current):
            self.holders.append(RoleHolder(code, role, action.full_name, email, "active"))
