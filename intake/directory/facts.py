"""The directory records behind a request's reasons, for the caseworker.

A reason names what a rule found ("the organisation already has an active
holder"); the caseworker needs the records themselves: which holders, the
authoriser's rows here and at other organisations, the organisation's own
record. :func:`facts_for` fetches, for the kinds of facts that
``verification.checks.FACTS`` names for the request's reasons, lines as the
directory holds them today.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.directory.models import AelEntry, Staff
from intake.directory.queries import SqlDirectory
from verification import checks
from verification.policy import CAPACITY_STAFF_ROLE
from verification.reasons import ReasonCode
from verification.roles import ROLES


@dataclass(frozen=True)
class Fact:
    """One record, as a label ("Holder", "Staff at A81001") and its text."""

    label: str
    text: str


def _text(value: Any) -> str:
    return value.strip().lower() if isinstance(value, str) else ""


def facts_for(
    session: Session, fields: Mapping[str, Any], codes: Iterable[str]
) -> dict[str, list[Fact]]:
    """Facts of each kind the reasons ``codes`` rest on, from the request's
    normalised ``fields``; a kind with nothing to show has one line saying so."""
    kinds: list[str] = []
    for code in codes:
        try:
            kinds += [k for k in checks.FACTS.get(ReasonCode(code), ()) if k not in kinds]
        except ValueError:
            continue
    directory = SqlDirectory(session)
    org_code = (
        (fields.get("org_code") or "").strip().upper()
        if isinstance(fields.get("org_code"), str)
        else ""
    )
    found: dict[str, list[Fact]] = {}
    for kind in kinds:
        lines = _FETCH[kind](session, directory, org_code, fields)
        found[kind] = lines or [Fact("Directory", "Nothing listed.")]
    return found


def _organisation(_session, directory: SqlDirectory, org_code: str, _fields) -> list[Fact]:
    org = directory.organisation(org_code) if org_code else None
    if org is None:
        return []
    return [
        Fact(
            "Organisation",
            f"{org.org_code} {org.name}: {org.org_type.replace('_', ' ')}, ICB {org.icb_code}, "
            f"{org.status}",
        )
    ]


def _holders(_session, directory: SqlDirectory, org_code: str, fields) -> list[Fact]:
    role = fields.get("role")
    if not org_code or role not in ROLES:
        return []
    return [
        Fact(f"Active {ROLES[role].name}", f"{holder.full_name} <{holder.email}>")
        for holder in directory.role_holders(org_code, role)
    ]


def _person(directory: SqlDirectory, email: str, org_code: str, who: str) -> list[Fact]:
    lines = []
    for row in directory.staff_by_email(email):
        where = "here" if row.org_code == org_code else row.org_code
        lines.append(
            Fact(
                f"{who}: staff {where}",
                f"{row.full_name}, {row.staff_role.replace('_', ' ')}, {row.status}",
            )
        )
    for row in directory.ael_by_email(email):
        where = "here" if row.org_code == org_code else row.org_code
        lines.append(Fact(f"{who}: Authorised Email List {where}", row.status))
    for row in directory.icb_contacts_by_email(email):
        lines.append(
            Fact(f"{who}: ICB contact for {row.icb_code}", f"{row.full_name}, {row.status}")
        )
    return lines


def _authoriser(_session, directory: SqlDirectory, org_code: str, fields) -> list[Fact]:
    email = _text(fields.get("authoriser_email"))
    return _person(directory, email, org_code, "Authoriser") if email else []


def _nominee(_session, directory: SqlDirectory, org_code: str, fields) -> list[Fact]:
    email = _text(fields.get("nominee_email"))
    return _person(directory, email, org_code, "Nominee") if email else []


def _authorisers_at_org(session: Session, _directory, org_code: str, _fields) -> list[Fact]:
    if not org_code:
        return []
    staff = session.execute(
        select(Staff.full_name, Staff.email, Staff.staff_role).where(
            Staff.org_code == org_code,
            Staff.status == "active",
            Staff.staff_role.in_(sorted(CAPACITY_STAFF_ROLE.values())),
        )
    ).all()
    ael = session.scalars(
        select(AelEntry.email).where(AelEntry.org_code == org_code, AelEntry.status == "active")
    ).all()
    return [
        Fact(role.replace("_", " ").capitalize(), f"{name} <{email}>")
        for name, email, role in staff
    ] + [Fact("Authorised Email List", email) for email in ael]


_FETCH = {
    checks.ORGANISATION: _organisation,
    checks.HOLDERS: _holders,
    checks.AUTHORISER: _authoriser,
    checks.NOMINEE: _nominee,
    checks.AUTHORISERS_AT_ORG: _authorisers_at_org,
}
