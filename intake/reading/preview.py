"""Page images of accepted files, for a caseworker's eyes: drawn with PDFium
in the bounded reader child (``intake.reading.sandbox``), never in the web
process, since a hostile file may be built to exhaust the memory or the
time of whatever draws it."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pypdfium2 as pdfium

from intake.reading.detect import HEADER_SEARCH, looks_like_pdf
from intake.reading.model import NoPreview

#: Bytes to read to decide whether a file is a PDF.
HEADER_BYTES = HEADER_SEARCH + 5
DPI = 110
#: Neither side of a preview is larger than this (a huge page would otherwise
#: make a huge bitmap).
MAX_SIDE_PX = 2400


def render_page(source: Path, page_index: int, target: Path) -> None:
    """Draw page ``page_index`` (0-based) of ``source`` and write it to
    ``target`` as a PNG (whole, or not at all). Raises :class:`NoPreview`."""
    with open(source, "rb") as handle:
        if not looks_like_pdf(handle.read(HEADER_BYTES)):
            raise NoPreview("the file is not a PDF")
    try:
        document = pdfium.PdfDocument(str(source))
    except pdfium.PdfiumError:
        raise NoPreview("the file cannot be opened as a PDF") from None
    try:
        if not 0 <= page_index < len(document):
            raise NoPreview(f"the file has no page {page_index + 1}")
        page = document[page_index]
        width, height = page.get_size()
        scale = min(DPI / 72, MAX_SIDE_PX / max(width, height, 1))
        image = page.render(scale=scale).to_pil()
    except pdfium.PdfiumError:
        raise NoPreview("the page cannot be drawn") from None
    finally:
        document.close()
    out = io.BytesIO()
    image.convert("L" if image.mode in ("L", "1") else "RGB").save(out, "PNG", optimize=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(out.getvalue())
    os.replace(partial, target)
