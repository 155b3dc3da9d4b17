"""Tables: submissions, requests, the audit trail, the directory and role holders."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.db import Base


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Status(enum.StrEnum):
    """Status of a request (SPEC §6)."""

    RECEIVED = "received"
    PROCESSING = "processing"
    APPLIED = "applied"
    REJECTED = "rejected"
    REVIEW = "review"


OPEN_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.REVIEW)
FINAL_STATUSES = (Status.APPLIED, Status.REJECTED, Status.REVIEW)


class SubmissionState(enum.StrEnum):
    """Where a file is in the pipeline; the claim lives here."""

    RECEIVED = "received"
    PROCESSING = "processing"
    DONE = "done"


class Submission(Base):
    """One accepted file. Its bytes are on disk under ``stored_name``."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    stored_name: Mapped[str] = mapped_column(String(200))
    original_filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))  # web | api | email | folder | cli
    sender: Mapped[str | None] = mapped_column(String(320))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The day the form reached PCSE, which the date rules measure from.
    received_on: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default=SubmissionState.RECEIVED)
    #: When a message for it was last sent to the queue.
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(36))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    page_count: Mapped[int | None] = mapped_column(Integer)

    requests: Mapped[list[Request]] = relationship(
        back_populates="submission", order_by="Request.form_index"
    )

    __table_args__ = (
        Index("ix_submissions_state", "state"),
        Index("ix_submissions_received_on", "received_on"),
    )


class Request(Base):
    """One authorisation form: one request for one role."""

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(32), unique=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    form_index: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default=Status.RECEIVED)
    fields: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    confidence: Mapped[dict[str, float] | None] = mapped_column(JSON)
    reasons: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    pages: Mapped[list[int] | None] = mapped_column(JSON)
    # Copies of normalised fields, for filters and duplicate checks.
    org_code: Mapped[str | None] = mapped_column(String(10))
    role_code: Mapped[str | None] = mapped_column(String(40))
    nominee_email: Mapped[str | None] = mapped_column(String(320))
    requester_email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(120))
    #: A caseworker's note when they applied or rejected a review request.
    decision_note: Mapped[str | None] = mapped_column(Text)
    #: When a review request passed the ageing limit and was escalated.
    escalated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: Auto-applied requests sampled for a second look, and its outcome.
    sampled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    second_look_outcome: Mapped[str | None] = mapped_column(String(20))  # agree | disagree
    second_look_by: Mapped[str | None] = mapped_column(String(120))
    second_look_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    second_look_note: Mapped[str | None] = mapped_column(Text)

    submission: Mapped[Submission] = relationship(back_populates="requests")

    __table_args__ = (
        UniqueConstraint("submission_id", "form_index", name="uq_requests_submission_form"),
        Index("ix_requests_status_created", "status", "created_at"),
        Index("ix_requests_duplicate", "org_code", "role_code", "nominee_email"),
        Index("ix_requests_sampled", "sampled_at", "second_look_at"),
        Index("ix_requests_status_id", "status", "id"),
    )


class AuditEvent(Base):
    """Append-only trail: who did what to a submission or request, and when."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    actor: Mapped[str] = mapped_column(String(120))  # "system", "worker", a caseworker
    event: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_audit_request", "request_id", "id"),
        Index("ix_audit_submission", "submission_id", "id"),
    )


# --- The organisation directory (SPEC §4) -------------------------------------


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


class WorkerHeartbeat(Base):
    """A worker process that is alive: it touches its row every few seconds."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    queue: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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


class StatusLink(Base):
    """An unguessable link to one submission's status page.

    Only the SHA-256 of the token is kept; the token itself is shown once, to
    whoever uploaded the file (and in the acknowledgement email).
    """

    __tablename__ = "status_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(Base):
    """A caseworker or admin who signs in to the dashboard."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))  # caseworker | admin
    active: Mapped[bool] = mapped_column(default=True)
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiToken(Base):
    """A token for automation; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxMessage(Base):
    """An email waiting to be sent, sent, or given up on.

    Written in the same transaction as the event it reports, so a decision
    and its notification are committed together; ``dedupe_key`` is unique,
    so the same notification is never queued twice. A sender claims rows
    with a conditional UPDATE and records ``sent_at`` once the server
    accepted the message.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))  # acknowledgement | outcome | digest | ...
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: Message-ID of the mail this one answers (for In-Reply-To), if any.
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    #: pending, sending, sent or failed
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_to_kind", "to_addr", "kind", "created_at"),
    )


class InboundMessage(Base):
    """One message taken from the intake mailbox, recorded before it is
    flagged there, so it is never taken twice."""

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(200))
    # IMAP numbers are unsigned 32-bit: too big for a signed INTEGER.
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(998))
    sender: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(998))
    sent_on: Mapped[dt.date | None] = mapped_column(Date)
    #: taken | ignored (auto-reply, bounce, list) | refused (no usable PDF) | error
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("mailbox", "uidvalidity", "uid", name="uq_inbound_uid"),
        Index("ix_inbound_message_id", "message_id"),
    )


class WatchedFile(Base):
    """A file taken from the watched folder (its path and the submission)."""

    __tablename__ = "watched_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    outcome: Mapped[str] = mapped_column(String(20))  # taken | refused
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
