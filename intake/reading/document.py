"""The reading pipeline: detect, parse each page once, find forms, read fields.

1. :mod:`~intake.reading.detect` checks the bytes (``NotAPdf``,
   ``PdfUnreadable``) and what pypdf makes of them;
2. :mod:`~intake.reading.acroform` reads filled AcroForm fields, if any;
3. :mod:`~intake.reading.pages` parses every page once with pdfplumber;
4. :mod:`~intake.reading.ocr` reads scanned pages (no text layer, only an
   image) into words, when tesseract is installed;
5. :mod:`~intake.reading.layout` finds the forms in the words of every page;
6. AcroForm values are laid over the form on the page of their widget.
"""

from __future__ import annotations

import io
import pathlib
from collections.abc import Mapping

import pdfplumber
import pypdf
import pypdfium2

from intake.reading import acroform, detect, layout, ocr
from intake.reading.model import (
    FIELD_KEYS,
    DocumentReading,
    FieldReading,
    FormReading,
    ReadLimits,
)
from intake.reading.pages import PageContent, page_content

#: Filled, recognised fields that make an AcroForm a form without a title.
MIN_ACROFORM_FIELDS = 3


def read_document(path: pathlib.Path, limits: ReadLimits) -> DocumentReading:
    """Read every authorisation form in the PDF at ``path``.

    Raises :class:`~intake.reading.model.NotAPdf` or
    :class:`~intake.reading.model.PdfUnreadable`; a readable PDF without a
    form gives a :class:`DocumentReading` with no forms.
    """
    data = detect.load(pathlib.Path(path), limits)
    with detect.library_errors():
        reader = pypdf.PdfReader(io.BytesIO(data))
        page_count = detect.check_reader(reader, limits)
        acro_fields = acroform.read_fields(reader)
        pages = _pages(data)
    warnings: list[str] = []
    scanned = [page.index for page in pages if page.image_only]
    ocr_unavailable = bool(scanned) and ocr.engine() is None
    if scanned and not ocr_unavailable:
        try:
            for page in _ocr(data, scanned, limits):
                pages[page.index] = page
        except ocr.OcrUnavailable:
            ocr_unavailable = True
    if ocr_unavailable:
        warnings.append("some pages are scanned images and no OCR engine is available")
    forms = layout.read_forms([page for page in pages if page.words])
    if any(field.filled for fields in acro_fields.values() for field in fields):
        forms = _with_acroform(forms, acro_fields, warnings)
    return DocumentReading(
        forms=tuple(forms),
        page_count=page_count,
        ocr_unavailable=ocr_unavailable,
        warnings=tuple(warnings),
    )


def _pages(data: bytes) -> list[PageContent]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = []
        for index, page in enumerate(pdf.pages):
            pages.append(page_content(page, index))
            page.close()
        return pages


def _ocr(data: bytes, indices: list[int], limits: ReadLimits) -> list[PageContent]:
    with detect.library_errors():
        document = pypdfium2.PdfDocument(data)
    try:
        return ocr.read_pages(document, indices, limits.ocr_seconds_per_page)
    finally:
        document.close()


def _overlay(
    fields: Mapping[str, FieldReading], acro: list[acroform.AcroField]
) -> dict[str, FieldReading]:
    """Text-layer fields with AcroForm values laid over them.

    A filled AcroForm value wins; an empty one gives way to text printed on
    the page (a partly flattened form). A box is ticked / signed if either
    source says so.
    """
    merged = dict(fields)
    for field in acro:
        current = merged.get(field.key)
        text_wins = current is not None and current.value is not None and not field.reading.value
        if not text_wins:
            merged[field.key] = field.reading
    return merged


def _with_acroform(
    forms: list[FormReading],
    acro_fields: Mapping[int, list[acroform.AcroField]],
    warnings: list[str],
) -> list[FormReading]:
    if not forms:
        pages = tuple(sorted(acro_fields))
        found = [f for index in pages for f in acro_fields[index]]
        if sum(1 for f in found if f.filled) < MIN_ACROFORM_FIELDS:
            warnings.append("a few fillable fields but no authorisation form")
            return []
        empty = {key: FieldReading(None, 1.0, None, "no such field") for key in FIELD_KEYS}
        return [FormReading(fields=_overlay(empty, found), pages=pages, method="acroform")]
    placed: set[int] = set()
    result = []
    for form in forms:
        found = [f for index in form.pages for f in acro_fields.get(index, ())]
        placed.update(index for index in form.pages if index in acro_fields)
        method = "acroform" if any(f.filled for f in found) else form.method
        result.append(FormReading(_overlay(form.fields, found), form.pages, method))
    if set(acro_fields) - placed:
        warnings.append("fillable fields outside any form were ignored")
    return result
