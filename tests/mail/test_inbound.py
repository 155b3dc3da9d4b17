"""Polling a real IMAP server (dovecot): forms taken once, replies that are
right and rare, and bad mail that costs bounded work and harms nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from sqlalchemy import select

from intake.directory.services import import_directory
from intake.ingest.mailbox import TAKEN_KEYWORD, poll_mailbox
from intake.ingest.models import InboundMessage
from intake.mail import outbox
from intake.mail.models import OutboxMessage
from intake.service import Intake
from intake.submissions.models import Request, Submission
from intake.submissions.services import accept
from tests.conftest import make_settings
from tests.mail.messages import SAMPLES, WHEN, bad_corpus, mail, pdf_bytes, sample


@pytest.fixture
def intake(tmp_path):
    service = Intake.start(make_settings(tmp_path))
    import_directory(service.db, SAMPLES / "directory")
    yield service
    service.db.dispose()


def inbound(intake) -> dict[str, InboundMessage]:
    """The recorded messages by subject."""
    with intake.db.session() as session:
        return {m.subject: m for m in session.scalars(select(InboundMessage))}


def replies(intake) -> list[OutboxMessage]:
    with intake.db.session() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind.in_(outbox.REPLY_KINDS))
                .order_by(OutboxMessage.id)
            )
        )


def test_each_pdf_becomes_a_submission_with_the_message_date(intake, imap_server, mailbox):
    imap_server.append(
        mailbox, mail(sample("applied_gp_partner.pdf"), sample("rejected_org_closed.pdf")), WHEN
    )

    result = poll_mailbox(intake, mailbox, enqueue=None)

    assert result.outcomes == {"taken": 1}
    with intake.db.session() as session:
        submissions = session.scalars(select(Submission).order_by(Submission.id)).all()
        assert [(s.channel, s.received_on, s.sender) for s in submissions] == [
            ("email", dt.date(2026, 11, 20), "emma.wilson@nhs.net")
        ] * 2
        assert len(session.scalars(select(Request)).all()) == 2
    (reply,) = replies(intake)
    assert reply.kind == "acknowledgement"
    assert reply.to_addr == "emma.wilson@nhs.net"
    assert reply.body.count("https://intake.example.org/status/st_") == 2
    flags = imap_server.flags(mailbox)
    assert all(TAKEN_KEYWORD in f and "\\Seen" in f for f in flags.values())


def test_a_message_marked_nowhere_after_a_crash_is_not_taken_again(intake, imap_server, mailbox):
    imap_server.append(mailbox, mail(sample("applied_gp_partner.pdf")), WHEN)
    poll_mailbox(intake, mailbox, enqueue=None)
    # As if the poll had died after recording the message but before marking it.
    with _imap(imap_server, mailbox) as mb:
        mb.client.uid("STORE", "1:*", "-FLAGS", f"(\\Seen {TAKEN_KEYWORD})")

    again = poll_mailbox(intake, mailbox, enqueue=None)

    assert again.marked_again == 1
    assert again.outcomes == {}
    assert len(inbound(intake)) == 1
    assert len(replies(intake)) == 1
    assert all(TAKEN_KEYWORD in f for f in imap_server.flags(mailbox).values())


def test_a_form_accepted_before_a_crash_is_answered_with_its_first_reference(
    intake, imap_server, mailbox
):
    data = (SAMPLES / "applied_gp_partner.pdf").read_bytes()
    # As if a poll had accepted the attachment and died before recording the message.
    first = accept(
        intake.db, intake.store, data, filename="f.pdf", channel="email", max_bytes=10**7
    )
    imap_server.append(mailbox, mail(sample("applied_gp_partner.pdf")), WHEN)

    result = poll_mailbox(intake, mailbox, enqueue=None)

    assert result.submission_ids == [first.submission_id]
    (reply,) = replies(intake)
    assert first.references[0] in reply.body
    assert "received before" in reply.body


def test_a_second_copy_of_a_message_is_recorded_but_not_answered_again(
    intake, imap_server, mailbox
):
    raw = mail(sample("applied_gp_partner.pdf"), message_id="<same@practice.example.org>")
    imap_server.append(mailbox, raw, WHEN)
    imap_server.append(mailbox, raw, WHEN)

    result = poll_mailbox(intake, mailbox, enqueue=None)

    assert result.outcomes == {"taken": 1, "duplicate": 1}
    assert len(set(result.submission_ids)) == 1
    assert len(replies(intake)) == 1


def test_every_form_is_acknowledged_but_a_sender_gets_one_refusal_an_hour(
    intake, imap_server, mailbox
):
    imap_server.append(mailbox, mail(pdf_bytes_attachment("1"), subject="one"), WHEN)
    imap_server.append(mailbox, mail(pdf_bytes_attachment("2"), subject="two"), WHEN)
    imap_server.append(mailbox, mail(subject="three"), WHEN)
    imap_server.append(mailbox, mail(subject="four"), WHEN)

    result = poll_mailbox(intake, mailbox, enqueue=None)

    assert result.outcomes == {"taken": 2, "refused": 2}
    records = inbound(intake)
    assert records["one"].detail["reply"] == "acknowledgement"
    assert records["two"].detail["reply"] == "acknowledgement"
    assert records["three"].detail["reply"] == "refusal"
    assert records["four"].detail["reply"] == "none: this sender had a refusal in the last hour"
    assert [r.kind for r in replies(intake)] == ["acknowledgement", "acknowledgement", "refusal"]


def test_no_reply_goes_to_the_service_itself_or_to_an_unusable_sender(intake, imap_server, mailbox):
    imap_server.append(mailbox, mail(subject="loop", sender="pcse-intake@example.org"), WHEN)
    imap_server.append(mailbox, mail(subject="nobody", sender="not-an-address"), WHEN)

    poll_mailbox(intake, mailbox, enqueue=None)

    records = inbound(intake)
    assert records["loop"].detail["reply"] == "none: sent by this service"
    assert records["nobody"].detail["reply"] == "none: no usable sender address"
    assert replies(intake) == []


def test_the_received_day_is_the_arrival_day_when_the_date_header_is_far_off_or_garbage(
    intake, imap_server, mailbox
):
    arrived = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    backdated = mail(pdf_bytes_attachment("old"), subject="old", when=dt.datetime(2026, 6, 1))
    undated = mail(pdf_bytes_attachment("none"), subject="none", when=None)
    late_evening = mail(
        pdf_bytes_attachment("eve"),
        subject="eve",
        when=dt.datetime(2026, 11, 18, 23, 30, tzinfo=dt.UTC),
    )
    for raw in (backdated, undated, late_evening):
        imap_server.append(mailbox, raw, arrived)

    poll_mailbox(intake, mailbox, enqueue=None)

    records = inbound(intake)
    assert records["old"].detail["received_on"] == "2026-11-20"
    assert records["none"].detail["received_on"] == "2026-11-20"
    assert records["eve"].detail["received_on"] == "2026-11-18"


def test_a_message_over_the_size_limit_is_refused_without_being_downloaded(
    intake, imap_server, mailbox
):
    small_box = dataclasses.replace(mailbox, max_message_bytes=50_000)
    imap_server.append(small_box, mail(("big.pdf", pdf_bytes("x" * 80_000), "application/pdf")))

    result = poll_mailbox(intake, small_box, enqueue=None)

    assert result.outcomes == {"refused": 1}
    (reply,) = replies(intake)
    assert "the largest email PCSE takes is" in reply.body
    assert result.submission_ids == []


def test_bad_mail_gets_a_clear_record_bounded_work_and_spares_the_good_mail(
    intake, imap_server, mailbox
):
    corpus = bad_corpus(big_attachment_mb=30)
    for raw in corpus.values():
        imap_server.append(mailbox, raw, WHEN)
    imap_server.append(mailbox, mail(sample("applied_gp_partner.pdf"), subject="good"), WHEN)
    results = []
    poller = threading.Thread(
        target=lambda: results.append(poll_mailbox(intake, mailbox, enqueue=None)), daemon=True
    )

    poller.start()
    poller.join(timeout=600)

    assert not poller.is_alive(), "polling the bad mail did not finish"
    (result,) = results
    assert result.failed == 0
    records = inbound(intake)
    outcome = {subject: (m.outcome, m.detail.get("reply")) for subject, m in records.items()}
    assert outcome == {
        "malformed": ("error", "refusal"),
        "unterminated": ("error", "refusal"),
        "many parts": ("error", "refusal"),
        "deep": ("error", "refusal"),
        "huge": ("refused", "refusal"),
        "zip": ("refused", "refusal"),
        "no attachment": ("refused", "refusal"),
        "html": ("refused", "refusal"),
        "Out of office": ("ignored", "none: automated mail (auto-reply)"),
        "Undelivered Mail Returned to Sender": ("ignored", "none: automated mail (bounce)"),
        "Newsletter": ("ignored", "none: automated mail (list)"),
        "good": ("taken", "acknowledgement"),
    }
    assert records["many parts"].detail["code"] == "too_many_parts"
    assert records["deep"].detail["code"] == "too_deep"
    assert records["unterminated"].detail["code"] == "broken_structure"
    by_sender = {r.to_addr.split("@")[0]: r.body for r in replies(intake)}
    assert "huge.pdf: the file is 30.0 MB; the limit is 20 MB" in by_sender["huge"]
    assert "zip files are not opened" in by_sender["zip"]
    assert "there was no attachment" in by_sender["none"]
    assert "web page (HTML), not a PDF" in by_sender["html"]
    assert "could not be read" in by_sender["unterminated"]
    with intake.db.session() as session:
        (taken,) = session.scalars(select(Submission)).all()
        assert taken.original_filename == "applied_gp_partner.pdf"
    assert all(TAKEN_KEYWORD in f for f in imap_server.flags(mailbox).values())


def pdf_bytes_attachment(tag: str) -> tuple[str, bytes, str]:
    return f"{tag}.pdf", pdf_bytes(tag), "application/pdf"


def _imap(imap_server, box):
    from imap_tools import MailBoxUnencrypted

    return MailBoxUnencrypted("127.0.0.1", imap_server.port, timeout=30).login(
        box.user, box.password
    )
