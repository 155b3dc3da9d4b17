"""Issue 18 against the real dovecot and SMTP servers: bounded headers, no
poison messages, every sender told, and nothing sent to forged senders."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from email.utils import format_datetime

import pytest
from imap_tools import MailBoxUnencrypted
from sqlalchemy import select

from intake.decisions import pipeline
from intake.directory.services import import_directory
from intake.ingest import mailbox as mailbox_module
from intake.ingest.mailbox import TAKEN_KEYWORD, poll_mailbox
from intake.ingest.models import InboundMessage
from intake.mail import outbox
from intake.mail.models import OutboxMessage
from intake.service import Intake
from intake.submissions.models import Request, Submission
from tests.conftest import ROOT, make_settings
from tests.mail.messages import SAMPLES, WHEN, mail, pdf_bytes

AUTHSERV = "mx.pcse.example.org"

#: Polls twice in a fresh interpreter, so its peak memory is the poll's own.
POLL_IN_CHILD = """
import json, sys
from pathlib import Path
from intake.ingest.mailbox import poll_mailbox
from intake.mail.settings import MailboxSettings
from intake.service import Intake
from tests.conftest import make_settings

intake = Intake.start(make_settings(Path(sys.argv[1])))
box = MailboxSettings(**json.loads(sys.argv[2]))
polls = [poll_mailbox(intake, box, enqueue=None).outcomes for _ in range(2)]
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent's
# fork into the new program, but the peak of this program's own memory
# starts afresh.
status = Path("/proc/self/status").read_text()
peak = int(next(l for l in status.splitlines() if l.startswith("VmHWM:")).split()[1]) / 1024
print(json.dumps({"polls": polls, "peak_mb": peak}))
"""


@pytest.fixture
def intake(tmp_path):
    service = Intake.start(make_settings(tmp_path))
    import_directory(service.db, SAMPLES / "directory")
    yield service
    service.db.dispose()


def raw_mail(subject_lines: list[str], sender: str, *, date: str | None = None) -> bytes:
    """A message written byte by byte (no MIME library would build these)."""
    head = [
        f"From: {sender}",
        "To: intake@pcse.example.org",
        "Subject: " + "\r\n ".join(subject_lines),
        f"Date: {date or format_datetime(WHEN)}",
        f"Message-ID: <{len(subject_lines)}.{sender}>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain",
    ]
    return ("\r\n".join(head) + "\r\n\r\nHello\r\n").encode()


def append_all(imap_server, box, messages: list[bytes]) -> None:
    with MailBoxUnencrypted("127.0.0.1", imap_server.port, timeout=60).login(
        box.user, box.password
    ) as mb:
        for raw in messages:
            mb.append(raw, "INBOX", dt=WHEN)


def inbound(intake) -> list[InboundMessage]:
    with intake.db.session() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.uid)))


def replies(intake) -> list[OutboxMessage]:
    with intake.db.session() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind.in_(outbox.REPLY_KINDS))
                .order_by(OutboxMessage.id)
            )
        )


def test_a_10_mb_subject_and_an_encoded_word_bomb_are_answered_once_in_bounded_memory(
    tmp_path, intake, imap_server, mailbox
):
    huge = raw_mail(["x" * 900] * 11_200, "huge@practice.example.org")
    bomb = raw_mail(["=?utf-8?q?=C3=A9t=C3=A9?="] * 30_000, "bomb@practice.example.org")
    # Under the size bounds, over the count of encoded-words.
    small_bomb = raw_mail(["=?utf-8?q?=C3=A9?="] * 300, "small@practice.example.org")
    good = mail(("good.pdf", pdf_bytes("good"), "application/pdf"), subject="good")
    assert len(huge) > 10_000_000 and len(bomb) > 700_000 and len(small_bomb) < 8_000
    append_all(imap_server, mailbox, [huge, bomb, small_bomb, good])

    child = subprocess.run(
        [sys.executable, "-c", POLL_IN_CHILD, str(tmp_path), json.dumps(mailbox.__dict__)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert child.returncode == 0, child.stderr[-3000:]
    report = json.loads(child.stdout.strip().splitlines()[-1])
    assert report["peak_mb"] < 300, report
    assert report["polls"][0] == {"refused": 3, "taken": 1}
    assert report["polls"][1] == {}
    records = inbound(intake)
    assert [r.detail.get("code") for r in records[:3]] == ["headers_too_large"] * 3
    by_sender = {r.to_addr: r for r in replies(intake)}
    assert set(by_sender) == {
        "huge@practice.example.org",
        "bomb@practice.example.org",
        "small@practice.example.org",
        "emma.wilson@nhs.net",
    }
    assert "headers are over 64 KB" in by_sender["huge@practice.example.org"].body
    assert "headers are over 64 KB" in by_sender["bomb@practice.example.org"].body
    assert "over 100 encoded words" in by_sender["small@practice.example.org"].body
    assert by_sender["emma.wilson@nhs.net"].kind == "acknowledgement"
    assert all(TAKEN_KEYWORD in f for f in imap_server.flags(mailbox).values())


def test_60_messages_dated_year_9999_do_not_hold_up_the_good_message_behind_them(
    intake, imap_server, mailbox
):
    dated_9999 = [
        raw_mail(
            [f"far future {n}"],
            f"future{n}@practice.example.org",
            date="Fri, 31 Dec 9999 23:59:59 -1200",
        )
        for n in range(60)
    ]
    good = mail(("good.pdf", pdf_bytes("good"), "application/pdf"), subject="good")
    append_all(imap_server, mailbox, [*dated_9999, good])

    first = poll_mailbox(intake, mailbox, enqueue=None)
    second = poll_mailbox(intake, mailbox, enqueue=None)

    assert (first.failed, second.failed) == (0, 0)
    assert first.outcomes == {"refused": 50}
    assert second.outcomes == {"refused": 10, "taken": 1}
    records = inbound(intake)
    assert {r.detail["received_on"] for r in records} == {"2026-11-20"}
    assert records[-1].subject == "good"
    assert all(TAKEN_KEYWORD in f for f in imap_server.flags(mailbox).values())


def test_a_message_that_keeps_failing_is_set_aside_answered_and_never_blocks(
    intake, imap_server, mailbox, monkeypatch
):
    read = mailbox_module.read_attachments

    def fails_on_poison(raw, limits):
        if b"poison" in raw:
            raise RuntimeError("a fault while reading")
        return read(raw, limits)

    monkeypatch.setattr(mailbox_module, "read_attachments", fails_on_poison)
    box = dataclasses.replace(mailbox, batch=2)
    poison = mail(
        ("p.pdf", pdf_bytes("poison"), "application/pdf"),
        subject="poison",
        sender="poison@practice.example.org",
    )
    goods = [
        mail(("g.pdf", pdf_bytes(f"good {n}"), "application/pdf"), subject=f"good {n}")
        for n in range(2)
    ]
    append_all(imap_server, box, [poison, *goods])

    polls = [poll_mailbox(intake, box, enqueue=None) for _ in range(4)]

    # A batch of two: after its first failure the message waits behind the
    # fresh one, and at the third try it is set aside.
    assert [p.outcomes for p in polls] == [{"taken": 1}, {"taken": 1}, {"failed": 1}, {}]
    assert [p.failed for p in polls] == [1, 1, 1, 0]
    (record,) = [r for r in inbound(intake) if r.uid == 1]
    assert record.outcome == "failed"
    assert record.detail["tries"] == 3
    assert "a fault while reading" in record.detail["why"]
    (refusal,) = [r for r in replies(intake) if r.to_addr == "poison@practice.example.org"]
    assert "could not be read" in refusal.body
    assert all(TAKEN_KEYWORD in f for f in imap_server.flags(box).values())


def test_two_messages_a_minute_apart_from_one_sender_both_get_their_references(
    intake, imap_server, mailbox, smtp_server
):
    smtp = smtp_server.settings()
    references = []
    for n in range(2):
        imap_server.append(
            mailbox, mail(("f.pdf", pdf_bytes(f"form {n}"), "application/pdf"), subject=f"m{n}")
        )
        poll_mailbox(intake, mailbox, enqueue=None)
        outbox.send_due(intake.db, smtp)
        with intake.db.session() as session:
            references.append(
                session.scalars(select(Request.reference).order_by(Request.id.desc())).first()
            )

    delivered = smtp_server.to("emma.wilson@nhs.net")
    assert len(delivered) == 2
    for reference, got in zip(references, delivered, strict=True):
        assert reference in got.message["Subject"]
        assert reference in got.message.get_content()


def test_the_sender_of_a_damaged_pdf_is_told_its_outcome(intake, imap_server, mailbox, smtp_server):
    damaged = (SAMPLES / "applied_gp_partner.pdf").read_bytes()[:3000]
    imap_server.append(mailbox, mail(("form.pdf", damaged, "application/pdf"), subject="scan"))
    result = poll_mailbox(intake, mailbox, enqueue=None)
    (submission_id,) = result.submission_ids

    pipeline.handle(intake, submission_id, worker="test")
    outbox.send_due(intake.db, smtp_server.settings())

    with intake.db.session() as session:
        (request,) = session.scalars(select(Request)).all()
        assert request.status == "rejected"
    ack, told = smtp_server.to("emma.wilson@nhs.net")
    assert ack.message["Subject"].startswith("PCSE has received your form")
    assert told.message["Subject"] == f"{request.reference}: your request has been rejected"
    body = told.message.get_content()
    assert "could not read a requester email address" in body
    assert "https://" in body or "http://" in body


def test_a_sender_our_server_finds_forged_gets_no_reply_and_is_not_kept(
    intake, imap_server, mailbox
):
    box = dataclasses.replace(mailbox, authserv_id=AUTHSERV)
    forged = mail(
        ("Click here.pdf", pdf_bytes("forged"), "application/pdf"),
        subject="Visit evil.example now",
        sender="ceo@nhs.net",
        headers={
            "Authentication-Results": f"{AUTHSERV}; spf=pass smtp.mailfrom=evil.example; "
            "dkim=none; dmarc=fail (p=reject) header.from=nhs.net"
        },
    )
    # A header our server did not write says nothing.
    claimed = mail(
        ("claimed.pdf", pdf_bytes("claimed"), "application/pdf"),
        subject="claimed",
        sender="someone@nhs.net",
        headers={"Authentication-Results": "evil.example; dmarc=pass header.from=nhs.net"},
    )
    genuine = mail(
        ("genuine.pdf", pdf_bytes("genuine"), "application/pdf"),
        subject="genuine",
        headers={"Authentication-Results": f"{AUTHSERV}; dmarc=pass header.from=nhs.net"},
    )
    append_all(imap_server, box, [forged, claimed, genuine])

    result = poll_mailbox(intake, box, enqueue=None)

    assert result.outcomes == {"taken": 3}
    records = {r.subject: r for r in inbound(intake)}
    forged_record = records["Visit evil.example now"]
    assert forged_record.detail["authentication"] == {
        "verdict": "failed",
        "results": {"spf": "pass", "dkim": "none", "dmarc": "fail"},
    }
    assert forged_record.detail["reply"].startswith("none: our mail server says")
    assert records["claimed"].detail["authentication"] == {"verdict": "unverified"}
    assert records["genuine"].detail["authentication"]["verdict"] == "verified"
    assert sorted(r.to_addr for r in replies(intake)) == ["emma.wilson@nhs.net", "someone@nhs.net"]
    assert not any("evil.example" in r.body or "Click here" in r.body for r in replies(intake))
    with intake.db.session() as session:
        senders = {s.original_filename: s.sender for s in session.scalars(select(Submission))}
    assert senders["Click here.pdf"] is None
    assert senders["genuine.pdf"] == "emma.wilson@nhs.net"
