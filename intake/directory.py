"""The organisation directory in the database: atomic CSV import and lookups.

``import_directory`` streams the SPEC §4 CSV files into the tables inside one
transaction, so readers see the old directory until the new one is complete
and a bad file changes nothing. ``SqlDirectory`` answers the questions of
``verification.directory.Directory`` with indexed queries.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from intake import audit
from intake.db import Database
from intake.models import (
    OPEN_STATUSES,
    AelEntry,
    IcbContact,
    Organisation,
    Request,
    RoleHolder,
    Staff,
    Status,
)
from verification import directory as d

BATCH = 5000
ROLE_CODES = frozenset({"GPP_UA", "PL_UA", "OPTO_UA", "MAIN_CONTACT"})
_ODS = re.compile(r"^[A-Z0-9]{3,6}$")


class DirectoryImportError(ValueError):
    """A directory file is malformed; names the file and line."""


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(default_factory=dict)


def _code(value: str) -> str:
    return value.strip().upper()


def _email(value: str) -> str:
    value = value.strip().lower()
    if "@" not in value or " " in value:
        raise ValueError(f"{value!r} is not an email address")
    return value


def _text(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("is empty")
    return value


def _one_of(*allowed: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = value.strip().lower()
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
        return value

    return check


def _ods(value: str) -> str:
    value = _code(value)
    if not _ODS.match(value):
        raise ValueError(f"{value!r} is not an ODS code (3-6 letters or digits)")
    return value


def _role(value: str) -> str:
    value = _code(value)
    if value not in ROLE_CODES:
        raise ValueError(f"{value!r} is not one of {', '.join(sorted(ROLE_CODES))}")
    return value


def _lower(value: str) -> str:
    return _text(value).lower()


# file name → (model, required, {column: parser}, fixed values)
FILES: dict[str, tuple[type, bool, dict[str, Callable[[str], str]], dict[str, Any]]] = {
    "organisations.csv": (
        Organisation,
        True,
        {
            "org_code": _ods,
            "name": _text,
            "org_type": _one_of("gp_practice", "optometry", "dental", "pharmacy"),
            "icb_code": _code,
            "status": _one_of("active", "closed"),
        },
        {},
    ),
    "staff.csv": (
        Staff,
        True,
        {
            "org_code": _ods,
            "full_name": _text,
            "email": _email,
            "staff_role": _lower,
            "status": _one_of("active", "inactive"),
        },
        {},
    ),
    "ael.csv": (
        AelEntry,
        False,
        {"org_code": _ods, "email": _email, "status": _one_of("active", "removed")},
        {},
    ),
    "icb_contacts.csv": (
        IcbContact,
        False,
        {
            "icb_code": _code,
            "full_name": _text,
            "email": _email,
            "status": _one_of("active", "inactive"),
        },
        {},
    ),
    "user_admins.csv": (
        RoleHolder,
        False,
        {
            "org_code": _ods,
            "role_code": _role,
            "full_name": _text,
            "email": _email,
            "status": _one_of("active", "deactivated"),
        },
        {"source": "directory"},
    ),
}


def _rows(path: Path, parsers: dict[str, Callable[[str], str]]) -> Iterator[dict[str, str]]:
    """Parsed rows of one CSV file, streamed; errors name the file and line."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [column for column in parsers if column not in header]
        if missing:
            raise DirectoryImportError(
                f"{path.name}:1: missing column(s) {', '.join(missing)} "
                f"(header is {','.join(header) or 'empty'})"
            )
        reader.fieldnames = header
        for row in reader:
            line = reader.line_num
            out = {}
            for column, parse in parsers.items():
                raw = row.get(column)
                if raw is None:
                    raise DirectoryImportError(f"{path.name}:{line}: too few columns")
                try:
                    out[column] = parse(raw)
                except ValueError as exc:
                    raise DirectoryImportError(f"{path.name}:{line}: {column} {exc}") from None
            yield out


