"""Tables of the submissions wing: accepted files, the requests read from them, status links."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.db import Base, utcnow


class Status(enum.StrEnum):
    """Status of a request (SPEC §6)."""

    RECEIVED = "received"
    PROCESSING = "processing"
    APPLIED = "applied"
    REJECTED = "rejected"
    REVIEW = "review"


OPEN_STATUSES = (Status.RECEIVED, Status.PROCESSING, Status.REVIEW)


class SubmissionState(enum.StrEnum):
    """Where a file is in the pipeline; the claim lives here."""

    RECEIVED = "received"
    PROCESSING = "processing"
    DONE = "done"


class Channel(enum.StrEnum):
    """The door a file came in by."""

    WEB = "web"
    API = "api"
    EMAIL = "email"
    FOLDER = "folder"
    CLI = "cli"


class SecondLook(enum.StrEnum):
    """A caseworker's second look at an auto-applied request."""

    AGREE = "agree"
    DISAGREE = "disagree"


class Submission(Base):
    """One accepted file. Its bytes are on disk under ``stored_name``."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    stored_name: Mapped[str] = mapped_column(String(200))
    original_filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))  # a Channel
    sender: Mapped[str | None] = mapped_column(String(320))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The day the form reached PCSE, which the date rules measure from.
    received_on: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default=SubmissionState.RECEIVED)
    #: When a message for it was last sent to the queue.
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(36))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: The worker holding the claim (its heartbeat's name), when a worker does.
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    page_count: Mapped[int | None] = mapped_column(Integer)
    #: Read in the heavy lane (it needs OCR, or more reading than a form).
    heavy: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Seconds the reader took over the file (on its last try).
    read_seconds: Mapped[float | None] = mapped_column(Float)
    #: The rejected request this file was sent to correct ("Send a corrected form").
    corrects_reference: Mapped[str | None] = mapped_column(String(32))

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
    #: What the dashboard's search looks in (see ``search_text``), kept by
    #: ``set_fields`` and when the request is made.
    search_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(120))
    #: Seconds from the file's acceptance to the service's decision.
    decision_seconds: Mapped[float | None] = mapped_column(Float)
    #: A caseworker's note when they applied or rejected a review request:
    #: private to PCSE (the audit trail and the dashboard).
    decision_note: Mapped[str | None] = mapped_column(Text)
    #: What the caseworker wrote *to the requester* with their decision
    #: (shown on the status page and in the outcome mail), if anything.
    requester_message: Mapped[str | None] = mapped_column(Text)
    #: The caseworker working on a review case, and since when (a claim;
    #: another caseworker sees it and must take the case over to decide it).
    case_owner: Mapped[str | None] = mapped_column(String(120))
    case_claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: When a review request passed the ageing limit and was escalated.
    escalated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: Auto-applied requests sampled for a second look, and its outcome.
    sampled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    second_look_outcome: Mapped[str | None] = mapped_column(String(20))  # a SecondLook
    second_look_by: Mapped[str | None] = mapped_column(String(120))
    second_look_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    second_look_note: Mapped[str | None] = mapped_column(Text)

    submission: Mapped[Submission] = relationship(back_populates="requests")

    def set_fields(self, fields: dict[str, Any]) -> None:
        """The form's normalised values, and the copies kept for filters."""
        self.fields = fields
        self.org_code = _text(fields.get("org_code"))
        self.role_code = _text(fields.get("role"))
        self.nominee_email = _text(fields.get("nominee_email"))
        self.requester_email = _text(fields.get("requester_email"))
        self.index_for_search()

    def index_for_search(self) -> None:
        """Fill ``search_text`` from the reference, the searched fields and
        the file's name and sender (the submission is loaded if need be)."""
        fields = self.fields or {}
        file = self.submission
        self.search_text = search_text(
            self.reference,
            *(fields.get(key) for key in SEARCHED_FIELDS),
            file.original_filename if file else None,
            file.sender if file else None,
        )

    __table_args__ = (
        UniqueConstraint("submission_id", "form_index", name="uq_requests_submission_form"),
        Index("ix_requests_status_created", "status", "created_at"),
        Index("ix_requests_duplicate", "org_code", "role_code", "nominee_email"),
        Index("ix_requests_sampled", "sampled_at", "second_look_at"),
        Index("ix_requests_status_id", "status", "id"),
    )


#: The fields a caseworker's search looks in, beside the reference and the file.
SEARCHED_FIELDS = (
    "org_code",
    "org_name",
    "nominee_name",
    "nominee_email",
    "requester_name",
    "requester_email",
    "authoriser_name",
    "authoriser_email",
)


def search_text(*values: object) -> str:
    """The values a search looks in, trimmed and lower-cased, one a line
    (the search lower-cases what was typed, so case never matters on any
    database).

    >>> search_text("UA-2026-000001", " Tom@NHS.example ", None, "", "Scan 1.pdf")
    'ua-2026-000001\\ntom@nhs.example\\nscan 1.pdf'
    """
    return "\n".join(v.strip().lower() for v in values if isinstance(v, str) and v.strip())


class StatusLink(Base):
    """An unguessable link to one submission's status page.

    Only the SHA-256 of the token is kept; the token itself is shown once, to
    whoever uploaded the file (and in the acknowledgement email).
    """

    __tablename__ = "status_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    #: The API token the link was given to (with the upload), if any.
    api_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_status_links_token", "api_token_id", "submission_id"),)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
