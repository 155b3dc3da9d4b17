"""Test messages: good ones built with the stdlib, and a corpus of bad ones
written byte by byte (malformed MIME cannot be built with a MIME library)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from tests.conftest import ROOT

SAMPLES = ROOT / "sample_forms"
WHEN = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC)
SENDER = "emma.wilson@nhs.net"


def mail(
    *attachments: tuple[str, bytes, str],
    sender: str = SENDER,
    subject: str = "Authorisation forms",
    when: dt.datetime | None = WHEN,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> bytes:
    """A message with these ``(filename, data, content type)`` attachments."""
    msg = EmailMessage()
    msg["From"] = f"Emma Wilson <{sender}>"
    msg["To"] = "intake@pcse.example.org"
    msg["Subject"] = subject
    if when is not None:
        msg["Date"] = format_datetime(when)
    msg["Message-ID"] = message_id or make_msgid(domain="practice.example.org")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content("Please find the forms attached.\n")
    for filename, data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def sample(name: str) -> tuple[str, bytes, str]:
    """A sample form as an attachment."""
    return name, (SAMPLES / name).read_bytes(), "application/pdf"


def pdf_bytes(tag: str) -> bytes:
    """Small distinct bytes that sniff as a PDF (they are not a readable form)."""
    return f"%PDF-1.4\n% {tag}\n%%EOF\n".encode()


def _raw(*lines: str, body: str = "") -> bytes:
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def _head(subject: str, sender: str = SENDER) -> list[str]:
    return [
        f"From: {sender}",
        "To: intake@pcse.example.org",
        f"Subject: {subject}",
        f"Date: {format_datetime(WHEN)}",
        f"Message-ID: <{subject.replace(' ', '-')}@practice.example.org>",
        "MIME-Version: 1.0",
    ]


def _b64(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def bad_corpus(big_attachment_mb: int = 30) -> dict[str, bytes]:
    """Hostile and awkward messages, by name; the sender of each is distinct
    so the one-reply-an-hour rule does not hide a reply."""
    corpus: dict[str, bytes] = {}

    def sender(name: str) -> str:
        return f"{name}@practice.example.org"

    corpus["malformed"] = _raw(
        *_head("malformed", sender("malformed")),
        "Content-Type: multipart/mixed",  # a multipart without a boundary
        body="--\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 lost\r\n",
    )
    corpus["unterminated"] = _raw(
        *_head("unterminated", sender("unterminated")),
        'Content-Type: multipart/mixed; boundary="XYZ"',
        body=(
            "--XYZ\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
            "--XYZ\r\nContent-Type: application/pdf\r\n"
            'Content-Disposition: attachment; filename="cut.pdf"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n" + _b64(pdf_bytes("cut"))[:20] + "\r\n"
        ),
    )
    parts = "".join(
        f"--P\r\nContent-Type: application/octet-stream\r\n"
        f'Content-Disposition: attachment; filename="p{i}.bin"\r\n\r\nx\r\n'
        for i in range(5000)
    )
    corpus["many_parts"] = _raw(
        *_head("many parts", sender("manyparts")),
        'Content-Type: multipart/mixed; boundary="P"',
        body=parts + "--P--\r\n",
    )
    inner = "Content-Type: text/plain\r\n\r\ndeep\r\n"
    for level in range(200):
        inner = (
            f'Content-Type: multipart/mixed; boundary="L{level}"\r\n\r\n'
            f"--L{level}\r\n{inner}\r\n--L{level}--\r\n"
        )
    corpus["deep"] = ("\r\n".join(_head("deep", sender("deep"))) + "\r\n" + inner).encode()
    huge = b"%PDF-1.4\n" + bytes(big_attachment_mb * 1_000_000)
    corpus["huge"] = mail(
        ("huge.pdf", huge, "application/pdf"), sender=sender("huge"), subject="huge"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("form.pdf", pdf_bytes("zipped"))
    corpus["zip"] = mail(
        ("forms.zip", buffer.getvalue(), "application/zip"), sender=sender("zip"), subject="zip"
    )
    corpus["no_attachment"] = mail(sender=sender("none"), subject="no attachment")
    corpus["html_named_pdf"] = mail(
        ("form.pdf", b"<!DOCTYPE html><html><body>form</body></html>", "text/html"),
        sender=sender("html"),
        subject="html",
    )
    corpus["auto_reply"] = mail(
        sender=sender("away"), subject="Out of office", headers={"Auto-Submitted": "auto-replied"}
    )
    corpus["bounce"] = mail(
        sample("applied_gp_partner.pdf"),
        sender="MAILER-DAEMON@mx.example.org",
        subject="Undelivered Mail Returned to Sender",
        headers={"Return-Path": "<>"},
    )
    corpus["list"] = mail(
        sender=sender("list"),
        subject="Newsletter",
        headers={"List-Id": "<news.example.org>", "Precedence": "list"},
    )
    return corpus


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
