"""Real mail shapes through the door, against the real dovecot: Outlook's
winmail.dat, S/MIME-encrypted mail, and autoresponders that do not say so."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intake.directory.services import import_directory
from intake.ingest.mailbox import poll_mailbox
from intake.ingest.models import InboundMessage
from intake.mail import outbox
from intake.mail.models import OutboxMessage
from intake.service import Intake
from intake.submissions.models import Request
from tests.conftest import make_settings
from tests.mail.messages import SAMPLES, WHEN, mail, sample
from tests.mail.shapes import encrypted_mail, outlook_mail


@pytest.fixture
def intake(tmp_path):
    service = Intake.start(make_settings(tmp_path))
    import_directory(service.db, SAMPLES / "directory")
    yield service
    service.db.dispose()


def replies(intake) -> list[OutboxMessage]:
    with intake.db.session() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind.in_(outbox.REPLY_KINDS))
                .order_by(OutboxMessage.id)
            )
        )


def inbound(intake) -> dict[str, InboundMessage]:
    with intake.db.session() as session:
        return {m.subject: m for m in session.scalars(select(InboundMessage))}


def test_a_winmail_dat_with_two_pdfs_gives_two_requests(intake, imap_server, mailbox):
    forms = [sample("applied_gp_partner.pdf"), sample("rejected_org_closed.pdf")]
    imap_server.append(mailbox, outlook_mail(*[(name, data) for name, data, _ in forms]), WHEN)

    result = poll_mailbox(intake, mailbox, enqueue=None)

    assert result.outcomes == {"taken": 1}
    assert len(result.submission_ids) == 2
    with intake.db.session() as session:
        assert len(session.scalars(select(Request)).all()) == 2
    (reply,) = replies(intake)
    assert reply.kind == "acknowledgement"
    assert "applied_gp_partner.pdf" in reply.body and "rejected_org_closed.pdf" in reply.body


def test_encrypted_mail_is_told_it_is_encrypted_not_that_it_is_no_pdf(intake, imap_server, mailbox):
    imap_server.append(mailbox, encrypted_mail("encrypted forms"), WHEN)

    result = poll_mailbox(intake, mailbox, enqueue=None)

    assert result.outcomes == {"error": 1}
    assert inbound(intake)["encrypted forms"].detail["code"] == "encrypted"
    (reply,) = replies(intake)
    assert "encrypted" in reply.body and "send the form unencrypted" in reply.body
    assert "not a PDF" not in reply.body


def test_a_latin_1_subject_comes_back_without_replacement_characters(intake, imap_server, mailbox):
    raw = mail(sample("applied_gp_partner.pdf"), subject="placeholder")
    raw = raw.replace(b"Subject: placeholder", b"Subject: Caf\xe9 practice forms")
    imap_server.append(mailbox, raw, WHEN)

    poll_mailbox(intake, mailbox, enqueue=None)

    assert "Café practice forms" in inbound(intake)
    (reply,) = replies(intake)
    assert "Café practice forms" in reply.subject + reply.body
    assert "\ufffd" not in reply.subject + reply.body


def test_autoresponders_that_do_not_say_so_get_no_refusal(intake, imap_server, mailbox):
    imap_server.append(
        mailbox, mail(("notes.txt", b"hello", "text/plain"), subject="no form here"), WHEN
    )
    poll_mailbox(intake, mailbox, enqueue=None)
    (refusal,) = replies(intake)
    assert refusal.kind == "refusal"
    # Our refusal's own Message-ID, as the outbox sends it.
    ours = outbox.message_id(refusal, "PCSE <intake@pcse.example.org>")
    away = [
        mail(subject="Re: no form here", headers={"In-Reply-To": ours}, sender="a@x.nhs.net"),
        mail(subject="Thanks", headers={"References": f"<a@b> {ours}"}, sender="b@x.nhs.net"),
        mail(subject="Automatic reply: forms", sender="c@x.nhs.net"),
        mail(subject="Out of Office", sender="d@x.nhs.net"),
        mail(subject="Away", headers={"X-Auto-Response-Suppress": "All"}, sender="e@x.nhs.net"),
        mail(subject="Gone", headers={"Auto-Submitted": "auto-replied (vacation)"}),
    ]
    # A forged reference (our shape, a hash that is not ours) is a person's mail.
    forged = ours.replace(ours.split(".")[2][:16], "0" * 16)
    person = mail(subject="Forged", headers={"In-Reply-To": forged}, sender="f@x.nhs.net")
    for raw in [*away, person]:
        imap_server.append(mailbox, raw, WHEN)

    result = poll_mailbox(intake, mailbox, enqueue=None)

    assert result.outcomes == {"ignored": 6, "refused": 1}
    assert [r.to_addr for r in replies(intake)[1:]] == ["f@x.nhs.net"]
    records = inbound(intake)
    assert records["Re: no form here"].detail["automated"] == "auto-reply (a reply to our own mail)"
    assert records["Out of Office"].detail["automated"] == "auto-reply (an out-of-office subject)"


def test_a_reply_to_our_mail_that_carries_a_form_is_still_acknowledged(
    intake, imap_server, mailbox
):
    imap_server.append(mailbox, mail(subject="first"), WHEN)
    poll_mailbox(intake, mailbox, enqueue=None)
    (refusal,) = replies(intake)
    ours = outbox.message_id(refusal, "PCSE <intake@pcse.example.org>")
    imap_server.append(
        mailbox,
        mail(sample("applied_gp_partner.pdf"), subject="Re: first", headers={"In-Reply-To": ours}),
        WHEN,
    )

    result = poll_mailbox(intake, mailbox, enqueue=None)

    assert result.outcomes == {"taken": 1}
    assert replies(intake)[-1].kind == "acknowledgement"
