"""What reading a PDF produces: plain frozen dataclasses, no PDF library types.

Readers fill these in; the pipeline turns them into request rows and hands
the values to ``verification``. Values are *as read* (trimmed text, or a
bool for the signature box and the declaration tick box); normalising
(lower-casing emails, parsing dates, recognising roles) is verification's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# The field keys are SPEC §2's; verification owns the table of them.
from verification.fields import BOOLEAN_KEYS, FIELD_KEYS  # noqa: F401  (re-exported)

FORM_TITLE = "PCSE Online User Administrator Authorisation Form"


@dataclass(frozen=True)
class FieldReading:
    """One field as read.

    ``value`` is the trimmed text (``str``), a ``bool`` for the signature and
    declaration, or ``None`` when the field is empty or was not found.
    ``confidence`` is 0..1: 1.0 for a text layer or AcroForm value read
    cleanly; for OCR the least sure word's score, capped when a cross-check
    fails (see :mod:`intake.reading.scanned`); lower for ambiguous layout.
    Below ``verification.normalise.LOW_CONFIDENCE_THRESHOLD`` (0.8) the
    field is LOW_CONFIDENCE and goes to a caseworker. A value area holding ink but
    no readable text is ``value=None`` with low confidence and ``note`` set,
    never a guess.
    """

    value: str | bool | None
    confidence: float = 1.0
    page: int | None = None
    note: str = ""


@dataclass(frozen=True)
class FormReading:
    """One authorisation form found in a document (one request)."""

    fields: Mapping[str, FieldReading]
    pages: tuple[int, ...]  # 0-based indices of the pages the form spans
    method: str  # "text", "acroform" or "ocr"

    def value(self, key: str) -> str | bool | None:
        """The value read for ``key`` (``None`` when absent)."""
        reading = self.fields.get(key)
        return None if reading is None else reading.value


@dataclass(frozen=True)
class DocumentReading:
    """Everything read from one PDF file."""

    forms: tuple[FormReading, ...]
    page_count: int
    #: True when some page had no text layer and no OCR engine was available.
    ocr_unavailable: bool = False
    warnings: tuple[str, ...] = field(default=())


class ReadError(Exception):
    """The file could not be read as a PDF at all.

    ``code`` is the SPEC §5 reason code (``NOT_A_PDF`` or ``PDF_UNREADABLE``)
    and the message says why in plain English.
    """

    code = "PDF_UNREADABLE"

    def __init__(self, message: str, cause: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: What the library said, for the log and the audit trail only: the
        #: requester reads ``message``, in plain words.
        self.cause = cause


class NotAPdf(ReadError):
    """The bytes are not a PDF, whatever the file name says."""

    code = "NOT_A_PDF"


class PdfUnreadable(ReadError):
    """Corrupt, truncated, encrypted, or over the size/page/time limits."""

    code = "PDF_UNREADABLE"


class NoPreview(Exception):
    """The file has no page image (not a PDF, unreadable, no such page, or it
    could not be drawn within the reader's bounds); says why."""


class TooHeavy(Exception):
    """Not an error: the file is too much work for the fast lane (a page
    must be read from its pixels, or holds far more drawing than a form),
    and is read again in the heavy lane, where such files wait their turn
    without holding up ordinary forms."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on the work one document may cost."""

    max_bytes: int = 20_000_000
    max_pages: int = 50
    #: Longest one scanned page may take to OCR, in seconds.
    ocr_seconds_per_page: float = 120.0
    #: False in the fast lane: a file that needs heavy work (see
    #: :class:`TooHeavy`) is not read there.
    heavy: bool = True
    #: The most decoded drawing instructions a page may hold, in bytes, to be
    #: read in the fast lane (a form's pages hold tens of kilobytes).
    fast_page_content_bytes: int = 1_000_000
