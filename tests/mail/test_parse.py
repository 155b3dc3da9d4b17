"""Reading one message: attachments judged by their bytes, bounded work on
hostile structure, and robots recognised from their headers."""

from __future__ import annotations

import datetime as dt

import pytest

from intake.ingest.message import Kind, MailLimits, MalformedMail, read_attachments, read_headers
from tests.mail.messages import bad_corpus, mail, pdf_bytes, sample

LIMITS = MailLimits(max_attachment_bytes=1_000_000)


@pytest.fixture(scope="module")
def corpus() -> dict[str, bytes]:
    return bad_corpus(big_attachment_mb=2)


def test_it_takes_a_pdf_by_its_bytes_whatever_its_name():
    raw = mail(("scan0001.dat", pdf_bytes("a"), "application/octet-stream"))

    (attachment,) = read_attachments(raw, LIMITS)

    assert attachment.kind is Kind.PDF
    assert attachment.data == pdf_bytes("a")
    assert attachment.filename == "scan0001.dat"


def test_it_refuses_a_web_page_named_pdf_and_says_what_it_is(corpus):
    (attachment,) = read_attachments(corpus["html_named_pdf"], LIMITS)

    assert attachment.kind is Kind.NOT_PDF
    assert "web page" in attachment.why
    assert attachment.data == b""


def test_it_never_opens_a_zip(corpus):
    (attachment,) = read_attachments(corpus["zip"], LIMITS)

    assert attachment.kind is Kind.ZIP
    assert "zip files are not opened" in attachment.why


def test_it_sizes_a_huge_attachment_without_decoding_it(corpus):
    (attachment,) = read_attachments(corpus["huge"], LIMITS)

    assert attachment.kind is Kind.TOO_LARGE
    assert attachment.size > 2_000_000
    assert "the limit is 1 MB" in attachment.why


def test_the_message_text_and_a_logo_in_the_signature_are_not_attachments():
    raw = mail(sample("applied_gp_partner.pdf"))
    with_logo = raw.replace(
        b"Content-Type: application/pdf",
        b"Content-Type: image/png\r\nContent-ID: <logo>\r\nContent-Disposition: inline\r\n"
        b"X-Was: application/pdf",
        0,
    )

    assert [a.kind for a in read_attachments(raw, LIMITS)] == [Kind.PDF]
    assert read_attachments(mail(), LIMITS) == ()
    assert len(read_attachments(with_logo, LIMITS)) == 1


def test_an_empty_attachment_is_reported_as_empty():
    (attachment,) = read_attachments(mail(("form.pdf", b"", "application/pdf")), LIMITS)

    assert attachment.kind is Kind.EMPTY


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("malformed", "broken_structure"),
        ("unterminated", "broken_structure"),
        ("many_parts", "too_many_parts"),
        ("deep", "too_deep"),
    ],
)
def test_a_broken_or_hostile_structure_is_malformed_mail(corpus, name, code):
    with pytest.raises(MalformedMail) as caught:
        read_attachments(corpus[name], LIMITS)

    assert caught.value.code == code
    assert caught.value.message


def test_nesting_deep_enough_to_exhaust_the_parser_is_malformed_not_a_crash():
    inner = "Content-Type: text/plain\r\n\r\nx\r\n"
    for level in range(480):
        inner = (
            f'Content-Type: multipart/mixed; boundary="{level}"\r\n\r\n'
            f"--{level}\r\n{inner}\r\n--{level}--\r\n"
        )
    raw = f"From: a@b.org\r\nSubject: deep\r\n{inner}".encode()

    with pytest.raises(MalformedMail) as caught:
        read_attachments(raw, LIMITS)

    assert caught.value.code in ("too_deep", "too_many_parts")


def test_headers_give_one_plain_sender_the_message_id_and_the_date():
    headers = read_headers(mail(message_id="<m1@practice.example.org>"))

    assert headers.sender == "emma.wilson@nhs.net"
    assert headers.message_id == "<m1@practice.example.org>"
    assert headers.sent_at == dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC)
    assert headers.automated is None


@pytest.mark.parametrize(
    "from_header",
    ["a@b.org, c@d.org", "not an address", "x@localhost", "", "=?utf-8?q?=0D=0ABcc=3A?= <a@b>"],
)
def test_an_unusable_from_header_gives_no_sender(from_header):
    raw = f"From: {from_header}\r\nSubject: x\r\n\r\nbody\r\n".encode()

    assert read_headers(raw).sender is None


@pytest.mark.parametrize("date", ["", "yesterday-ish", "Thu, 99 Foo 2026 99:99:99 +9999"])
def test_a_missing_or_garbage_date_is_none(date):
    raw = f"From: a@b.org\r\nDate: {date}\r\n\r\nbody\r\n".encode()

    assert read_headers(raw).sent_at is None


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        ({"Auto-Submitted": "auto-replied"}, "auto-reply"),
        ({"Auto-Submitted": "auto-generated"}, "auto-reply"),
        ({"Auto-Submitted": "no"}, None),
        ({"Precedence": "bulk"}, "list"),
        ({"Precedence": "junk"}, "list"),
        ({"List-Id": "<x.example.org>"}, "list"),
        ({"X-Autoreply": "yes"}, "auto-reply"),
        ({"Return-Path": "<>"}, "bounce"),
        ({"Content-Type": "multipart/report; report-type=delivery-status"}, "bounce"),
    ],
)
def test_robots_are_recognised_from_their_headers(headers, kind):
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    raw = f"From: a@b.org\r\n{lines}\r\nbody\r\n".encode()

    assert read_headers(raw).automated == kind


def test_a_mail_daemon_is_a_bounce():
    assert read_headers(b"From: MAILER-DAEMON@mx.b.org\r\n\r\nx").automated == "bounce"
