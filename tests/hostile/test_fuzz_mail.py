"""A bounded fuzz run over the email parser: damaged messages end in headers
and attachments or a MalformedMail with a code, never another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.ingest.message import (
    Kind,
    MailLimits,
    MalformedMail,
    read_attachments,
    read_headers,
)
from intake.reading.detect import looks_like_pdf
from tests.mail.messages import mail, pdf_bytes

SEEDS = [
    mail(("form.pdf", pdf_bytes("a"), "application/pdf")),
    mail(
        ("one.pdf", pdf_bytes("b"), "application/pdf"),
        ("notes.txt", b"hello", "text/plain"),
        headers={"Auto-Submitted": "auto-generated"},
    ),
]
TOKENS = [
    b"\r\n",
    b"\n--",
    b"boundary=",
    b"Content-Type: multipart/mixed; ",
    b"Content-Transfer-Encoding: base64\n",
    b"=?utf-8?b?",
    b"\x00",
    b"filename*=",
    b'"',
    b";",
    b"From: <>\n",
    b"Date: Feb 30 2026\n",
]


@st.composite
def damaged_mail(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 10))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        kind = draw(st.sampled_from(["flip", "cut", "insert", "token"]))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 300))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=30))
        else:
            data[at:at] = draw(st.sampled_from(TOKENS))
    return bytes(data)


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(raw=damaged_mail())
def test_damaged_mail_ends_in_attachments_or_a_clear_refusal(raw):
    headers = read_headers(raw)
    assert headers.sender is None or "@" in headers.sender
    try:
        attachments = read_attachments(raw, MailLimits())
    except MalformedMail as refused:
        assert refused.code and refused.message
    else:
        for attachment in attachments:
            # Only what the reader itself would take as a PDF keeps its bytes.
            if attachment.kind == Kind.PDF:
                assert looks_like_pdf(attachment.data)
            else:
                assert attachment.data == b"" and attachment.why
