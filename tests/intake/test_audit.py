"""The audit trail is append-only, enforced by the database itself."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DatabaseError

from intake import audit
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
        session.execute(text("TRUNCATE audit_events CASCADE"))  # its seals with it
    intake.db.dispose()


def _tamper(service, sql: str) -> None:
    """Change the trail by hand, its triggers switched off, as a role that
    owns the tables could."""
    dialect = service.db.engine.dialect.name
    with service.db.engine.begin() as connection:
        if dialect == "postgresql":
            # ALL: the seals' foreign key is enforced by triggers too.
            connection.exec_driver_sql("ALTER TABLE audit_events DISABLE TRIGGER ALL")
            connection.exec_driver_sql(sql)
            connection.exec_driver_sql("ALTER TABLE audit_events ENABLE TRIGGER ALL")
        else:
            for name in ("audit_events_no_update", "audit_events_no_delete"):
                connection.exec_driver_sql(f"DROP TRIGGER {name}")
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.exec_driver_sql(sql)


def _sealed_trail(service) -> list[int]:
    for _ in range(3):
        submit(service)
    assert audit.seal(service.db, older_than_s=0) > 0
    with service.db.session() as session:
        return list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def test_an_intact_trail_verifies_and_sealing_twice_changes_nothing(service):
    ids = _sealed_trail(service)

    again = audit.seal(service.db, older_than_s=0)
    found = audit.verify(service.db)

    assert again == 0
    assert found.ok and (found.events, found.sealed) == (len(ids), len(ids))


def test_an_event_changed_by_hand_breaks_the_chain_at_that_event(service):
    ids = _sealed_trail(service)

    _tamper(service, f"UPDATE audit_events SET actor = 'someone else' WHERE id = {ids[1]}")
    found = audit.verify(service.db)

    assert not found.ok
    assert (found.broken_at, found.why) == (ids[1], "the event is not what was sealed")


def test_an_event_removed_by_hand_breaks_the_chain(service):
    ids = _sealed_trail(service)

    _tamper(service, f"DELETE FROM audit_events WHERE id = {ids[1]}")
    found = audit.verify(service.db)

    assert not found.ok and found.broken_at == ids[1]


def test_events_are_sealed_only_once_old_enough(service):
    submit(service)

    assert audit.seal(service.db) == 0  # written just now: a moment later
    assert audit.seal(service.db, older_than_s=0) > 0


def test_the_command_names_the_first_broken_link_and_the_dashboard_the_last_pass(service, tmp_path):
    from click.testing import CliRunner

    from cli import main
    from tests.conftest import settings_env

    ids = _sealed_trail(service)
    env = settings_env(service.settings)

    passed = CliRunner().invoke(main, ["audit", "verify"], env=env)
    with service.db.session() as session:
        last = audit.last_passed(session)
    _tamper(service, f"UPDATE audit_events SET event = 'nothing' WHERE id = {ids[0]}")
    failed = CliRunner().invoke(main, ["audit", "verify"], env=env)

    assert passed.exit_code == 0, passed.output
    assert "the audit trail is intact" in passed.output
    assert last is not None and last.detail["sealed"] == len(ids)
    assert failed.exit_code == 1
    assert f"the audit trail is broken at event {ids[0]}" in failed.output


def test_the_app_role_cannot_switch_off_the_trail_or_change_it_but_runs_the_service(
    tmp_path, postgres_url
):
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    from intake.config import Settings
    from intake.migrate import grant_app_role
    from intake.service import Intake

    role = f"intake_app_{uuid.uuid4().hex[:8]}"
    owner = Intake.start(Settings(data_dir=tmp_path, database_url=postgres_url, secret_key="x"))
    with owner.db.engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
    try:
        grant_app_role(owner.db.engine, role)
        as_app = make_url(postgres_url).set(username=role).render_as_string(hide_password=False)
        app = Intake.start(
            Settings(data_dir=tmp_path, database_url=as_app, secret_key="x"), migrate=False
        )
        submit(app)  # the service works: files, requests, audit events
        assert audit.seal(app.db, older_than_s=0) > 0

        for attempt in (
            "ALTER TABLE audit_events DISABLE TRIGGER ALL",
            "UPDATE audit_events SET actor = 'someone else'",
            "DELETE FROM audit_seals",
        ):
            refused = pytest.raises(DatabaseError, match="must be owner|permission denied")
            with refused, app.db.engine.begin() as connection:
                connection.exec_driver_sql(attempt)
        assert audit.verify(app.db).ok
        app.db.dispose()
    finally:
        owner.db.dispose()
        url = make_url(postgres_url)
        with psycopg.connect(
            host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True
        ) as connection:
            connection.execute(f'DROP OWNED BY "{role}"')
            connection.execute(f'DROP ROLE "{role}"')
