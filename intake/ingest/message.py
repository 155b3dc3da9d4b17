"""One raw message to what intake needs from it, with bounded work.

The caller has already refused messages over the size limit (from the
server's RFC822.SIZE, before downloading). Here a cheap scan of the bytes
refuses a message with too many parts before the parser sees it, the parse
itself is guarded against nesting deep enough to exhaust the stack, and the
walk over the parts stops at :attr:`MailLimits.max_parts` parts or
:attr:`MailLimits.max_depth` levels. A broken structure (a multipart with no
boundary, or a boundary that never closes, so the last part may be cut
short) makes the whole message :class:`MalformedMail`: no part of it is
taken, and the sender is asked to send it again.

Attachments are judged by their bytes, not their names: ``%PDF-`` near the
start makes a PDF. Zip files are never opened.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email import errors, policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parsedate_to_datetime

from intake.ingest.automated import automated_kind
from intake.mail.addresses import plain_address
from intake.reading import detect
from intake.reading.detect import describe

_BOUNDARY = re.compile(rb"boundary\s*=", re.IGNORECASE)
_BROKEN = (
    errors.StartBoundaryNotFoundDefect,
    errors.CloseBoundaryNotFoundDefect,
    errors.MultipartInvariantViolationDefect,
    errors.NoBoundaryInMultipartDefect,
)
#: Parts that are never forms and never worth a line in the reply.
_QUIET_TYPES = (
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
    "application/pgp-keys",
)
_ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/x-zip")


@dataclass(frozen=True)
class MailLimits:
    """How much work one message may cause."""

    max_attachment_bytes: int = 20_000_000
    max_parts: int = 500
    max_depth: int = 20


class Kind(enum.StrEnum):
    """What an attachment turned out to be."""

    PDF = "pdf"
    NOT_PDF = "not_pdf"
    ZIP = "zip"
    TOO_LARGE = "too_large"
    EMPTY = "empty"


@dataclass(frozen=True)
class Attachment:
    """One attached file; ``data`` is kept for PDFs only."""

    filename: str
    kind: Kind
    size: int
    #: Why it was not taken, in plain English (empty for a PDF).
    why: str = ""
    data: bytes = b""


@dataclass(frozen=True)
class MailHeaders:
    """What the headers say. Only ``sender`` is used to reply, never to decide."""

    message_id: str | None
    sender: str | None
    subject: str
    sent_at: dt.datetime | None
    #: ``bounce``, ``auto-reply``, ``list`` or ``None`` (see :mod:`intake.ingest.automated`).
    automated: str | None


class MalformedMail(Exception):
    """The message cannot be read safely; ``code`` is short, ``message`` plain English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def read_headers(raw: bytes) -> MailHeaders:
    """The headers of a message (``raw`` may be the header block alone)."""
    msg = BytesHeaderParser(policy=policy.default).parsebytes(raw)

    def header(name: str) -> str:
        return _header(msg, name)

    sender = plain_address(header("From"))
    return MailHeaders(
        message_id=_text(header("Message-ID"), 998) or None,
        sender=sender,
        subject=_text(header("Subject"), 200),
        sent_at=_date(header("Date")),
        automated=automated_kind(header, sender),
    )


def read_attachments(raw: bytes, limits: MailLimits) -> tuple[Attachment, ...]:
    """Every attached file of a message, judged by its bytes.

    Raises :class:`MalformedMail` when the message is too complex or broken.
    """
    if raw.count(b"\n--") > 2 * limits.max_parts or (
        len(_BOUNDARY.findall(raw)) > limits.max_parts
    ):
        raise MalformedMail("too_many_parts", f"the message has more than {limits.max_parts} parts")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except RecursionError:
        raise MalformedMail("too_deep", "the message's parts are nested too deeply") from None
    except Exception as exc:  # the parser is lenient; anything else is truly unreadable
        raise MalformedMail("unreadable", f"the message could not be read ({exc})") from None
    found = []
    try:
        for number, part in enumerate(_leaves(msg, limits), start=1):
            attachment = _attachment(part, number, limits)
            if attachment is not None:
                found.append(attachment)
    except MalformedMail:
        raise
    except Exception as exc:  # hostile input must end in a record, never a retry loop
        raise MalformedMail("unreadable", f"the message could not be read ({exc})") from None
    return tuple(found)


