"""Accepting files: on disk and in the database before anyone is told."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from intake.audit import AuditEvent
from intake.config import Settings
from intake.service import Intake
from intake.submissions.models import Request, Submission
from intake.submissions.services import UploadRejected, accept

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def service(tmp_path, database_url):
    settings = Settings(data_dir=tmp_path / "var", database_url=database_url, secret_key="x")
    intake = Intake.start(settings)
    yield intake
    intake.db.dispose()


def _accept(service, data=PDF, **kwargs):
    kwargs.setdefault("filename", "form.pdf")
    kwargs.setdefault("channel", "api")
    return accept(service.db, service.store, data, max_bytes=1024 * 1024, **kwargs)


def test_it_stores_the_file_and_its_rows_before_calling_back(service):
    seen = {}

    def after_commit(submission_id):
        # A fresh session (another connection) must already see the rows.
        with service.db.session() as session:
            submission = session.get(Submission, submission_id)
            seen["file"] = service.store.read(submission.stored_name)
            seen["requests"] = [r.reference for r in submission.requests]

    accepted = _accept(service, received_on=dt.date(2026, 11, 20), after_commit=after_commit)

    assert seen["file"] == PDF
    assert seen["requests"] == list(accepted.references)
    assert accepted.references[0].startswith("UA-2026-")
    assert not accepted.duplicate


def test_it_answers_the_same_bytes_with_the_first_references(service):
    first = _accept(service)
    calls = []
    second = _accept(service, filename="renamed.pdf", after_commit=calls.append)

    assert second.duplicate
    assert second.references == first.references
    assert calls == []
    with service.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 1
    assert len(list(service.store.root.rglob("*.bin"))) == 1


def test_it_refuses_empty_and_oversized_files_and_stores_nothing(service):
    with pytest.raises(UploadRejected) as empty:
        _accept(service, data=b"")
    with pytest.raises(UploadRejected) as big:
        accept(
            service.db,
            service.store,
            PDF * 100,
            filename="big.pdf",
            channel="web",
            max_bytes=len(PDF),
        )

    assert empty.value.code == "EMPTY_FILE"
    assert big.value.code == "FILE_TOO_LARGE"
    with service.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 0
    assert not service.store.root.exists() or not list(service.store.root.rglob("*.bin"))


def test_it_records_the_arrival_in_the_audit_trail(service):
    accepted = _accept(service, channel="email", sender="pm@example.nhs.uk")

    with service.db.session() as session:
        request = session.scalar(select(Request).where(Request.reference == accepted.references[0]))
        events = session.scalars(select(AuditEvent).where(AuditEvent.request_id == request.id))
        (event,) = list(events)
    assert event.event == "received"
    assert event.actor == "pm@example.nhs.uk"
    assert event.detail["channel"] == "email"


def test_it_never_uses_the_requesters_file_name_as_a_path(service):
    accepted = _accept(service, filename="../../etc/passwd")

    with service.db.session() as session:
        submission = session.get(Submission, accepted.submission_id)
    assert submission.original_filename == "passwd"
    assert service.store.path(submission.stored_name).is_relative_to(service.store.root.resolve())


def test_each_upload_gets_an_unguessable_status_link_to_its_submission(service):
    from intake.submissions.services import submission_for_status_token

    first = _accept(service)
    again = _accept(service)

    assert first.status_token != again.status_token
    assert len(first.status_token) > 40
    with service.db.session() as session:
        for token in (first.status_token, again.status_token):
            assert submission_for_status_token(session, token).id == first.submission_id
        assert submission_for_status_token(session, first.status_token[:-1] + "x") is None
        assert submission_for_status_token(session, "") is None
