"""The audit trail is append-only, enforced by the database itself."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DatabaseError

from intake.audit import AuditEvent
from tests.intake.factories import submit


def test_an_audit_event_cannot_be_changed(service):
    submit(service)

    with pytest.raises(DatabaseError, match="append-only"), service.db.session() as session:
        session.execute(update(AuditEvent).values(actor="someone else"))

    with service.db.session() as session:
        assert "someone else" not in session.scalars(select(AuditEvent.actor)).all()


def test_an_audit_event_cannot_be_deleted(service):
    submit(service)
    with service.db.session() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))

    with pytest.raises(DatabaseError, match="append-only"), service.db.session() as session:
        session.execute(delete(AuditEvent))

    with service.db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_the_audit_trail_cannot_be_truncated_on_postgresql(tmp_path, postgres_url):
    from intake.config import Settings
    from intake.service import Intake

    intake = Intake.start(Settings(data_dir=tmp_path, database_url=postgres_url, secret_key="x"))
    submit(intake)

    with pytest.raises(DatabaseError, match="append-only"), intake.db.session() as session:
        session.execute(text("TRUNCATE audit_events"))
    intake.db.dispose()
