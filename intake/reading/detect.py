"""First step: is this file a PDF we may read at all?

:func:`load` checks the bytes before any PDF library sees them (size, the
``%PDF-`` header, the end-of-file marker); :func:`check_reader` checks what
pypdf found (encryption, page count); :func:`library_errors` turns whatever
a PDF library raises on a damaged file into :class:`PdfUnreadable`.
"""

from __future__ import annotations

import contextlib
import io
import pathlib
from collections.abc import Iterator
from typing import Any

import pypdfium2

from intake.reading.model import NotAPdf, PdfUnreadable, ReadLimits, TooHeavy

#: PDF readers accept junk before the header; so do we, up to this much.
HEADER_SEARCH = 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)


def describe(data: bytes) -> str:
    """What non-PDF bytes look like, in plain English.

    >>> describe(b"")
    'the file is empty'
    >>> describe(b"\\x89PNG\\r\\n\\x1a\\n....")
    'the file is a PNG image, not a PDF'
    >>> describe(b"  <!DOCTYPE html><html>")
    'the file is a web page (HTML), not a PDF'
    """
    if not data:
        return "the file is empty"
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            return f"the file is {what}, not a PDF"
    if data.startswith(b"BM") and data[6:10] == b"\0\0\0\0":
        return "the file is a BMP image, not a PDF"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "the file is a web page (HTML), not a PDF"
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        return "the file is an XML or markup document, not a PDF"
    if head.startswith((b"from:", b"received:", b"return-path:", b"mime-version:")):
        return "the file is an email message, not a PDF"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "the file is not a PDF (it does not start with %PDF-)"
    return "the file is plain text, not a PDF"


def looks_like_pdf(data: bytes) -> bool:
    """The one rule for "this is a PDF" (reader, mail, folder, previews):
    ``%PDF-`` within the first kilobyte, as readers allow, but not behind
    another format's signature (a ZIP that stores a PDF is not a PDF).

    >>> looks_like_pdf(b"junk %PDF-1.7"), looks_like_pdf(b"PK\\x03\\x04 %PDF-1.7")
    (True, False)
    >>> looks_like_pdf(b"\\x89PNG\\r\\n")
    False
    """
    if b"%PDF-" not in data[: HEADER_SEARCH + 5]:
        return False
    return data.startswith(b"%PDF-") or not any(data.startswith(m) for m, _ in _SIGNATURES)


def load(path: pathlib.Path, limits: ReadLimits) -> bytes:
    """The file's bytes, once they look like a whole PDF within the size limit.

    Raises :class:`NotAPdf` or :class:`PdfUnreadable`.
    """
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise PdfUnreadable(
                f"the file is {size:,} bytes, over the {limits.max_bytes:,} byte limit"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise PdfUnreadable(f"the file could not be opened: {exc.strerror or exc}") from exc
    if not looks_like_pdf(data):
        raise NotAPdf(describe(data))
    if truncated(data):
        raise PdfUnreadable(
            "the file stops before its end, so part of it is missing (it was cut off while "
            "being sent or saved); send the whole file again"
        )
    return data


def truncated(data: bytes) -> bool:
    """Whether the file stops before its last end-of-file marker.

    Anything may follow the last ``%%EOF`` as long as it is not more PDF (an
    update cut off before its own marker): padding, a mail program's blank
    lines, zeros to a block size.

    >>> truncated(b"%PDF-1.7 ... %%EOF "), truncated(b"%PDF-1.7 ... %%EOF" + bytes(5000))
    (False, False)
    >>> truncated(b"%PDF-1.7 ... 1 0 obj"), truncated(b"%PDF-1.7 %%EOF 9 0 obj << >> endobj xref")
    (True, True)
    """
    end = data.rfind(b"%%EOF")
    if end < 0:
        return True
    tail = data[end + 5 :]
    return any(keyword in tail for keyword in _MORE_PDF)


#: Keywords only the body of a PDF holds.
_MORE_PDF = (b" obj", b"endobj", b"xref", b"trailer", b"stream")


def check_reader(reader: Any, limits: ReadLimits) -> int:
    """The page count, once pypdf shows the PDF is unencrypted and small enough."""
    if reader.is_encrypted and not opens_without_password(reader):
        raise PdfUnreadable(
            "the PDF is protected by a password needed to open it; send a copy saved "
            "without a password"
        )
    count = len(reader.pages)
    if count == 0:
        raise PdfUnreadable("the PDF has no pages")
    if count > limits.max_pages:
        raise PdfUnreadable(f"the PDF has {count} pages, over the {limits.max_pages} page limit")
    return count


def opens_without_password(reader: Any) -> bool:
    """Whether an encrypted PDF opens without asking, as viewers open it: one
    with only an owner password (editing or printing restricted) has an empty
    user password. ``reader`` is left decrypted when it does."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - an unsupported or broken encryption dictionary
        return False


@contextlib.contextmanager
def library_errors() -> Iterator[None]:
    """Report any error a PDF library raises on damaged input as unreadable.

    pypdf and pdfminer raise many types (their own, and ``ValueError``,
    ``KeyError``, ``struct.error`` ... from deep inside a broken file), so
    everything except our own :class:`ReadError` subclasses (and
    :class:`TooHeavy`, which is no error) is mapped.
    """
    try:
        yield
    except (NotAPdf, PdfUnreadable, TooHeavy):
        raise
    except RecursionError as exc:
        raise PdfUnreadable(DAMAGED, "RecursionError: the structure loops") from exc
    except Exception as exc:  # noqa: BLE001 - see the docstring
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        cause = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        raise PdfUnreadable(DAMAGED, cause) from exc


def repaired(data: bytes) -> bytes | None:
    """The file as pdfium opens it (repairing a damaged cross-reference table,
    as viewers do), written out whole; ``None`` if pdfium cannot open it, or
    it needs a password."""
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return None
    try:
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    except (pypdfium2.PdfiumError, OSError):
        return None
    finally:
        document.close()


#: What a requester is told of a file whose insides are broken.
DAMAGED = (
    "the PDF is damaged inside and cannot be read; open the form and save or print it "
    "again as a new PDF, and send that"
)
