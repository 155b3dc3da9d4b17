"""The reading pipeline: detect, parse each page once, find forms, read fields.

1. :mod:`~intake.reading.detect` checks the bytes (``NotAPdf``,
   ``PdfUnreadable``) and what pypdf makes of them;
2. :mod:`~intake.reading.acroform` reads filled AcroForm fields, if any, each
   as its page shows it;
3. drawn annotations (values typed in a viewer, drawn signatures, stamps)
   are flattened into their pages (:mod:`~intake.reading.visible`);
4. :mod:`~intake.reading.pages` parses every page once with pdfplumber;
5. :mod:`~intake.reading.visible` decides per page whether its text layer is
   what the page shows; the pages where it is not (scans, hidden OCR
   layers, outlines, broken fonts) are read from their pixels by
   :mod:`~intake.reading.ocr`, when tesseract is installed;
6. :mod:`~intake.reading.layout` finds the forms in the words of every page;
7. AcroForm values are laid over the form on the page of their widget.
"""

from __future__ import annotations

import dataclasses
import io
import pathlib
from collections.abc import Mapping

import pdfplumber
import pypdf
import pypdfium2
import pypdfium2.raw as pdfium_c

from intake.reading import acroform, detect, layout, ocr, visible
from intake.reading.geometry import Box
from intake.reading.model import (
    FIELD_KEYS,
    DocumentReading,
    FieldReading,
    FormReading,
    PdfUnreadable,
    ReadLimits,
    TooHeavy,
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
    try:
        opened = _opened(data, limits)
    except PdfUnreadable as error:
        # A complete file whose structure pypdf or pdfminer will not take
        # (a damaged cross-reference table) may be one that viewers repair:
        # pdfium opens it and writes it out whole, and that is read instead.
        repaired = detect.repaired(data) if error.cause else None
        if repaired is None:
            raise
        opened = _opened(repaired, limits)
    page_count, acro_fields, data, document, pages = opened
    try:
        pages, ocr_unavailable, warnings, timed_out = _seen(pages, document, limits)
    finally:
        document.close()
    forms = layout.read_forms([page for page in pages if page.words])
    if timed_out is not None and not forms:
        raise timed_out
    if any(field.filled for fields in acro_fields.values() for field in fields):
        forms = _with_acroform(forms, acro_fields, warnings)
    return DocumentReading(
        forms=tuple(forms),
        page_count=page_count,
        ocr_unavailable=ocr_unavailable,
        warnings=tuple(warnings),
    )


def _opened(
    data: bytes, limits: ReadLimits
) -> tuple[int, dict, bytes, pypdfium2.PdfDocument, list[PageContent]]:
    """The file opened by each library: its page count, fillable fields, the
    bytes as read (annotations drawn in), pdfium's document and each page's
    content."""
    with detect.library_errors():
        reader = pypdf.PdfReader(io.BytesIO(data))
        page_count = detect.check_reader(reader, limits)
        if not limits.heavy:
            _fits_the_fast_lane(reader, limits)
        acro_fields = acroform.read_fields(reader, data)
        annotated = visible.drawn_annotation_pages(reader)
        if annotated:
            data = visible.flatten(data, annotated)
        document = pypdfium2.PdfDocument(data)
        try:
            pages = _pages(data, document, reader)
        except BaseException:
            document.close()
            raise
    return page_count, acro_fields, data, document, pages


def _fits_the_fast_lane(reader: pypdf.PdfReader, limits: ReadLimits) -> None:
    """Raise :class:`TooHeavy` before any page is laid out if one holds far
    more drawing than a form: interpreting it is what makes a file slow."""
    for index, page in enumerate(reader.pages):
        contents = page.get_contents()
        size = len(contents.get_data()) if contents is not None else 0
        if size > limits.fast_page_content_bytes:
            raise TooHeavy(f"page {index + 1} holds {size / 1e6:.1f} MB of drawing")


def _seen(
    pages: list[PageContent], document: pypdfium2.PdfDocument, limits: ReadLimits
) -> tuple[list[PageContent], bool, list[str], ocr.PageTimedOut | None]:
    """Each page as a person sees it: its text layer where that is what the
    page shows, else its pixels read by OCR (see :mod:`~intake.reading.visible`).

    Also whether some page could not be read from its pixels (no OCR engine,
    or it took too long: the forms read elsewhere are kept and go to a
    caseworker, since that page may hold another), and the first page's
    time-out, raised by the caller if no form was read at all."""
    warnings: list[str] = []
    views = {}
    with detect.library_errors():
        for page in pages:
            view = visible.look(page, document[page.index])
            views[page.index] = view
            if view.source == "pixels" and page.words:
                warnings.append(f"page {page.index + 1}: {view.note}")
    to_read = [index for index, view in views.items() if view.source == "pixels"]
    if not to_read:
        return pages, False, warnings, None
    if not limits.heavy:
        raise TooHeavy(f"page {to_read[0] + 1} is read from its pixels")
    if ocr.engine() is None:
        warnings.append("some pages are scanned images and no OCR engine is available")
        blank = [
            _without_words(page) if views[page.index].source == "pixels" else page for page in pages
        ]
        return blank, True, warnings, None
    timed_out: ocr.PageTimedOut | None = None
    # A text layer the page does not show may still contradict what OCR
    # reads there: then the word is unsure (it never supplies one).
    layers = {i: pages[i].words for i in to_read if views[i].reason == visible.HIDDEN_TEXT}
    for index in to_read:
        try:
            with detect.library_errors():
                read = ocr.read_page(
                    document[index], index, limits.ocr_seconds_per_page, layers.get(index, ())
                )
        except ocr.OcrUnavailable:
            warnings.append("some pages are scanned images and no OCR engine is available")
            blank = [_without_words(p) if p.index in to_read else p for p in pages]
            return blank, True, warnings, None
        except ocr.PageTimedOut as error:
            timed_out = timed_out or error
            pages[index] = _without_words(pages[index])
            warnings.append(f"page {index + 1}: {error.message}; not read")
            continue
        pages[read.index] = read
        warnings.extend(f"page {read.index + 1}: {note}" for note in read.notes)
    return pages, timed_out is not None, warnings, timed_out


def _without_words(page: PageContent) -> PageContent:
    return dataclasses.replace(page, words=())


def _pages(
    data: bytes, document: pypdfium2.PdfDocument, reader: pypdf.PdfReader
) -> list[PageContent]:
    """Every page's content; a page without a single character of text (a
    scan, a form drawn as outlines) is only a size and whether anything is
    drawn on it, since it is read from its pixels: laying out thousands of
    outlined glyphs with pdfminer would be work thrown away.

    pypdf inflates each page's content first, within its output limit, so a
    compression bomb is refused in Python before pdfium would inflate it
    without one."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = []
        for index, page in enumerate(pdf.pages):
            contents = reader.pages[index].get_contents()
            if contents is not None:
                contents.get_data()
            drawn = _untexted(document[index])
            if drawn is None:
                pages.append(page_content(page, index))
            else:
                pages.append(_drawn_only(index, float(page.width), float(page.height), drawn))
            page.close()
        return pages


def _untexted(page: pypdfium2.PdfPage) -> bool | None:
    """``None`` if the page has any text; else whether anything is drawn on it."""
    count = pdfium_c.FPDFPage_CountObjects(page)
    for i in range(count):
        if pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page, i)) == _TEXT:
            return None  # the common case, found at once
    textpage = page.get_textpage()  # text inside form XObjects too
    try:
        if textpage.count_chars() > 0:
            return None
    finally:
        textpage.close()
    return count > 0


_TEXT = pdfium_c.FPDF_PAGEOBJ_TEXT


def _drawn_only(index: int, width: float, height: float, drawn: bool) -> PageContent:
    """A page with no text: drawn (as one page-sized image) or blank."""
    whole = (Box(0.0, 0.0, width, height),) if drawn else ()
    return PageContent(index, width, height, (), (), (), (), whole)


def _overlay(
    fields: Mapping[str, FieldReading], acro: list[acroform.AcroField]
) -> dict[str, FieldReading]:
    """Text-layer fields with AcroForm values laid over them.

    A filled AcroForm value wins; an empty one gives way to text printed on
    the page (a partly flattened form). A box is ticked / signed if either
    source says so. An empty box on the page does not hide a field whose
    stored value the page does not show (read unsure, for a caseworker).
    """
    merged = dict(fields)
    for field in acro:
        current = merged.get(field.key)
        text_wins = current is not None and current.value is not None and not field.reading.value
        if text_wins and current.value is False:
            text_wins = field.reading.confidence >= current.confidence
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
