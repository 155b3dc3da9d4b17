"""The outbox: outcome mails queued with the decision, and sent through a real
SMTP server exactly once, through outages, crashes and rival senders."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections import Counter

import pytest
from sqlalchemy import select, update

from intake.db import utcnow
from intake.decisions import pipeline
from intake.decisions.review import decide_review
from intake.mail import outbox
from intake.mail.models import OutboxMessage
from intake.submissions.models import Request, Submission
from tests.intake.factories import GOOD_FORM, RECEIVED, reading_of, requests_of, submit
from tests.mail.servers import SmtpServer

REJECT_REASON = {
    "code": "ORG_CLOSED",
    "field": "org_code",
    "message": "The organisation is closed.",
    "action": "Check the organisation code; a closed organisation cannot have one.",
}
FIELDS = {
    "org_name": "Riverside Surgery",
    "org_code": "A81001",
    "role": "GPP_UA",
    "request_type": "New",
    "nominee_name": "Tom Reed",
    "nominee_email": "tom.reed@nhs.net",
    "requester_name": "Emma Wilson",
    "requester_email": "emma.wilson@nhs.net",
    "authoriser_name": "Sarah Collins",
}


def decided_request(service, status, fields=FIELDS, reasons=(), **columns) -> Request:
    """A request already decided (written directly, as the pipeline would)."""
    with service.db.session() as session:
        submission = Submission(
            sha256=uuid.uuid4().hex,
            stored_name="x.bin",
            original_filename="form.pdf",
            size_bytes=1,
            channel="email",
            received_on=RECEIVED,
        )
        session.add(submission)
        session.flush()
        request = Request(
            submission_id=submission.id,
            status=status,
            fields=dict(fields),
            reasons=list(reasons),
            requester_email=fields.get("requester_email"),
            nominee_email=fields.get("nominee_email"),
            decided_by=columns.pop("decided_by", "system"),
            **columns,
        )
        session.add(request)
        session.flush()
        request.reference = f"UA-2026-{request.id:06d}"
        return request


def aware(when: dt.datetime) -> dt.datetime:
    """SQLite gives datetimes back without their (UTC) zone."""
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def queue_for(service, request_id) -> list[OutboxMessage]:
    with service.db.session() as session:
        return outbox.queue_outcome_mail(session, session.get_one(Request, request_id))


def rows(service, **where) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for column, value in where.items():
        query = query.where(getattr(OutboxMessage, column) == value)
    with service.db.session() as session:
        return list(session.scalars(query))


def queue_mails(service, count: int, kind: str = outbox.OUTCOME) -> None:
    with service.db.session() as session:
        for n in range(count):
            outbox.queue(
                session,
                dedupe_key=f"test:{kind}:{n}",
                kind=kind,
                to_addr=f"person{n}@nhs.net",
                subject=f"Mail {n}",
                body=f"Body {n}",
                in_reply_to="<asked@practice.example.org>" if kind != outbox.OUTCOME else None,
            )


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) that records what it accepts."""
    server = SmtpServer().start()
    yield server
    server.stop()


# --- queueing ---------------------------------------------------------------------


def test_a_rejection_queues_one_mail_to_the_requester_with_every_reason_and_action(service):
    request = decided_request(service, "rejected", reasons=[REJECT_REASON])

    (mail,) = queue_for(service, request.id)

    assert (mail.to_addr, mail.kind, mail.request_id) == (
        "emma.wilson@nhs.net",
        "outcome",
        request.id,
    )
    assert mail.subject == f"{request.reference}: your request has been rejected"
    assert "The organisation is closed." in mail.body
    assert "What to do: Roles cannot be created for a closed organisation." in mail.body
    assert "/status/st_" in mail.body


def test_an_applied_request_tells_the_requester_and_the_nominee(service):
    request = decided_request(service, "applied")

    mails = queue_for(service, request.id)

    assert [m.to_addr for m in mails] == ["emma.wilson@nhs.net", "tom.reed@nhs.net"]
    assert "Tom Reed is now GPP Practice User Administrator for Riverside Surgery (A81001)" in (
        mails[0].body
    )
    assert "You are now GPP Practice User Administrator" in mails[1].body
    assert mails[1].subject.endswith("you are now GPP Practice User Administrator")


def test_a_nominee_who_is_the_requester_gets_one_mail(service):
    request = decided_request(
        service, "applied", fields={**FIELDS, "requester_email": "tom.reed@nhs.net"}
    )

    assert [m.to_addr for m in queue_for(service, request.id)] == ["tom.reed@nhs.net"]


def test_a_request_in_review_tells_the_requester_a_caseworker_is_checking_it(service):
    request = decided_request(service, "review")

    (mail,) = queue_for(service, request.id)

    assert mail.to_addr == "emma.wilson@nhs.net"
    assert mail.subject.endswith("a PCSE caseworker is checking your request")
    assert "You do not need to do anything." in mail.body
    assert "What to do:" not in mail.body
    assert "%PUBLIC_URL%/status/st_" in mail.body


