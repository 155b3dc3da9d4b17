"""The directory wing's tables: organisations, staff, the AEL, ICB contacts,
role holders, leaver flags."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from intake.db import Base, utcnow


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


class RoleHolder(Base):
    """A holder of a §3 role: imported from ``user_admins.csv`` (source
    ``directory``) or granted by this service (source ``intake``).

    A re-import replaces the directory rows and keeps the service's own
    grants. Two partial unique indexes make a double grant impossible: one
    grant per request, and one active service grant per (org, role, email).
    """

    __tablename__ = "role_holders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_code: Mapped[str] = mapped_column(String(10))
    role_code: Mapped[str] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(12))  # active | deactivated
    source: Mapped[str] = mapped_column(String(12), default="directory")
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
