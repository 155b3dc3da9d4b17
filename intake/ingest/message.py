"""One raw message to what intake needs from it, with bounded work.

The caller has already refused messages over the size limit (from the
server's RFC822.SIZE, before downloading). Python's email parser has no
bound of its own on header work (its cost grows far faster than a header,
above all with RFC 2047 encoded-words), so headers are measured raw first
(:func:`header_problem`, :class:`HeaderLimits`): a header block over its
size, one header over its size, or more encoded-words than a real message
carries makes the message :class:`MalformedMail` before any header of it is
parsed, and :func:`read_headers` parses only the headers it needs, each
within its bound, so the sender can still be answered. A cheap scan of the bytes
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

from intake.ingest import charsets, shapes
from intake.ingest.automated import automated_kind, autoreply_hint
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
_BAD_BASE64 = (errors.InvalidBase64CharactersDefect, errors.InvalidBase64LengthDefect)
ENCRYPTED_MESSAGE = (
    "this message is encrypted (S/MIME); we cannot open it: send the form unencrypted"
)
_ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/x-zip")


@dataclass(frozen=True)
class HeaderLimits:
    """How big headers may be before the parser sees them (raw bytes)."""

    #: The whole header block of the message (or of one part).
    max_block_bytes: int = 65_536
    #: One header, unfolded (name, value and its continuation lines).
    max_header_bytes: int = 8_192
    #: RFC 2047 encoded-words (``=?charset?Q?...?=``) in one header block.
    max_encoded_words: int = 100


@dataclass(frozen=True)
class MailLimits:
    """How much work one message may cause."""

    max_attachment_bytes: int = 20_000_000
    max_parts: int = 500
    max_depth: int = 20
    headers: HeaderLimits = HeaderLimits()


class Kind(enum.StrEnum):
    """What an attachment turned out to be."""

    PDF = "pdf"
    NOT_PDF = "not_pdf"
    ZIP = "zip"
    TOO_LARGE = "too_large"
    EMPTY = "empty"
    #: The bytes were broken on the way (base64 that decodes to garbage).
    DAMAGED = "damaged"
    #: S/MIME-encrypted: only the recipient's private key opens it.
    ENCRYPTED = "encrypted"


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
    #: Every ``Authentication-Results`` header, raw, topmost first (RFC 8601).
    authentication: tuple[str, ...] = ()
    #: Why the headers were over their bounds (plain English), or ``""``.
    too_large: str = ""
    #: ``In-Reply-To`` and ``References``, raw (to find replies to our own mail).
    references: tuple[str, ...] = ()
    #: Why it looks like an autoresponder's without saying so (RFC 3834), or ``""``.
    autoreply_hint: str = ""


class MalformedMail(Exception):
    """The message cannot be read safely; ``code`` is short, ``message`` plain English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


#: The only headers :func:`read_headers` parses (lower case).
_WANTED = frozenset(
    {
        "from",
        "subject",
        "date",
        "message-id",
        "return-path",
        "content-type",
        "auto-submitted",
        "precedence",
        "list-id",
        "list-unsubscribe",
        "list-post",
        "x-autoreply",
        "x-autorespond",
        "authentication-results",
        "in-reply-to",
        "references",
        "x-auto-reply",
        "x-mail-autoreply",
        "x-auto-response-suppress",
    }
)
_ENCODED_WORD = re.compile(rb"=\?[^?\s]{1,75}\?[bBqQ]\?", re.ASCII)
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def header_block(raw: bytes, limit: int) -> bytes:
    r"""The header block of ``raw`` (a whole message or the header alone),
    at most ``limit + 1`` bytes, so an endless header is never copied whole.

    >>> header_block(b"Subject: a\r\n\r\nbody", 100)
    b'Subject: a\r\n\r\n'
    """
    found = _HEADER_END.search(raw, 0, limit + 4)
    return raw[: found.end()] if found else raw[: limit + 1]


