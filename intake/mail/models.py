"""The outbox table: every mail the service sends."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from intake.db import Base, utcnow


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
