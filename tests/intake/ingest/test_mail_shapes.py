"""Real mail shapes read into their files: TNEF, inline PDFs, S/MIME,
broken base64, 8-bit headers, and autoresponders that do not say so."""

from __future__ import annotations

import base64

import pytest

from intake.ingest.message import Kind, MailLimits, MalformedMail, read_attachments, read_headers
from tests.mail.messages import mail, pdf_bytes
from tests.mail.shapes import (
    detached_signed_mail,
    encrypted_mail,
    opaque_signed_mail,
    outlook_mail,
    tnef,
)

LIMITS = MailLimits(max_attachment_bytes=1_000_000)


def one_part(headers: bytes, body: bytes) -> bytes:
    return (
        b"From: a@b.org\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nForms below.\r\n"
        b"--B\r\n" + headers + b"\r\n\r\n" + body + b"\r\n--B--\r\n"
    )


def test_a_winmail_dat_gives_each_file_inside_it_judged_by_its_bytes():
    raw = outlook_mail(("a.pdf", pdf_bytes("a")), ("b.pdf", pdf_bytes("b")), ("n.txt", b"hi"))

    found = read_attachments(raw, LIMITS)

    assert [(a.filename, a.kind) for a in found] == [
        ("a.pdf", Kind.PDF),
        ("b.pdf", Kind.PDF),
        ("n.txt", Kind.NOT_PDF),
    ]
    assert [a.data for a in found[:2]] == [pdf_bytes("a"), pdf_bytes("b")]


def test_a_damaged_or_endless_winmail_dat_is_reported_damaged():
    cut = tnef(("a.pdf", pdf_bytes("a")))[:-10]
    tiny = tnef() + b"\x02\x10\x80\x01\x00\x00\x00\x00\x00\x00\x00" * 50_000
    not_tnef = b"MZ not tnef at all"

    for data in (cut, tiny, not_tnef):
        (found,) = read_attachments(mail(("winmail.dat", data, "application/ms-tnef")), LIMITS)
        assert found.kind is Kind.DAMAGED
        assert "winmail.dat" in found.why


def test_an_inline_pdf_with_a_content_id_and_no_name_is_taken():
    body = base64.b64encode(pdf_bytes("inline"))
    raw = one_part(
        b"Content-Type: application/pdf\r\nContent-ID: <form@x>\r\n"
        b"Content-Disposition: inline\r\nContent-Transfer-Encoding: base64",
        body,
    )

    (found,) = read_attachments(raw, LIMITS)

    assert found.kind is Kind.PDF
    assert found.data == pdf_bytes("inline")


def test_an_inline_part_that_is_no_pdf_stays_quiet_and_a_named_one_is_still_not_a_pdf():
    quiet = one_part(b"Content-Type: application/octet-stream\r\nContent-ID: <x@y>", b"junk")
    named = mail(("form.pdf", b"<html>no</html>", "application/pdf"))

    assert read_attachments(quiet, LIMITS) == ()
    (found,) = read_attachments(named, LIMITS)
    assert found.kind is Kind.NOT_PDF


def test_an_encrypted_message_is_answered_that_it_is_encrypted():
    with pytest.raises(MalformedMail) as caught:
        read_attachments(encrypted_mail(), LIMITS)

    assert caught.value.code == "encrypted"
    assert "encrypted" in caught.value.message
    assert "send the form unencrypted" in caught.value.message
    assert "not a PDF" not in caught.value.message


def test_an_encrypted_attachment_in_a_plain_message_is_named_as_encrypted():
    inner = encrypted_mail().split(b"\n\n", 1)[1]
    raw = one_part(
        b'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\n'
        b"Content-Transfer-Encoding: base64",
        inner,
    )
    (found,) = read_attachments(raw, LIMITS)

    assert found.kind is Kind.ENCRYPTED
    assert "send the form unencrypted" in found.why


def test_signed_mail_gives_its_pdfs_whether_the_signature_is_detached_or_opaque():
    detached = detached_signed_mail(("d.pdf", pdf_bytes("d"), "application/pdf"))
    opaque = opaque_signed_mail(mail(("o.pdf", pdf_bytes("o"), "application/pdf")))

    assert [a.data for a in read_attachments(detached, LIMITS)] == [pdf_bytes("d")]
    assert [a.data for a in read_attachments(opaque, LIMITS)] == [pdf_bytes("o")]


@pytest.mark.parametrize("body", [b"!!!! ####\r\n@@@", b"JVBERi0xLjQKA", b"a"])
def test_base64_garbage_is_damaged_not_empty(body):
    raw = one_part(
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=f.pdf\r\n"
        b"Content-Transfer-Encoding: base64",
        body,
    )

    (found,) = read_attachments(raw, LIMITS)

    assert found.kind is Kind.DAMAGED
    assert "damaged" in found.why


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        (b"Caf\xe9 forms \x93signed\x94", "Café forms “signed”"),
        (b"=?iso-8859-1?q?Caf=E9?= =?windows-1252?q?=93x=94?=", "Café“x”"),
        (b"=?unknown-8bit?q?Caf=E9?=", "Café"),
        (b"Caf\xc3\xa9", "Café"),
    ],
)
def test_subjects_are_read_in_their_charsets(subject, expected):
    headers = read_headers(b"From: a@b.org\r\nSubject: " + subject + b"\r\n\r\nx")

    assert headers.subject == expected


def test_a_raw_subject_is_read_in_the_charset_the_message_declares():
    raw = b"From: a@b.org\r\nContent-Type: text/plain; charset=iso-8859-15\r\nSubject: \xa4\r\n\r\n"

    assert read_headers(raw).subject == "€"


@pytest.mark.parametrize(
    "disposition",
    [
        b"attachment; filename*=iso-8859-1''Caf%E9%20form.pdf",
        b'attachment; filename="Caf\xe9 form.pdf"',
        b'attachment; filename="Caf\xc3\xa9 form.pdf"',
        b'attachment; filename="=?windows-1252?q?Caf=E9_form.pdf?="',
    ],
)
def test_file_names_are_read_in_their_charsets(disposition):
    raw = one_part(
        b"Content-Type: application/pdf\r\nContent-Disposition: " + disposition,
        pdf_bytes("n"),
    )

    (found,) = read_attachments(raw, LIMITS)

    assert found.filename == "Café form.pdf"


@pytest.mark.parametrize(
    ("headers", "hint"),
    [
        ({"Subject": "Automatic reply: Authorisation forms"}, "an out-of-office subject"),
        ({"Subject": "Out of Office: forms"}, "an out-of-office subject"),
        ({"X-Auto-Response-Suppress": "All"}, "X-Auto-Response-Suppress: All"),
        ({"Subject": "Re: forms"}, ""),
    ],
)
def test_autoresponders_that_do_not_say_so_are_hinted(headers, hint):
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())

    assert read_headers(f"From: a@b.org\r\n{lines}\r\nx".encode()).autoreply_hint == hint


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied (vacation)"},
        {"Auto-Submitted": "Auto-Generated"},
        {"X-Auto-Reply": "yes"},
        {"X-Autorespond": "yes"},
        {"X-Mail-Autoreply": "yes"},
    ],
)
def test_autoreply_header_variants_are_auto_replies(headers):
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())

    assert read_headers(f"From: a@b.org\r\n{lines}\r\nx".encode()).automated == "auto-reply"


def test_auto_submitted_no_with_a_comment_is_a_person():
    raw = b"From: a@b.org\r\nAuto-Submitted: no (a person)\r\n\r\nx"

    assert read_headers(raw).automated is None