def unfolded_headers(block: bytes) -> Iterator[tuple[bytes, bytes]]:
    r"""``(lower-case name, raw header with its continuation lines)`` for each
    header of a raw block; the block's size bounds the work.

    >>> list(unfolded_headers(b"Subject: a\r\n b\r\nFrom: x@y.org\r\n\r\n"))
    [(b'subject', b'Subject: a\r\n b\r\n'), (b'from', b'From: x@y.org\r\n')]
    """
    name, lines = b"", []
    for line in block.splitlines(keepends=True):
        if line in (b"\r\n", b"\n"):
            break
        if line[:1] in (b" ", b"\t") and lines:
            lines.append(line)
            continue
        if lines:
            yield name, b"".join(lines)
        name, lines = line.split(b":", 1)[0].strip().lower(), [line]
    if lines:
        yield name, b"".join(lines)


def header_problem(block: bytes, limits: HeaderLimits) -> str:
    r"""Why a raw header block is over its bounds, in plain English, or ``""``.

    >>> header_problem(b"Subject: " + b"x" * 9000 + b"\r\n\r\n", HeaderLimits())
    "the email's Subject header is over 8 KB"
    >>> header_problem(b"Subject: " + b"=?utf-8?q?a?= " * 101 + b"\r\n\r\n", HeaderLimits())
    "the email's headers hold over 100 encoded words"
    >>> header_problem(b"Subject: hello\r\n\r\n", HeaderLimits())
    ''
    """
    if len(block) > limits.max_block_bytes:
        return f"the email's headers are over {limits.max_block_bytes // 1024} KB"
    for name, value in unfolded_headers(block):
        if len(value) > limits.max_header_bytes:
            shown = _text(name.decode("ascii", "replace").title(), 40) or "a"
            return f"the email's {shown} header is over {limits.max_header_bytes // 1024} KB"
    if len(_ENCODED_WORD.findall(block)) > limits.max_encoded_words:
        return f"the email's headers hold over {limits.max_encoded_words} encoded words"
    return ""


def read_headers(raw: bytes, limits: HeaderLimits | None = None) -> MailHeaders:
    """The headers of a message (``raw`` may be the header block alone, or
    its first bytes).

    Only the headers intake uses are parsed, each within its bound (one over
    it, or one holding more encoded-words than the whole block may, is left
    out), so a hostile header costs bounded work; ``too_large`` says when
    the block as a whole was over its bounds.
    """
    limits = limits or HeaderLimits()
    block = header_block(raw, limits.max_block_bytes)
    kept, words = [], 0
    unfolded = list(unfolded_headers(block[: limits.max_block_bytes]))
    charset = next((charsets.declared(v) for n, v in unfolded if n == b"content-type"), None)
    for name, value in unfolded:
        if name.decode("ascii", "replace") not in _WANTED or len(value) > limits.max_header_bytes:
            continue
        count = len(_ENCODED_WORD.findall(value))
        if words + count <= limits.max_encoded_words:
            kept.append(charsets.clean_header(value, charset))
            words += count
    msg = BytesHeaderParser(policy=policy.default).parsebytes(b"".join(kept) + b"\r\n")

    def header(name: str) -> str:
        return _header(msg, name)

    sender = plain_address(header("From"))
    subject = _text(header("Subject"), 200)
    return MailHeaders(
        message_id=_text(header("Message-ID"), 998) or None,
        sender=sender,
        subject=subject,
        sent_at=_date(header("Date")),
        automated=automated_kind(header, sender),
        authentication=_all(msg, "Authentication-Results"),
        too_large=header_problem(block, limits),
        references=_all(msg, "In-Reply-To") + _all(msg, "References"),
        autoreply_hint=autoreply_hint(header, subject),
    )


def read_attachments(raw: bytes, limits: MailLimits) -> tuple[Attachment, ...]:
    """Every attached file of a message, judged by its bytes.

    Raises :class:`MalformedMail` when the message is too complex or broken,
    or when its headers (or a part's) are over :attr:`MailLimits.headers`.
    """
    problem = header_problem(header_block(raw, limits.headers.max_block_bytes), limits.headers)
    if problem:
        raise MalformedMail("headers_too_large", problem)
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
            found += _attachments(part, number, limits, top=part is msg)
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


