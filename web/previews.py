"""Page images of accepted files, rendered on the server for the detail page.

A page is rendered once with PDFium at about 110 dpi and kept as a PNG under
``data_dir/previews``; later views read the cached file. A file that is not
a PDF, or that PDFium cannot open, has no preview (the page shows a
placeholder instead): nothing of the requester's file ever reaches the
caseworker's browser except these PNGs and the download link.
"""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

from intake.reading.detect import HEADER_SEARCH, looks_like_pdf

#: Bytes to read to decide whether a file is a PDF.
HEADER_BYTES = HEADER_SEARCH + 5

DPI = 110
#: Neither side of a preview is larger than this (a huge page would otherwise
#: make a huge bitmap).
MAX_SIDE_PX = 2400
#: Pages previewed per request at most.
MAX_PAGES = 6

_lock = threading.Lock()  # PDFium is not thread-safe


class NoPreview(Exception):
    """The file has no page image (not a PDF, unreadable, no such page)."""


def preview_png(source: Path, cache_dir: Path, key: str, page: int) -> Path:
    """The PNG of page ``page`` (0-based) of ``source``, rendered once and cached
    as ``cache_dir/<key>-<page>.png``. Raises :class:`NoPreview`."""
    if page < 0 or page >= MAX_PAGES * 10:
        raise NoPreview(f"no page {page}")
    target = cache_dir / f"{key}-{page}.png"
    if target.exists():
        return target
    with open(source, "rb") as handle:
        if not looks_like_pdf(handle.read(HEADER_BYTES)):
            raise NoPreview("not a PDF")
    png = _render(source, page)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
    partial.write_bytes(png)
    os.replace(partial, target)
    return target


def _render(source: Path, page_index: int) -> bytes:
    import pypdfium2 as pdfium

    with _lock:
        try:
            document = pdfium.PdfDocument(str(source))
        except pdfium.PdfiumError as error:
            raise NoPreview(str(error)) from None
        try:
            if page_index >= len(document):
                raise NoPreview(f"no page {page_index}")
            page = document[page_index]
            width, height = page.get_size()
            scale = min(DPI / 72, MAX_SIDE_PX / max(width, height, 1))
            image = page.render(scale=scale).to_pil()
        except pdfium.PdfiumError as error:
            raise NoPreview(str(error)) from None
        finally:
            document.close()
    out = io.BytesIO()
    image.convert("L" if image.mode in ("L", "1") else "RGB").save(out, "PNG", optimize=True)
    return out.getvalue()
