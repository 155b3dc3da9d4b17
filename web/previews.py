"""Page images of accepted files for the detail page, drawn in a bounded
child process (``intake.reading.sandbox``), never in the web process.

A page is drawn once and kept as a PNG under ``data_dir/previews``; later
views read the cached file. The child has the reader's memory limit and a
time limit, and this web process keeps one; a file that is not a PDF, that
PDFium cannot open, or that cannot be drawn within those bounds has no
preview, and the page shows a placeholder saying so. Nothing of the
requester's file reaches the caseworker's browser except these PNGs and the
download link.
"""

from __future__ import annotations

import threading
from pathlib import Path

from markupsafe import escape

from intake.config import Settings
from intake.reading.detect import looks_like_pdf
from intake.reading.model import NoPreview
from intake.reading.preview import HEADER_BYTES
from intake.reading.sandbox import ReaderProcess, SandboxLimits

__all__ = ["HEADER_BYTES", "MAX_PAGES", "NoPreview", "looks_like_pdf", "preview_png"]

#: Pages previewed per request at most.
MAX_PAGES = 6
#: The longest a page may take to draw before it is given up.
MAX_DRAW_S = 20.0

_drawer: ReaderProcess | None = None
_drawer_lock = threading.Lock()


def _drawing_child(settings: Settings) -> ReaderProcess:
    """This web process's drawing child (started on first use)."""
    global _drawer
    with _drawer_lock:
        if _drawer is None:
            limits = SandboxLimits(
                memory_mb=settings.reader_memory_mb,
                wall_s=min(MAX_DRAW_S, float(settings.reader_timeout_s)),
            )
            _drawer = ReaderProcess(limits, pages_only=True)
        return _drawer


def preview_png(settings: Settings, source: Path, key: str, page: int) -> Path:
    """The PNG of page ``page`` (0-based) of ``source``, drawn once and cached
    as ``previews/<key>-<page>.png``. Raises :class:`NoPreview`, saying why."""
    if page < 0 or page >= MAX_PAGES * 10:
        raise NoPreview(f"the file has no page {page + 1}")
    target = settings.data_dir / "previews" / f"{key}-{page}.png"
    if not target.exists():
        _drawing_child(settings).render(source, page, target)
    return target


def placeholder_svg(reason: str) -> str:
    """An image that says why there is no preview.

    >>> "cannot be opened" in placeholder_svg("the file cannot be opened as a PDF")
    True
    """
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="160" '
        'viewBox="0 0 600 160" role="img">'
        '<rect width="600" height="160" fill="#f0f4f5" stroke="#768692"/>'
        '<text x="24" y="64" font-family="Arial, sans-serif" font-size="22" fill="#212b32">'
        "No preview of this page</text>"
        '<text x="24" y="104" font-family="Arial, sans-serif" font-size="16" fill="#4c6272">'
        f"{escape(reason[:90])}</text></svg>"
    )