def _attachments(
    part: Message, number: int, limits: MailLimits, *, top: bool = False, depth: int = 0
) -> list[Attachment]:
    """What one leaf part holds: nothing, one file, or the files of a
    container (TNEF, opaque S/MIME signed-data; see :mod:`intake.ingest.shapes`)."""
    _check_part_headers(part, limits.headers)
    content_type = part.get_content_type()
    disposition = part.get_content_disposition()
    filename = _filename(part) or ""
    if content_type in _QUIET_TYPES:
        return []
    inline = disposition != "attachment" and not filename.lower().endswith(".pdf")
    # The message's own text, and pictures in it (a logo in a signature).
    if inline and part.get_content_maintype() in ("text", "image"):
        return []
    name = filename or f"attachment {number}"
    size = _encoded_size(part)
    if size > limits.max_attachment_bytes:
        return [_too_large(name, size, limits)]
    data, damaged = _decoded(part)
    if len(data) > limits.max_attachment_bytes:
        return [_too_large(name, len(data), limits)]
    # Anything else shown in the text (a Content-ID) counts only when it is
    # a PDF: Outlook and Apple Mail send forms inline with no name.
    if inline and part.get("Content-ID") and not (data and looks_like_pdf(data)):
        return []
    smime = shapes.smime_kind(part, filename)
    if smime is not None:
        return _smime(part, smime, data, name, limits, top=top, depth=depth)
    if shapes.is_tnef(part, filename, data) and not data.startswith(b"%PDF-"):
        return _tnef(data, name, limits)
    return [_judged(name, data, damaged, content_type)]


def _judged(name: str, data: bytes, damaged: bool, content_type: str = "") -> Attachment:
    """One file judged by its bytes."""
    if looks_like_pdf(data):
        return Attachment(name, Kind.PDF, len(data), data=data)
    if damaged:
        why = "the file was damaged on its way (its encoding is broken); attach it again"
        return Attachment(name, Kind.DAMAGED, len(data), why)
    if not data:
        return Attachment(name, Kind.EMPTY, 0, "the file is empty")
    if name.lower().endswith(".zip") or content_type in _ZIP_TYPES:
        why = "zip files are not opened; attach the PDF forms themselves"
        return Attachment(name, Kind.ZIP, len(data), why)
    return Attachment(name, Kind.NOT_PDF, len(data), describe(data))


def _decoded(part: Message) -> tuple[bytes, bool]:
    """The part's bytes, and whether its transfer encoding was broken (base64
    with characters outside the alphabet, or bytes that decode to nothing)."""
    data = part.get_payload(decode=True)
    data = data if isinstance(data, bytes) else b""
    encoding = part.get("Content-Transfer-Encoding", "").strip().lower()
    if encoding != "base64":
        return data, False
    payload = part.get_payload()
    sent = isinstance(payload, str) and payload.strip() != ""
    broken = any(isinstance(d, _BAD_BASE64) for d in part.defects)
    return data, (sent and not data) or broken


def _smime(
    part: Message, smime: str, data: bytes, name: str, limits: MailLimits, *, top: bool, depth: int
) -> list[Attachment]:
    """An S/MIME ``pkcs7-mime`` body: encrypted is refused with a plain
    reason (the whole message, when it is the message); signed-data is
    opened and its own parts read."""
    if smime != shapes.ENCRYPTED:
        try:
            inner = shapes.signed_content(data)
        except shapes.Unreadable as exc:
            if str(exc) != shapes.ENCRYPTED:
                return [Attachment(name, Kind.DAMAGED, len(data), str(exc))]
        else:
            return _inner_message(inner, limits, depth)
    if top:
        raise MalformedMail("encrypted", ENCRYPTED_MESSAGE)
    return [Attachment(name, Kind.ENCRYPTED, len(data), ENCRYPTED_MESSAGE)]