def import_directory(db: Database, folder: Path, *, actor: str = "operator") -> ImportSummary:
    """Replace the directory with the CSV files in ``folder``, atomically.

    Rows stream from disk in batches, so memory does not grow with the files.
    The service's own role grants are kept; ``user_admins.csv`` rows replace
    the previously imported ones.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DirectoryImportError(f"{folder}: not a folder")
    summary = ImportSummary()
    with db.session() as session:
        for name, (model, required, parsers, fixed) in FILES.items():
            path = folder / name
            table = model.__table__
            if model is RoleHolder:
                session.execute(delete(RoleHolder).where(RoleHolder.source == "directory"))
            else:
                session.execute(delete(table))
            if not path.exists():
                if required:
                    raise DirectoryImportError(f"{name}: missing from {folder}")
                summary.counts[name] = 0
                continue
            count = 0
            seen: set[str] = set()
            batch: list[dict[str, str]] = []
            for row in _rows(path, parsers):
                if model is Organisation:
                    if row["org_code"] in seen:
                        raise DirectoryImportError(
                            f"{name}: org_code {row['org_code']} appears twice"
                        )
                    seen.add(row["org_code"])
                batch.append(row | fixed)
                if len(batch) >= BATCH:
                    session.execute(insert(table), batch)
                    count += len(batch)
                    batch = []
            if batch:
                session.execute(insert(table), batch)
                count += len(batch)
            summary.counts[name] = count
        audit.record(session, "directory imported", actor=actor, counts=summary.counts)
    return summary


class SqlDirectory:
    """``verification.directory.Directory`` over the service's database."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def organisation(self, org_code: str) -> d.Organisation | None:
        row = self.session.get(Organisation, org_code)
        if row is None:
            return None
        return d.Organisation(row.org_code, row.name, row.org_type, row.icb_code, row.status)

    def staff_by_email(self, email: str) -> list[d.StaffRecord]:
        rows = self.session.scalars(select(Staff).where(Staff.email == email))
        return [
            d.StaffRecord(r.org_code, r.full_name, r.email, r.staff_role, r.status) for r in rows
        ]

    def ael_by_email(self, email: str) -> list[d.AelEntry]:
        rows = self.session.scalars(select(AelEntry).where(AelEntry.email == email))
        return [d.AelEntry(r.org_code, r.email, r.status) for r in rows]

    def icb_contacts_by_email(self, email: str) -> list[d.IcbContact]:
        rows = self.session.scalars(select(IcbContact).where(IcbContact.email == email))
        return [d.IcbContact(r.icb_code, r.full_name, r.email, r.status) for r in rows]

    def has_active_authoriser(self, org_code: str) -> bool:
        staff = self.session.scalar(
            select(Staff.id)
            .where(
                Staff.org_code == org_code,
                Staff.staff_role.in_(("gp_partner", "caldicott_guardian")),
                Staff.status == "active",
            )
            .limit(1)
        )
        if staff is not None:
            return True
        ael = self.session.scalar(
            select(AelEntry.id)
            .where(AelEntry.org_code == org_code, AelEntry.status == "active")
            .limit(1)
        )
        return ael is not None

    def role_holders(self, org_code: str, role_code: str) -> list[d.RoleHolder]:
        rows = self.session.scalars(
            select(RoleHolder).where(
                RoleHolder.org_code == org_code,
                RoleHolder.role_code == role_code,
                RoleHolder.status == "active",
            )
        )
        return [d.RoleHolder(r.org_code, r.role_code, r.full_name, r.email, r.status) for r in rows]

    def open_or_applied_requests(
        self, org_code: str, role_code: str, nominee_email: str, exclude_reference: str | None
    ) -> list[str]:
        query = select(Request.reference).where(
            Request.org_code == org_code,
            Request.role_code == role_code,
            Request.nominee_email == nominee_email,
            Request.status.in_([*OPEN_STATUSES, Status.APPLIED]),
        )
        if exclude_reference:
            query = query.where(Request.reference != exclude_reference)
        return [r for r in self.session.scalars(query) if r]
