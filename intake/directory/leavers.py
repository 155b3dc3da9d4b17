"""The leaver sweep: roles this service granted to people who have since left.

After each directory import, every active grant made by this service is
checked against the staff list: a holder with no *active* staff row at the
organisation is flagged (``inactive`` if a row says so, ``missing`` if there
is none), so PCSE can act on leavers. A flag closes by itself when a later
import shows the person active again, or when a caseworker resolves it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, select

from intake import audit
from intake.db import Database, utcnow
from intake.directory.models import LeaverFlag, RoleHolder, Staff


@dataclass(frozen=True)
class SweepResult:
    flagged: list[LeaverFlag]
    cleared: list[LeaverFlag]


def _staff_row(status: str | None = None):
    condition = and_(Staff.org_code == RoleHolder.org_code, Staff.email == RoleHolder.email)
    if status:
        condition = and_(condition, Staff.status == status)
    return exists().where(condition)


def sweep_leavers(db: Database, *, actor: str = "leaver sweep") -> SweepResult:
    """Flag grants whose holder is no longer active staff; clear flags whose
    holder is active again. Safe to run any number of times."""
    now = utcnow()
    with db.session() as session:
        open_flags = {
            flag.role_holder_id: flag
            for flag in session.scalars(select(LeaverFlag).where(LeaverFlag.resolved_at.is_(None)))
        }
        leavers = session.execute(
            select(RoleHolder, _staff_row("inactive")).where(
                RoleHolder.source == "intake",
                RoleHolder.status == "active",
                ~_staff_row("active"),
            )
        ).all()
        flagged = []
        for holder, has_inactive_row in leavers:
            if holder.id in open_flags:
                continue
            flag = LeaverFlag(
                role_holder_id=holder.id,
                org_code=holder.org_code,
                role_code=holder.role_code,
                email=holder.email,
                reason="inactive" if has_inactive_row else "missing",
            )
            session.add(flag)
            flagged.append(flag)
            audit.record(
                session,
                "leaver flagged",
                actor=actor,
                request_id=holder.request_id,
                org_code=holder.org_code,
                role_code=holder.role_code,
                email=holder.email,
                reason=flag.reason,
            )
        still_leaving = {holder.id for holder, _ in leavers}
        cleared = []
        for holder_id, flag in open_flags.items():
            holder = session.get(RoleHolder, holder_id)
            if holder_id in still_leaving and holder is not None and holder.status == "active":
                continue
            flag.resolved_at = now
            flag.resolved_by = actor
            flag.resolution_note = (
                "staff record active again"
                if holder and holder.status == "active"
                else "role no longer held"
            )
            cleared.append(flag)
            audit.record(
                session,
                "leaver flag cleared",
                actor=actor,
                request_id=holder.request_id if holder else None,
                email=flag.email,
                note=flag.resolution_note,
            )
        session.flush()
        return SweepResult(flagged, cleared)


def open_flags(db: Database) -> list[LeaverFlag]:
    """Every unresolved flag, oldest first."""
    with db.session() as session:
        return list(
            session.scalars(
                select(LeaverFlag).where(LeaverFlag.resolved_at.is_(None)).order_by(LeaverFlag.id)
            )
        )
