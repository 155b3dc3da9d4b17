"""The claim/decide pipeline in-process: exactly once, fenced, never a double grant."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from intake import workers
from intake.audit import AuditEvent
from intake.decisions import pipeline, sweeper
from intake.directory.models import RoleHolder
from intake.reading import DocumentReading, PdfUnreadable
from intake.submissions.models import Submission, SubmissionState
from intake.workers import WorkerHeartbeat
from tests.conftest import ROOT
from tests.intake.factories import GOOD_FORM, grants, reading_of, requests_of, submit


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

    pipeline.conclude(service.db, work, reading_of(GOOD_FORM))

    (request,) = requests_of(service, submission_id)
    assert request.status == "applied", request.reasons
    assert request.fields["role"] == "GPP_UA"
    assert grants(service) == 1


def test_each_form_in_one_file_becomes_its_own_request(service):
    submission_id = submit(service)
    work = pipeline.claim(service.db, submission_id)
    other = {**GOOD_FORM, "role": "Joiner & Leaver"}

    references = pipeline.conclude(service.db, work, reading_of(GOOD_FORM, other))

    first, second = requests_of(service, submission_id)
    assert references == [first.reference, second.reference]
    assert (first.status, second.status) == ("applied", "rejected")
    assert [r["code"] for r in second.reasons] == ["ROLE_NOT_UA"]


def test_an_unreadable_file_is_rejected_with_its_reason(service):
    submission_id = submit(service)
    work = pipeline.claim(service.db, submission_id)

    pipeline.conclude(service.db, work, PdfUnreadable("The file stops before its end."))

    (request,) = requests_of(service, submission_id)
    assert request.status == "rejected"
    assert request.reasons[0]["code"] == "PDF_UNREADABLE"
    assert all(value is None for value in request.fields.values())


def test_a_pdf_without_a_form_is_form_not_found(service):
    submission_id = submit(service)
    work = pipeline.claim(service.db, submission_id)

    pipeline.conclude(service.db, work, DocumentReading(forms=(), page_count=2))

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
    pipeline.conclude(service.db, fresh, reading_of(GOOD_FORM))
    with pytest.raises(pipeline.ClaimLost):
        pipeline.conclude(service.db, stale, reading_of(GOOD_FORM))

    assert grants(service) == 1


def _claimed_a_while_ago(service, submission_id: int, worker: str, *, beating: bool) -> None:
    """The claim is older than a heartbeat may be; ``worker`` beats or not."""
    a_minute_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    with service.db.session() as session:
        session.execute(
            update(Submission)
            .where(Submission.id == submission_id)
            .values(claimed_at=a_minute_ago, claimed_by=worker)
        )
    if beating:
        workers.beat(service.db, worker, "intake")
    else:  # it beat once, a minute ago, and died
        with service.db.session() as session:
            session.add(WorkerHeartbeat(name=worker, queue="intake", last_seen=a_minute_ago))


def test_a_dead_workers_claim_is_handed_back_without_waiting_for_the_lease(service):
    submission_id = submit(service)
    stale = pipeline.claim(service.db, submission_id, worker="w1@host")
    _claimed_a_while_ago(service, submission_id, "w1@host", beating=False)

    assert sweeper.stranded(service.db, resend_after_s=3600, lease_s=600) == [submission_id]
    fresh = pipeline.claim(service.db, submission_id, worker="w2@host")
    pipeline.conclude(service.db, fresh, reading_of(GOOD_FORM))
    with pytest.raises(pipeline.ClaimLost):  # were it only slow, it writes nothing
        pipeline.conclude(service.db, stale, reading_of(GOOD_FORM))

    assert grants(service) == 1
    with service.db.session() as session:
        expired = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.event == "claim expired")
        ).one()
    assert expired == {"worker": "w1@host", "heartbeat_stopped": True}


def test_a_live_workers_claim_stays_with_it(service):
    submission_id = submit(service)
    pipeline.claim(service.db, submission_id, worker="w1@host")
    _claimed_a_while_ago(service, submission_id, "w1@host", beating=True)

    assert sweeper.stranded(service.db, resend_after_s=3600, lease_s=600) == []
    assert pipeline.claim(service.db, submission_id, worker="w2@host") is None


def test_a_message_sent_again_takes_over_the_work_of_a_dead_worker(service):
    submission_id = submit(service, (ROOT / "sample_forms" / "applied_gp_partner.pdf").read_bytes())
    pipeline.claim(service.db, submission_id, worker="w1@host")
    _claimed_a_while_ago(service, submission_id, "w1@host", beating=False)

    references = pipeline.handle(service, submission_id, worker="w2@host")

    (request,) = requests_of(service, submission_id)
    assert references == [request.reference]
    assert request.status in ("applied", "rejected", "review")
    assert request.fields["org_code"] == "A81001"
    with service.db.session() as session:
        assert session.get(Submission, submission_id).claimed_by == "w2@host"


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


def decide_one(service, form, reading=None):
    submission_id = submit(service)
    work = pipeline.claim(service.db, submission_id)
    pipeline.conclude(service.db, work, reading or reading_of(form))
    (request,) = requests_of(service, submission_id)
    return request


def holders(service, role_code="MAIN_CONTACT"):
    with service.db.session() as session:
        rows = session.scalars(
            select(RoleHolder).where(
                RoleHolder.org_code == "A81001", RoleHolder.role_code == role_code
            )
        )
        return {(r.email, r.status) for r in rows}


def test_image_only_pages_without_ocr_are_sent_to_review(service):
    reading = DocumentReading(forms=(), page_count=1, ocr_unavailable=True)

    request = decide_one(service, None, reading)

    assert (request.status, [r["code"] for r in request.reasons]) == ("review", ["OCR_UNAVAILABLE"])


def test_a_form_read_from_text_is_not_held_up_for_ocr(service):
    assert decide_one(service, GOOD_FORM).reasons == []


def test_a_main_contact_update_replaces_the_current_main_contact(service):
    form = {**GOOD_FORM, "role": "Main Contact", "request_type": "Update"}

    request = decide_one(service, form)

    assert request.status == "applied", request.reasons
    assert holders(service) == {("mary@nhs.net", "deactivated"), ("tom.reed@nhs.net", "active")}


def test_a_main_contact_remove_deactivates_the_nominee(service):
    form = {
        **GOOD_FORM,
        "role": "Main Contact",
        "request_type": "Remove",
        "nominee_name": "Mary Main",
        "nominee_email": "mary@nhs.net",
    }

    request = decide_one(service, form)

    assert request.status == "applied", request.reasons
    assert holders(service) == {("mary@nhs.net", "deactivated")}
    assert grants(service) == 0


def test_a_fifth_gpp_administrator_is_refused(service):
    with service.db.session() as session:
        for n in range(4):
            session.add(
                RoleHolder(
                    org_code="A81001",
                    role_code="GPP_UA",
                    full_name=f"H {n}",
                    email=f"h{n}@nhs.net",
                    status="active",
                    source="directory",
                )
            )

    request = decide_one(service, GOOD_FORM)

    assert request.status == "rejected"
    assert "GPP_ADMIN_LIMIT" in [r["code"] for r in request.reasons]
    assert grants(service) == 0


def test_a_second_request_for_a_granted_role_is_a_duplicate(service):
    decide_one(service, GOOD_FORM)

    again = decide_one(service, GOOD_FORM)

    assert again.status == "rejected"
    assert {r["code"] for r in again.reasons} == {
        "DUPLICATE_REQUEST",
        "NOMINEE_ALREADY_HOLDS_ROLE",
    }
    assert grants(service) == 1


def test_a_file_that_keeps_stopping_the_reader_is_set_aside_unread(service):
    from tests.conftest import ROOT

    good = (ROOT / "sample_forms" / "applied_gp_partner.pdf").read_bytes()
    submission_id = submit(service, good)
    for _ in range(3):  # three tries, each ending with the reader or worker gone
        pipeline.release(service.db, pipeline.claim(service.db, submission_id), "crashed")

    pipeline.handle(service, submission_id)

    (request,) = requests_of(service, submission_id)
    with service.db.session() as session:
        assert session.get(Submission, submission_id).attempts == 4
    assert request.status == "rejected"
    assert request.reasons[0]["code"] == "PDF_UNREADABLE"
    assert "set aside" in request.reasons[0]["message"]
    assert grants(service) == 0


def test_a_real_file_is_read_in_the_bounded_reader_and_decided(service):
    good = (ROOT / "sample_forms" / "applied_gp_partner.pdf").read_bytes()
    submission_id = submit(service, good)

    pipeline.handle(service, submission_id)

    assert requests_of(service, submission_id)[0].status in ("applied", "rejected", "review")
    assert requests_of(service, submission_id)[0].fields["org_code"] == "A81001"


def test_how_the_page_was_read_is_in_the_audit_trail(service):
    import dataclasses

    from intake.audit import AuditEvent

    submission_id = submit(service)
    work = pipeline.claim(service.db, submission_id)
    reading = dataclasses.replace(
        reading_of(GOOD_FORM), warnings=("page 1: turned 180°", "page 4: blank page")
    )

    pipeline.conclude(service.db, work, reading)

    with service.db.session() as session:
        decided = session.scalars(
            select(AuditEvent).where(
                AuditEvent.submission_id == submission_id, AuditEvent.event.like("decided%")
            )
        ).one()
    assert decided.detail["reading"] == ["page 1: turned 180°"]


def test_the_fast_lane_passes_a_scan_to_the_heavy_lane_which_reads_it(service):
    scan = (ROOT / "sample_forms" / "producers" / "sandwich" / "honest_ocr_layer.pdf").read_bytes()
    submission_id = submit(service, scan)
    passed_on: list[int] = []

    fast = pipeline.handle(service, submission_id, "fast@host", heavy_lane=passed_on.append)
    again = pipeline.handle(service, submission_id, "fast@host", heavy_lane=passed_on.append)

    assert (fast, again, passed_on) == (None, None, [submission_id, submission_id])
    with service.db.session() as session:
        submission = session.get(Submission, submission_id)
        assert (submission.state, submission.heavy, submission.attempts) == ("received", True, 0)
        moved = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.event == "sent to the heavy lane")
        ).all()
    assert moved == [{"why": "page 1 is read from its pixels"}]  # the second was not read

    heavy = pipeline.handle(service, submission_id, "heavy@host")

    (request,) = requests_of(service, submission_id)
    assert heavy == [request.reference]
    assert request.status in ("applied", "rejected", "review")


def test_an_ordinary_form_stays_in_the_fast_lane(service):
    form = (ROOT / "sample_forms" / "applied_gp_partner.pdf").read_bytes()
    submission_id = submit(service, form)
    passed_on: list[int] = []

    references = pipeline.handle(service, submission_id, "fast@host", heavy_lane=passed_on.append)

    assert passed_on == []
    assert references == [requests_of(service, submission_id)[0].reference]
