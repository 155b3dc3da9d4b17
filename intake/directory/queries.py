"""The directory lookups ID&V runs: :class:`SqlDirectory`, over the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from intake.directory.models import AelEntry, IcbContact, Organisation, RoleHolder, Staff
from intake.submissions.models import OPEN_STATUSES, Request, Status
from verification import directory as d
from verification.policy import CAPACITY_STAFF_ROLE


def _lookup(*columns: Any, keys: tuple[str, ...]) -> Select[Any]:
    """``SELECT columns WHERE key = :key AND ...`` over the first column's table."""
    table = columns[0].class_
    return select(*columns).where(*(getattr(table, key) == bindparam(key) for key in keys))


# Built once, so a lookup only binds its values; run on the session's
# connection and read as plain rows (verification wants records, not ORM
# objects). Building statements and loading objects were most of the time
# a decision took.
_ORGANISATION = _lookup(
    Organisation.org_code,
    Organisation.name,
    Organisation.org_type,
    Organisation.icb_code,
    Organisation.status,
    keys=("org_code",),
)
_STAFF = _lookup(
    Staff.org_code, Staff.full_name, Staff.email, Staff.staff_role, Staff.status, keys=("email",)
)
_AEL = _lookup(AelEntry.org_code, AelEntry.email, AelEntry.status, keys=("email",))
_ICB = _lookup(
    IcbContact.icb_code, IcbContact.full_name, IcbContact.email, IcbContact.status, keys=("email",)
)
_ACTIVE_AUTHORISER = (
    _lookup(Staff.id, keys=("org_code",))
    .where(Staff.staff_role.in_(sorted(CAPACITY_STAFF_ROLE.values())), Staff.status == "active")
    .limit(1)
)
_ACTIVE_AEL = _lookup(AelEntry.id, keys=("org_code",)).where(AelEntry.status == "active").limit(1)
_HOLDERS = _lookup(
    RoleHolder.org_code,
    RoleHolder.role_code,
    RoleHolder.full_name,
    RoleHolder.email,
    RoleHolder.status,
    keys=("org_code", "role_code"),
).where(RoleHolder.status == "active")
_SAME_REQUESTS = _lookup(Request.reference, keys=("org_code", "role_code", "nominee_email")).where(
    Request.status.in_([*OPEN_STATUSES, Status.APPLIED])
)
_OTHER_REQUESTS = _SAME_REQUESTS.where(Request.reference != bindparam("exclude"))


class SqlDirectory:
    """``verification.directory.Directory`` over the service's database."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _rows(self, statement: Select[Any], **values: Any) -> list[Any]:
        self.session.flush()  # what this transaction changed through the ORM counts too
        return list(self.session.connection().execute(statement, values))

    def organisation(self, org_code: str) -> d.Organisation | None:
        rows = self._rows(_ORGANISATION, org_code=org_code)
        return d.Organisation(*rows[0]) if rows else None

    def staff_by_email(self, email: str) -> list[d.StaffRecord]:
        return [d.StaffRecord(*row) for row in self._rows(_STAFF, email=email)]

    def ael_by_email(self, email: str) -> list[d.AelEntry]:
        return [d.AelEntry(*row) for row in self._rows(_AEL, email=email)]

    def icb_contacts_by_email(self, email: str) -> list[d.IcbContact]:
        return [d.IcbContact(*row) for row in self._rows(_ICB, email=email)]

    def has_active_authoriser(self, org_code: str) -> bool:
        return bool(
            self._rows(_ACTIVE_AUTHORISER, org_code=org_code)
            or self._rows(_ACTIVE_AEL, org_code=org_code)
        )

    def role_holders(self, org_code: str, role_code: str) -> list[d.RoleHolder]:
        rows = self._rows(_HOLDERS, org_code=org_code, role_code=role_code)
        return [d.RoleHolder(*row) for row in rows]

    def open_or_applied_requests(
        self, org_code: str, role_code: str, nominee_email: str, exclude_reference: str | None
    ) -> list[str]:
        values = {"org_code": org_code, "role_code": role_code, "nominee_email": nominee_email}
        if exclude_reference:
            rows = self._rows(_OTHER_REQUESTS, exclude=exclude_reference, **values)
        else:
            rows = self._rows(_SAME_REQUESTS, **values)
        return [reference for (reference,) in rows if reference]
