"""The claim/decide pipeline in-process: exactly once, fenced, never a double grant."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from intake import pipeline, sweeper
from intake.config import Settings
from intake.directory import import_directory
from intake.models import Request, RoleHolder, Submission, SubmissionState
from intake.reading import DocumentReading, FieldReading, FormReading, PdfUnreadable
from intake.service import Intake
from intake.submissions import accept
from tests.intake.test_directory import write_directory

RECEIVED = dt.date(2026, 11, 20)

GOOD_FORM = {
    "org_name": "Riverside Surgery",
    "org_code": "A81001",
    "role": "GPP Practice User Administrator",
    "request_type": "New",
    "nominee_name": "Tom Reed",
    "nominee_email": "tom.reed@nhs.net",
    "nominee_job_title": "Salaried GP",
    "requester_name": "Tom Reed",
    "requester_email": "tom.reed@nhs.net",
    "authoriser_name": "Dr Sarah Collins",
    "authoriser_email": "sarah.collins@nhs.net",
    "authoriser_capacity": "GP Partner",
    "icb_code": None,
    "signature": True,
    "date_signed": "01/11/2026",
    "declaration": True,
}


def reading_of(*forms: dict) -> DocumentReading:
    return DocumentReading(
        forms=tuple(
            FormReading(
                fields={k: FieldReading(v) for k, v in form.items()}, pages=(0,), method="text"
            )
            for form in forms
        ),
        page_count=1,
    )


@pytest.fixture
def service(tmp_path, database_url):
    intake = Intake.start(
        Settings(data_dir=tmp_path / "var", database_url=database_url, secret_key="x")
    )
    import_directory(intake.db, write_directory(tmp_path / "dir"))
    yield intake
    intake.db.dispose()


def submit(service, data: bytes = b"%PDF-1.4 test") -> int:
    return accept(
        service.db,
        service.store,
        data,
        filename="f.pdf",
        channel="cli",
        received_on=RECEIVED,
        max_bytes=10**6,
    ).submission_id


def requests_of(service, submission_id):
    with service.db.session() as session:
        return session.scalars(
            select(Request)
            .where(Request.submission_id == submission_id)
            .order_by(Request.form_index)
        ).all()


def grants(service) -> int:
    with service.db.session() as session:
        return session.scalar(
            select(func.count()).select_from(RoleHolder).where(RoleHolder.source == "intake")
        )


def test_only_one_worker_can_claim_a_submission(service):
    submission_id = submit(service)

    first = pipeline.claim(service.db, submission_id)
    second = pipeline.claim(service.db, submission_id)

    assert first is not None
    assert second is None
    assert requests_of(service, submission_id)[0].status == "processing"


def test_an_applied_form_grants_the_role_with_its_audit_event(service):
    submission_id = submit(service)
    work = pipeline.claim(service.db, submission_id)

    pipeline.decide(service.db, work, reading_of(GOOD_FORM))

    (request,) = requests_of(service, submission_id)
    assert request.status == "applied", request.reasons
    assert request.fields["role"] == "GPP_UA"
    assert grants(service) == 1


def test_each_form_in_one_file_becomes_its_own_request(service):
    submission_id = submit(service)
    work = pipeline.claim(service.db, submission_id)
    other = {**GOOD_FORM, "role": "Joiner & Leaver"}

    references = pipeline.decide(service.db, work, reading_of(GOOD_FORM, other))

    first, second = requests_of(service, submission_id)
    assert references == [first.reference, second.reference]
    assert (first.status, second.status) == ("applied", "rejected")
    assert [r["code"] for r in second.reasons] == ["ROLE_NOT_UA"]


def test_an_unreadable_file_is_rejected_with_its_reason(service):
    submission_id = submit(service)
    work = pipeline.claim(service.db, submission_id)

    pipeline.decide(service.db, work, PdfUnreadable("The file stops before its end."))

    (request,) = requests_of(service, submission_id)
    assert request.status == "rejected"
    assert request.reasons[0]["code"] == "PDF_UNREADABLE"
    assert all(value is None for value in request.fields.values())


def test_a_pdf_without_a_form_is_form_not_found(service):
    submission_id = submit(service)
    work = pipeline.claim(service.db, submission_id)

    pipeline.decide(service.db, work, DocumentReading(forms=(), page_count=2))

    assert requests_of(service, submission_id)[0].reasons[0]["code"] == "FORM_NOT_FOUND"


def test_a_worker_whose_lease_expired_writes_nothing(service):
    submission_id = submit(service)
    stale = pipeline.claim(service.db, submission_id)
    with service.db.session() as session:  # the lease runs out
        session.execute(
            update(Submission).values(claimed_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        )

    assert sweeper.stranded(service.db, resend_after_s=3600, lease_s=60) == [submission_id]
    fresh = pipeline.claim(service.db, submission_id)
    pipeline.decide(service.db, fresh, reading_of(GOOD_FORM))
    with pytest.raises(pipeline.ClaimLost):
        pipeline.decide(service.db, stale, reading_of(GOOD_FORM))

    assert grants(service) == 1


def test_the_sweeper_resends_unclaimed_work_once_per_interval(service):
    submission_id = submit(service)
    with service.db.session() as session:
        session.execute(update(Submission).values(sent_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))

    assert sweeper.stranded(service.db, resend_after_s=60, lease_s=600) == [submission_id]
    assert sweeper.stranded(service.db, resend_after_s=60, lease_s=600) == []


def test_a_released_submission_can_be_claimed_again(service):
    submission_id = submit(service)
    work = pipeline.claim(service.db, submission_id)

    pipeline.release(service.db, work, "boom")

    with service.db.session() as session:
        assert session.get(Submission, submission_id).state == SubmissionState.RECEIVED
    assert pipeline.claim(service.db, submission_id) is not None


def test_the_database_refuses_a_second_active_grant_of_one_role(service):
    holder = dict(
        org_code="A81001",
        role_code="GPP_UA",
        full_name="X",
        email="x@nhs.net",
        status="active",
        source="intake",
    )
    with service.db.session() as session:
        session.add(RoleHolder(**holder))
    with pytest.raises(IntegrityError), service.db.session() as session:
        session.add(RoleHolder(**holder))
    assert grants(service) == 1
