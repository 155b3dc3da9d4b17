"""What a file that is not a PDF is, told to the requester at the door.

The web and API doors answer at once, by the file's content (never its
name): a photo of the form, a Word document or a text file gets a plain
sentence naming what it is and what to send instead. The file is still
accepted and recorded, and the worker decides it ``NOT_A_PDF`` as for any
other door, so the audit trail loses nothing. Whether bytes are a PDF is the
reader's own rule (:func:`intake.reading.detect.looks_like_pdf`).
"""

from __future__ import annotations

from intake.reading.detect import looks_like_pdf

_SCAN = "scan the form as a PDF and upload that"
_SAVE_AS_PDF = "save or print it as a PDF and upload that"

#: (starts with, what it is, what to do instead)
_KINDS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "a JPEG photo", _SCAN),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", _SCAN),
    (b"GIF87a", "a GIF image", _SCAN),
    (b"GIF89a", "a GIF image", _SCAN),
    (b"II*\x00", "a TIFF image", _SCAN),
    (b"MM\x00*", "a TIFF image", _SCAN),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office document", _SAVE_AS_PDF),
    (b"{\\rtf", "a Rich Text document", _SAVE_AS_PDF),
    (b"%!PS", "a PostScript file", _SAVE_AS_PDF),
    (b"\x1f\x8b", "a compressed (gzip) file", "upload the PDF on its own, not compressed"),
    (b"Rar!", "a RAR archive", "upload the PDF on its own, not inside an archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive", "upload the PDF on its own, not inside an archive"),
)


def not_a_pdf(data: bytes, filename: str = "") -> str | None:
    """``None`` for a PDF; otherwise one sentence for the requester saying
    what the file is and what to upload instead.

    >>> not_a_pdf(b"%PDF-1.7 ...") is None
    True
    >>> not_a_pdf(b"\\xff\\xd8\\xff\\xe0 JFIF", "form.jpg")
    'This is a JPEG photo, not a PDF: scan the form as a PDF and upload that.'
    >>> print(not_a_pdf(b"\\x89PNG\\r\\n\\x1a\\n", "f.pdf"))  # doctest: +NORMALIZE_WHITESPACE
    This is a PNG image, not a PDF, although its name ends in .pdf:
    scan the form as a PDF and upload that.
    >>> not_a_pdf(b"Dear PCSE,", "letter.txt").startswith("This is a text file, not a PDF")
    True
    """
    if looks_like_pdf(data):
        return None
    what, instead = _kind(data)
    named = ", although its name ends in .pdf" if filename.lower().endswith(".pdf") else ""
    return f"This is {what}, not a PDF{named}: {instead}."


def _kind(data: bytes) -> tuple[str, str]:
    """(what the bytes are, what to do instead)."""
    if not data:
        return "an empty file", "upload the completed form as a PDF"
    for magic, what, instead in _KINDS:
        if data.startswith(magic):
            return what, instead
    if data.startswith(b"PK\x03\x04"):
        head = data[:65536]
        if b"word/" in head:
            return "a Word document", "open it in Word, save it as a PDF and upload that"
        if b"xl/" in head:
            return "an Excel spreadsheet", _SAVE_AS_PDF
        return "a ZIP archive", "take the PDF out of the archive and upload it on its own"
    if data.startswith(b"BM") and data[6:10] == b"\0\0\0\0":
        return "a BMP image", _SCAN
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "a web page", _SAVE_AS_PDF
    if head.startswith((b"from:", b"received:", b"return-path:", b"mime-version:")):
        return "an email message", "save the form attached to it and upload that PDF"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "a file of another kind", "upload the completed form as a PDF"
    return "a text file", "fill in the authorisation form, save it as a PDF and upload that"
