"""Reading authorisation forms out of PDF files."""

from intake.reading.model import (
    FIELD_KEYS,
    DocumentReading,
    FieldReading,
    FormReading,
    NotAPdf,
    PdfUnreadable,
    ReadError,
    ReadLimits,
    TooHeavy,
)

__all__ = [
    "FIELD_KEYS",
    "DocumentReading",
    "FieldReading",
    "FormReading",
    "NotAPdf",
    "PdfUnreadable",
    "ReadError",
    "ReadLimits",
    "TooHeavy",
    "read_document",
    "warm",
]


def read_document(path, limits: ReadLimits | None = None) -> DocumentReading:
    """Read every authorisation form in the PDF at ``path``.

    Raises :class:`NotAPdf` or :class:`PdfUnreadable`; a PDF without a form
    returns a :class:`DocumentReading` with no forms.
    """
    from intake.reading.document import read_document as _read

    return _read(path, limits or ReadLimits())


def warm() -> None:
    """Import the whole reader and load its OCR engines now, not on first use."""
    from intake.reading import capture, document, ocr, second  # noqa: F401

    ocr.engine()
    second.available()
    capture.osd_engine()
