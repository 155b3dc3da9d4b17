"""The directory wing's tables: organisations, staff, the AEL, ICB contacts,
role holders, leaver flags."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from intake.db import Base, utcnow
from verification.policy import ROLE_LIMITS


class Organisation(Base):
    __tablename__ = "organisations"

    org_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str] = mapped_column(String(20))
    icb_code: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_code: Mapped[str] = mapped_column(String(10))
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    staff_role: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(10))

    __table_args__ = (
        Index("ix_staff_email", "email"),
        Index("ix_staff_org_role", "org_code", "staff_role", "status"),
    )


class AelEntry(Base):
    __tablename__ = "ael_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_code: Mapped[str] = mapped_column(String(10))
    email: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(10))

    __table_args__ = (
        Index("ix_ael_email", "email"),
        Index("ix_ael_org_status", "org_code", "status"),
    )


class IcbContact(Base):
    __tablename__ = "icb_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    icb_code: Mapped[str] = mapped_column(String(10))
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(10))

    __table_args__ = (Index("ix_icb_contacts_email", "email"),)


def _slot_check() -> str:
    """The CHECK that keeps every active holder of a limited role in a
    numbered place from 1 to the role's limit (:data:`ROLE_LIMITS`)."""
    limited = ", ".join(f"'{code}'" for code in sorted(ROLE_LIMITS))
    places = " OR ".join(
        f"(role_code = '{code}' AND COALESCE(slot, 0) BETWEEN 1 AND {most})"
        for code, most in sorted(ROLE_LIMITS.items())
    )
    return f"status <> 'active' OR role_code NOT IN ({limited}) OR {places}"


class RoleHolder(Base):
    """A holder of a §3 role: imported from ``user_admins.csv`` (source
    ``directory``) or granted by this service (source ``intake``).

    A re-import replaces the directory rows and keeps the service's own
    grants. Two partial unique indexes make a double grant impossible: one
    grant per request, and one active service grant per (org, role, email).

    The database also holds the limits of SPEC §3, whoever writes: an active
    holder of a limited role (a Main Contact, a GPP or PL administrator)
    sits in a numbered ``slot`` from 1 to the role's limit, and two active
    holders cannot share a slot, so a fifth administrator or a second Main
    Contact fails to insert. ``held``: a holder an import named that the
    service's own changes leave no room for (see ``DirectoryConflict``).
    """

    __tablename__ = "role_holders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_code: Mapped[str] = mapped_column(String(10))
    role_code: Mapped[str] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(12))  # active | deactivated | held
    source: Mapped[str] = mapped_column(String(12), default="directory")
    slot: Mapped[int | None] = mapped_column(Integer)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    granted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    deactivated_by_request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))

    __table_args__ = (
        Index("ix_role_holders_org_role", "org_code", "role_code", "status"),
        Index(
            "uq_role_holders_request",
            "request_id",
            unique=True,
            sqlite_where=text("request_id IS NOT NULL"),
            postgresql_where=text("request_id IS NOT NULL"),
        ),
        Index(
            "uq_role_holders_active_grant",
            "org_code",
            "role_code",
            "email",
            unique=True,
            sqlite_where=text("status = 'active' AND source = 'intake'"),
            postgresql_where=text("status = 'active' AND source = 'intake'"),
        ),
        Index(
            "uq_role_holders_slot",
            "org_code",
            "role_code",
            "slot",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index(
            "uq_role_holders_one_main_contact",
            "org_code",
            unique=True,
            sqlite_where=text("status = 'active' AND role_code = 'MAIN_CONTACT'"),
            postgresql_where=text("status = 'active' AND role_code = 'MAIN_CONTACT'"),
        ),
        CheckConstraint(_slot_check(), name="ck_role_holders_slot"),
    )


@event.listens_for(Session, "before_flush")
def _seat_new_holders(session: Session, _context: object, _instances: object) -> None:
    """Give each active holder of a limited role that has no slot the lowest
    free one at its organisation, as the session will leave them.

    A holder that cannot be seated keeps no slot, and the database refuses it.
    Two transactions that seat the same slot at once: the second fails on
    ``uq_role_holders_slot``.
    """
    pending = [
        h
        for h in (*session.new, *session.dirty)
        if isinstance(h, RoleHolder)
        and h.status == "active"
        and h.slot is None
        and h.role_code in ROLE_LIMITS
    ]
    for org_code, role_code in dict.fromkeys((h.org_code, h.role_code) for h in pending):
        here = [h for h in session.identity_map.values() if isinstance(h, RoleHolder)]
        known = {h.id: h for h in here if h.org_code == org_code and h.role_code == role_code}
        stored = session.execute(
            select(RoleHolder.id, RoleHolder.slot).where(
                RoleHolder.org_code == org_code,
                RoleHolder.role_code == role_code,
                RoleHolder.status == "active",
                RoleHolder.slot.is_not(None),
            )
        ).all()
        taken = {slot for id_, slot in stored if id_ not in known}
        here_now = (*known.values(), *session.new)
        taken |= {h.slot for h in here_now if _seated(h, org_code, role_code)}
        free = (n for n in range(1, ROLE_LIMITS[role_code] + 1) if n not in taken)
        for holder in pending:
            if (holder.org_code, holder.role_code) == (org_code, role_code):
                holder.slot = next(free, None)


def _seated(holder: object, org_code: str, role_code: str) -> bool:
    return (
        isinstance(holder, RoleHolder)
        and holder.org_code == org_code
        and holder.role_code == role_code
        and holder.status == "active"
        and holder.slot is not None
    )


class DirectoryChange(Base):
    """A change this service made to the role holders (a grant, or a holder
    deactivated), kept so that a later directory import cannot undo it.

    ``confirmed_at`` is set by the first import that agrees with the change
    (the grantee listed as active; the deactivated holder listed as
    deactivated, or gone). Until then every import re-applies it.
    """

    __tablename__ = "directory_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"))
    kind: Mapped[str] = mapped_column(String(12))  # grant | deactivate
    org_code: Mapped[str] = mapped_column(String(10))
    role_code: Mapped[str] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    made_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_directory_changes_pending", "confirmed_at", "org_code", "role_code"),
    )


class DirectoryConflict(Base):
    """What an import says that contradicts a change this service made, in a
    way a late upstream export cannot explain: for caseworkers to resolve.

    ``kind``: ``other_holder`` (the import names someone else in a place the
    service filled: held back, not made active) or ``grantee_deactivated``
    (the import lists the service's grantee as deactivated in that role).
    Open until a caseworker resolves it; one open conflict per holder and kind.
    """

    __tablename__ = "directory_conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_code: Mapped[str] = mapped_column(String(10))
    role_code: Mapped[str] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(Text)
    found_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolution_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index(
            "uq_directory_conflicts_open",
            "org_code",
            "role_code",
            "email",
            "kind",
            unique=True,
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
    )


class LeaverFlag(Base):
    """A role this service granted whose holder's staff record at the
    organisation is now inactive or missing (found after a directory import).

    Open until a caseworker resolves it; at most one open flag per holder.
    """

    __tablename__ = "leaver_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_holder_id: Mapped[int] = mapped_column(ForeignKey("role_holders.id"))
    org_code: Mapped[str] = mapped_column(String(10))
    role_code: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(String(20))  # inactive | missing
    flagged_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolution_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index(
            "uq_leaver_flags_open",
            "role_holder_id",
            unique=True,
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
    )
