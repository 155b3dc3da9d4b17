"""The append-only audit trail: its table, writing to it, and its seals.

Database triggers refuse any change or removal of an event. A role that
owns the tables could still switch the triggers off, so the trail is also
sealed: :func:`seal` gives each event, in order, a hash of its content and
of the seal before it (a chain), in a table of its own that is append-only
too; :func:`verify` recomputes the chain and names the first event that no
longer matches. Events are sealed by the scheduler a little after they are
written (once every transaction that could still add an earlier one has
ended), so the chain never forks and writing an event costs nothing more.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from intake.db import Base, Database, aware, utcnow


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


#: Who is acting in this context, when they signed in through an identity
#: provider: (username, issuer, subject). Set by the web layer for each
#: request of such an account (see :func:`acting_as`).
_identity: ContextVar[tuple[str, str, str] | None] = ContextVar("audit_identity", default=None)


def acting_as(username: str, issuer: str, subject: str) -> Token:
    """Until reset with the returned token, every event this account records
    also carries its identity provider's issuer and subject
    (``identity_issuer``, ``identity_subject`` in the detail)."""
    return _identity.set((username, issuer, subject))


def stop_acting(token: Token) -> None:
    """Undo :func:`acting_as`."""
    _identity.reset(token)


def record(
    session: Session,
    event: str,
    *,
    actor: str = "system",
    submission_id: int | None = None,
    request_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add one audit event to the session's transaction (it commits with it).
    An event by an account that signed in through an identity provider
    records that identity too (see :func:`acting_as`)."""
    identity = _identity.get()
    if identity is not None and identity[0] == actor and "identity_subject" not in detail:
        detail = {**detail, "identity_issuer": identity[1], "identity_subject": identity[2]}
    entry = AuditEvent(
        event=event,
        actor=actor,
        submission_id=submission_id,
        request_id=request_id,
        detail=detail or None,
    )
    session.add(entry)
    return entry


class AuditSeal(Base):
    """One event's place in the chain: the hash of its content and of the
    seal before it."""

    __tablename__ = "audit_seals"

    event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"), primary_key=True)
    hash: Mapped[str] = mapped_column(String(64))


#: The seal before the first event.
GENESIS = "0" * 64
#: Events are sealed once they are this old: every transaction that could
#: still commit an event with a lower id has ended by then.
SEAL_AFTER_S = 30
_BATCH = 1000


def chained(previous: str, event: AuditEvent) -> str:
    """The seal of ``event`` after the seal ``previous``."""
    content = [
        event.id,
        aware(event.at).astimezone(dt.UTC).isoformat(),
        event.submission_id,
        event.request_id,
        event.actor,
        event.event,
        event.detail,
    ]
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous}:{text}".encode()).hexdigest()


def seal(db: Database, *, older_than_s: float = SEAL_AFTER_S) -> int:
    """Seal the events not yet sealed that are at least ``older_than_s`` old,
    in order; returns how many. Two sealers at once cannot fork the chain:
    each event has one seal (the second sealer's insert fails, and it stops)."""
    sealed = 0
    cutoff = utcnow() - dt.timedelta(seconds=older_than_s)
    while True:
        try:
            with db.session() as session:
                last = session.execute(
                    select(AuditSeal.event_id, AuditSeal.hash)
                    .order_by(AuditSeal.event_id.desc())
                    .limit(1)
                ).one_or_none()
                after, previous = last if last is not None else (0, GENESIS)
                events = session.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.id > after, AuditEvent.at <= cutoff)
                    .order_by(AuditEvent.id)
                    .limit(_BATCH)
                ).all()
                for event in events:
                    previous = chained(previous, event)
                    session.add(AuditSeal(event_id=event.id, hash=previous))
        except IntegrityError:  # another sealer took these events first
            return sealed
        sealed += len(events)
        if len(events) < _BATCH:
            return sealed


@dataclass(frozen=True)
class Verification:
    """What :func:`verify` found: how many events, how many sealed, and the
    first event whose seal does not match (``None``: the chain holds)."""

    events: int
    sealed: int
    broken_at: int | None = None
    why: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(db: Database) -> Verification:
    """Recompute the chain over every sealed event, in order. An event
    changed, removed or slipped in among sealed ones breaks it."""
    previous, sealed, broken_at, why = GENESIS, 0, None, ""
    with db.session() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        last_sealed = session.scalar(select(func.max(AuditSeal.event_id))) or 0
        slipped_in = session.scalar(
            select(func.min(AuditEvent.id))
            .outerjoin(AuditSeal, AuditSeal.event_id == AuditEvent.id)
            .where(AuditSeal.event_id.is_(None), AuditEvent.id < last_sealed)
        )
        rows = session.execute(
            select(AuditSeal.event_id, AuditSeal.hash, AuditEvent)
            .outerjoin(AuditEvent, AuditEvent.id == AuditSeal.event_id)
            .order_by(AuditSeal.event_id)
            .execution_options(yield_per=_BATCH)
        )
        for event_id, stored, event in rows:
            if slipped_in is not None and slipped_in < event_id:
                broken_at, why = slipped_in, "an event without a seal is among sealed ones"
                break
            if event is None:
                broken_at, why = event_id, "the event was removed"
                break
            previous = chained(previous, event)
            if previous != stored:
                broken_at, why = event_id, "the event is not what was sealed"
                break
            sealed += 1
    return Verification(events, sealed, broken_at, why)


#: The event that says the trail was checked, and what was found.
VERIFIED = "audit trail verified"


def record_verification(db: Database, found: Verification) -> None:
    """Add what :func:`verify` found to the trail (the dashboard shows the
    last time it passed)."""
    with db.session() as session:
        record(
            session,
            VERIFIED,
            actor="operator",
            ok=found.ok,
            events=found.events,
            sealed=found.sealed,
            **({"broken_at": found.broken_at, "why": found.why} if not found.ok else {}),
        )


def last_passed(session: Session) -> AuditEvent | None:
    """The last check of the trail that found it intact, or ``None``."""
    for event in session.scalars(
        select(AuditEvent)
        .where(AuditEvent.event == VERIFIED)
        .order_by(AuditEvent.id.desc())
        .limit(50)
    ):
        if (event.detail or {}).get("ok"):
            return event
    return None