def _inner_message(raw: bytes, limits: MailLimits, depth: int) -> list[Attachment]:
    """The files of a MIME entity found inside a container, read as a message."""
    if depth >= 3:
        raise MalformedMail("too_deep", "the message is wrapped in too many signatures")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except RecursionError:
        raise MalformedMail("too_deep", "the message's parts are nested too deeply") from None
    found: list[Attachment] = []
    for number, leaf in enumerate(_leaves(msg, limits), start=1):
        found += _attachments(leaf, number, limits, depth=depth + 1)
    return found


def _tnef(data: bytes, name: str, limits: MailLimits) -> list[Attachment]:
    """The files inside Outlook's winmail.dat, each judged by its bytes."""
    try:
        inner = shapes.unpack_tnef(data, limits.max_parts)
    except shapes.Unreadable as exc:
        return [Attachment(name, Kind.DAMAGED, len(data), str(exc))]
    found = []
    for file in inner:
        filename = _text(file.filename.replace("\\", "/").rsplit("/", 1)[-1], 200)
        if len(file.data) > limits.max_attachment_bytes:
            found.append(_too_large(filename, len(file.data), limits))
        else:
            found.append(_judged(filename, file.data, False))
    return found


def _check_part_headers(part: Message, limits: HeaderLimits) -> None:
    """A part's headers measured raw (``raw_items`` parses nothing) before
    any of them is read."""
    total, words = 0, 0
    for name, value in part.raw_items():
        size = len(name) + len(value) + 2
        total += size
        words += len(_ENCODED_WORD.findall(value.encode("utf-8", "surrogateescape")))
        if size > limits.max_header_bytes or total > limits.max_block_bytes:
            raise MalformedMail(
                "headers_too_large",
                f"an attachment's headers are over {limits.max_header_bytes // 1024} KB",
            )
    if words > limits.max_encoded_words:
        raise MalformedMail(
            "headers_too_large",
            f"an attachment's headers hold over {limits.max_encoded_words} encoded words",
        )


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
        if name and "\ufffd" in str(name):
            name = _filename_8bit(part) or name
    except Exception:  # a malformed parameter is no reason to drop the part
        return None
    if not name:
        return None
    name = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    return _text(name, 200) or None


def _filename_8bit(part: Message) -> str | None:
    """The file name read again from the raw headers, its 8-bit bytes in the
    charset they were meant in (see :mod:`intake.ingest.charsets`)."""
    raw = {name.lower(): value for name, value in part.raw_items()}
    charset = charsets.declared(raw.get("content-type", "").encode("ascii", "surrogateescape"))
    again = Message()
    for name in ("content-disposition", "content-type"):
        if name in raw:
            value = raw[name].encode("ascii", "surrogateescape")
            again[name] = charsets.decode_8bit(charsets.clean_header(value, charset))
    return again.get_filename()


def _header(msg: Message | EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # the header parser can trip on hostile input
        return ""
    try:
        return "" if value is None else str(value)
    except Exception:
        return ""


def _all(msg: Message, name: str) -> tuple[str, ...]:
    try:
        return tuple(_text(str(v), 2000) for v in msg.get_all(name) or ())
    except Exception:  # as _header
        return ()


def _date(value: str) -> dt.datetime | None:
    """The Date header as an aware datetime, or ``None`` when it is missing,
    garbage or out of range (a year no clock can turn into a local day).

    >>> _date("Fri, 31 Dec 9999 23:59:59 -1200") is None
    True
    >>> _date("Fri, 20 Nov 2026 10:30:00 +9959") is None
    True
    """
    if not value.strip():
        return None
    try:
        when = parsedate_to_datetime(value)
        when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        when.astimezone(dt.UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if 1900 <= when.year <= 2200 else None


def _text(value: str, limit: int) -> str:
    """Printable text on one line, at most ``limit`` characters.

    >>> _text("Forms\\r\\n\\tfor you\\x00", 100)
    'Forms for you'
    """
    cleaned = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(cleaned.split())[:limit]