def test_a_status_link_in_a_mail_is_sent_on_the_public_address(service):
    request = decided_request(service, "review")
    (mail,) = queue_for(service, request.id)

    sent = outbox.build_message(mail, "PCSE <pcse@example.org>", "https://intake.example.org")

    assert "https://intake.example.org/status/st_" in sent.get_content()
    assert "%PUBLIC_URL%" not in sent.get_content()


def test_the_same_outcome_is_queued_once(service):
    request = decided_request(service, "rejected", reasons=[REJECT_REASON])

    queue_for(service, request.id)
    again = queue_for(service, request.id)

    assert again == []
    assert len(rows(service)) == 1


def test_without_a_valid_requester_email_no_mail_is_queued(service):
    request = decided_request(
        service,
        "rejected",
        fields={**FIELDS, "requester_email": "not read"},
        reasons=[REJECT_REASON],
    )

    assert queue_for(service, request.id) == []
    assert rows(service) == []


def test_a_caseworker_rejection_carries_their_message_and_not_their_note(service):
    request = decided_request(
        service,
        "rejected",
        decided_by="cw.jones",
        decision_note="Looked it up: a branch surgery.",
        requester_message="The ODS code is a branch.",
    )

    (mail,) = queue_for(service, request.id)

    assert "The caseworker's message to you:\n  The ODS code is a branch." in mail.body
    assert "Looked it up" not in mail.body


# --- the decision paths queue their mail (pipeline.conclude, review.decide_review) ----


def test_deciding_a_form_queues_its_outcome_mail_in_the_same_transaction(service):
    submission_id = submit(service)
    work = pipeline.claim(service.db, submission_id)

    pipeline.conclude(service.db, work, reading_of({**GOOD_FORM, "declaration": False}))

    (request,) = requests_of(service, submission_id)
    (mail,) = rows(service, request_id=request.id)
    assert request.status == "rejected"
    assert mail.to_addr == "tom.reed@nhs.net"
    assert "declaration box is not ticked" in mail.body


def test_a_caseworker_decision_queues_its_outcome_mail(service):
    submission_id = submit(service)
    work = pipeline.claim(service.db, submission_id)
    pipeline.conclude(service.db, work, reading_of({**GOOD_FORM, "role": "Main Contact"}))
    (request,) = requests_of(service, submission_id)
    (checking,) = rows(service)
    assert request.status == "review"
    assert checking.subject.endswith("a PCSE caseworker is checking your request")

    decide_review(
        service.db,
        request.reference,
        decision="reject",
        note="Rang the practice",
        actor="cw",
        message="Not needed",
    )

    (_, mail) = rows(service, request_id=request.id)
    assert mail.subject.endswith("your request has been rejected")
    assert "Not needed" in mail.body and "Rang the practice" not in mail.body


# --- sending -----------------------------------------------------------------------


def test_due_mail_is_sent_once_and_marked_sent(service, smtp_server):
    queue_mails(service, 3)

    first = outbox.send_due(service.db, smtp_server.settings())
    second = outbox.send_due(service.db, smtp_server.settings())

    assert (first.sent, second.sent) == (3, 0)
    assert sorted(d.rcpt_tos[0] for d in smtp_server.delivered) == [
        f"person{n}@nhs.net" for n in range(3)
    ]
    assert {r.status for r in rows(service)} == {"sent"}
    delivered = smtp_server.delivered[0]
    assert delivered.mail_from == "pcse-intake@example.org"
    assert delivered.message["Auto-Submitted"] == "auto-generated"
    assert delivered.message_id == outbox.message_id(rows(service)[0], "pcse-intake@example.org")


def test_a_backlog_drains_batch_after_batch_within_one_run(service, smtp_server):
    queue_mails(service, 120)

    result = outbox.send_due(service.db, smtp_server.settings(), limit=50, budget_s=60)

    assert result.sent == 120
    assert len(smtp_server.delivered) == 120
    assert {r.status for r in rows(service)} == {"sent"}


def test_without_a_budget_one_run_sends_one_batch(service, smtp_server):
    queue_mails(service, 7)

    first = outbox.send_due(service.db, smtp_server.settings(), limit=5)

    assert first.sent == 5


def test_replies_go_with_an_empty_envelope_sender_and_tell_robots_not_to_answer(
    service, smtp_server
):
    queue_mails(service, 1, kind=outbox.ACKNOWLEDGEMENT)

    outbox.send_due(service.db, smtp_server.settings())

    (delivered,) = smtp_server.delivered
    assert delivered.mail_from == "<>" or delivered.mail_from == ""
    assert delivered.message["Auto-Submitted"] == "auto-replied"
    assert delivered.message["In-Reply-To"] == "<asked@practice.example.org>"