def _leaves(msg: Message, limits: MailLimits) -> Iterator[Message]:
    """The non-multipart parts in order, walked without recursion."""
    stack: list[tuple[Message, int]] = [(msg, 0)]
    seen = 0
    while stack:
        part, depth = stack.pop()
        seen += 1
        if seen > limits.max_parts:
            raise MalformedMail(
                "too_many_parts", f"the message has more than {limits.max_parts} parts"
            )
        if depth > limits.max_depth:
            raise MalformedMail(
                "too_deep", f"the message's parts are nested over {limits.max_depth} levels deep"
            )
        broken = [d for d in part.defects if isinstance(d, _BROKEN)]
        if broken:
            raise MalformedMail(
                "broken_structure",
                "the message's structure is damaged (a part boundary is missing or never "
                "closed), so its attachments may be incomplete",
            )
        if part.is_multipart():
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend((child, depth + 1) for child in reversed(children))
            continue
        yield part


def _attachment(part: Message, number: int, limits: MailLimits) -> Attachment | None:
    content_type = part.get_content_type()
    disposition = part.get_content_disposition()
    filename = _filename(part) or ""
    if content_type in _QUIET_TYPES:
        return None
    # The message's own text, and pictures in it (a logo in a signature).
    in_text = part.get_content_maintype() in ("text", "image") or part.get("Content-ID")
    if in_text and disposition != "attachment" and not filename.lower().endswith(".pdf"):
        return None
    name = filename or f"attachment {number}"
    size = _encoded_size(part)
    if size > limits.max_attachment_bytes:
        return _too_large(name, size, limits)
    data = part.get_payload(decode=True)
    data = data if isinstance(data, bytes) else b""
    if len(data) > limits.max_attachment_bytes:
        return _too_large(name, len(data), limits)
    if not data:
        return Attachment(name, Kind.EMPTY, 0, "the file is empty")
    if looks_like_pdf(data):
        return Attachment(name, Kind.PDF, len(data), data=data)
    if name.lower().endswith(".zip") or content_type in _ZIP_TYPES:
        why = "zip files are not opened; attach the PDF forms themselves"
        return Attachment(name, Kind.ZIP, len(data), why)
    return Attachment(name, Kind.NOT_PDF, len(data), describe(data))


looks_like_pdf = detect.looks_like_pdf  # the reader's own rule


def _too_large(name: str, size: int, limits: MailLimits) -> Attachment:
    return Attachment(
        name,
        Kind.TOO_LARGE,
        size,
        f"the file is {size / 1e6:.1f} MB; the limit is {limits.max_attachment_bytes / 1e6:.0f} MB",
    )


def _encoded_size(part: Message) -> int:
    """The decoded size, estimated without decoding (so a huge part costs nothing)."""
    payload = part.get_payload()
    if not isinstance(payload, str):
        return 0
    if part.get("Content-Transfer-Encoding", "").strip().lower() == "base64":
        return (len(payload) - payload.count("\n") - payload.count("\r")) * 3 // 4
    return len(payload)


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:  # a malformed parameter is no reason to drop the part
        return None
    if not name:
        return None
    name = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    return _text(name, 200) or None


def _header(msg: Message | EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # the header parser can trip on hostile input
        return ""
    try:
        return "" if value is None else str(value)
    except Exception:
        return ""


def _date(value: str) -> dt.datetime | None:
    """The Date header as an aware datetime, or ``None`` when it is missing or garbage."""
    if not value.strip():
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _text(value: str, limit: int) -> str:
    """Printable text on one line, at most ``limit`` characters.

    >>> _text("Forms\\r\\n\\tfor you\\x00", 100)
    'Forms for you'
    """
    cleaned = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(cleaned.split())[:limit]