def test_an_smtp_outage_delays_mail_and_then_delivers_each_exactly_once(service, smtp_server):
    queue_mails(service, 4)
    start = utcnow()
    smtp_server.stop()

    during = [outbox.send_due(service.db, smtp_server.settings(), now=start) for _ in range(3)]

    assert sum(r.sent for r in during) == 0
    waiting = rows(service)
    assert {r.status for r in waiting} == {"pending"}
    assert all(r.last_error for r in waiting[:3])
    assert max(r.attempts for r in waiting) == 1
    smtp_server.start()
    later = start + dt.timedelta(hours=2)

    after = outbox.send_due(service.db, smtp_server.settings(), now=later)
    again = outbox.send_due(service.db, smtp_server.settings(), now=later + dt.timedelta(hours=1))

    assert (after.sent, again.sent) == (4, 0)
    assert Counter(d.message_id for d in smtp_server.delivered).most_common(1)[0][1] == 1
    assert len(smtp_server.delivered) == 4
    assert {r.status for r in rows(service)} == {"sent"}


def test_a_server_outage_backs_off_the_server_not_each_mail(service, smtp_server):
    queue_mails(service, 1)
    smtp_server.stop()
    now = utcnow()
    waits = []
    for _ in range(3):
        outbox.send_due(service.db, smtp_server.settings(), now=now)
        (row,) = rows(service)
        next_at = aware(row.next_attempt_at)
        waits.append(round((next_at - now).total_seconds()))
        now = next_at

    # Each run tries the server again; no mail waits longer for having met
    # the outage more often (issue 18: the queue drains when it is back).
    assert waits == [30, 30, 30]


def test_a_permanent_refusal_fails_the_mail_for_operators_who_may_retry_it(service, smtp_server):
    queue_mails(service, 2)
    smtp_server.refuse.add("person0@nhs.net")

    result = outbox.send_due(service.db, smtp_server.settings())

    assert (result.sent, result.failed) == (1, 1)
    failed = rows(service, status="failed")
    assert [r.to_addr for r in failed] == ["person0@nhs.net"]
    assert "550" in failed[0].last_error
    assert outbox.counts(service.db) == {"failed": 1, "sent": 1}
    smtp_server.refuse.clear()
    assert outbox.retry_failed(service.db) == 1
    assert outbox.send_due(service.db, smtp_server.settings()).sent == 1


def test_transient_failures_are_given_up_after_a_week(service, smtp_server):
    queue_mails(service, 1)
    smtp_server.stop()

    result = outbox.send_due(
        service.db, smtp_server.settings(), now=utcnow() + dt.timedelta(days=8)
    )

    assert result.failed == 1
    assert rows(service)[0].status == "failed"


def test_a_mail_left_sending_by_a_dead_sender_is_sent_again_with_the_same_message_id(
    service, smtp_server
):
    queue_mails(service, 1)
    with service.db.session() as session:
        session.execute(
            update(OutboxMessage).values(
                status="sending", attempts=1, claimed_at=utcnow() - dt.timedelta(hours=1)
            )
        )

    result = outbox.send_due(service.db, smtp_server.settings())

    assert (result.reclaimed, result.sent) == (1, 1)
    (row,) = rows(service)
    (delivered,) = smtp_server.delivered
    assert delivered.message_id == outbox.message_id(row, "pcse-intake@example.org")


def test_a_mail_being_sent_now_is_not_taken_by_another_sender(service, smtp_server):
    queue_mails(service, 1)
    with service.db.session() as session:
        session.execute(update(OutboxMessage).values(status="sending", claimed_at=utcnow()))

    result = outbox.send_due(service.db, smtp_server.settings())

    assert (result.reclaimed, result.sent) == (0, 0)
    assert smtp_server.delivered == []


def test_two_senders_at_once_never_send_a_mail_twice(service, smtp_server):
    queue_mails(service, 30)
    results = []

    def send() -> None:
        results.append(outbox.send_due(service.db, smtp_server.settings(), limit=30))

    senders = [threading.Thread(target=send) for _ in range(3)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=120)

    assert sum(r.sent for r in results) == 30
    counts = Counter(d.message_id for d in smtp_server.delivered)
    assert len(counts) == 30 and set(counts.values()) == {1}


@pytest.mark.parametrize("bad_address", ["a@b.org\r\nBcc: x@y.org"])
def test_a_row_that_cannot_be_made_into_a_message_fails_without_stopping_the_rest(
    service, smtp_server, bad_address
):
    queue_mails(service, 2)
    first = rows(service)[0].id
    with service.db.session() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == first).values(to_addr=bad_address)
        )

    result = outbox.send_due(service.db, smtp_server.settings())

    assert (result.sent, result.failed) == (1, 1)
    assert [d.rcpt_tos for d in smtp_server.delivered] == [["person1@nhs.net"]]
