"""Page content as plain data: words, graphics and images with their boxes.

Each page is parsed once (pdfplumber) into a :class:`PageContent`; every later
step reads these tuples and never goes back to the PDF library. Coordinates
are PDF points with ``top`` measured down from the top of the page.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from pdfminer.layout import LTChar, LTComponent, LTContainer, LTCurve, LTImage, LTLine, LTRect
from pdfplumber.utils.text import WordExtractor

from intake.reading.geometry import Box

if TYPE_CHECKING:
    from intake.reading.raster import Raster


class Word(NamedTuple):
    """One word of the text layer, or one read by OCR.

    ``conf`` is 0..1: 1.0 for the text layer, the OCR engine's word
    confidence (its 0-100 score / 100) for a scanned page.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float = 1.0

    @property
    def box(self) -> Box:
        return Box(self.x0, self.top, self.x1, self.bottom)

    @property
    def height(self) -> float:
        return self.bottom - self.top


class Shape(NamedTuple):
    """A drawn path (rect, line or curve) reduced to what the readers need."""

    box: Box
    closed: bool = False

    @property
    def axis_aligned(self) -> bool:
        """A horizontal or vertical stroke (a border or a rule, not a pen mark)."""
        return self.box.width < 1.0 or self.box.height < 1.0


@dataclass(frozen=True)
class PageContent:
    """Everything the readers look at on one page."""

    index: int
    width: float
    height: float
    words: tuple[Word, ...]
    rects: tuple[Box, ...]
    lines: tuple[Shape, ...]
    curves: tuple[Shape, ...]
    images: tuple[Box, ...]
    #: The cleaned pixels of a page read by OCR (``None`` for a text page).
    raster: Raster | None = None
    #: What was done to read the page from its pixels ("turned 180°", ...).
    notes: tuple[str, ...] = ()

    @property
    def image_only(self) -> bool:
        """No text layer, but images: a scanned page."""
        return not self.words and bool(self.images)

    @property
    def scanned(self) -> bool:
        """The words came from OCR: decide ink from pixels, not PDF objects."""
        return self.raster is not None


def page_content(page: Any, index: int) -> PageContent:
    """Extract one pdfplumber page into a :class:`PageContent` (parses it once).

    pdfminer.six (pdfplumber's parser) lays the page out; the objects are
    then read straight off its layout rather than through ``page.objects``,
    whose general-purpose dicts (every attribute, colours resolved) took
    half the reading time. The words are pdfplumber's own ``extract_words``
    over the same characters, so they are exactly what ``page.extract_words()``
    gives; the tests check that on every sample form.
    """
    objects = _LeanObjects(page)
    words = tuple(
        Word(w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))
        for w in _WORDS.extract_words(objects.chars)
    )
    return PageContent(
        index=index,
        width=float(page.width),
        height=float(page.height),
        words=words,
        rects=tuple(objects.rects),
        lines=tuple(objects.lines),
        curves=tuple(objects.curves),
        images=tuple(objects.images),
    )


#: pdfplumber's word grouping with its defaults (what ``page.extract_words()`` uses).
_WORDS = WordExtractor()


class _LeanObjects:
    """The characters (as the small dicts word grouping needs), shapes and
    images of a page, in pdfplumber's coordinates (``top`` down from the top
    of the page, shifted by a MediaBox that does not start at the origin)."""

    def __init__(self, page: Any) -> None:
        self.chars: list[dict[str, Any]] = []
        self.rects: list[Box] = []
        self.lines: list[Shape] = []
        self.curves: list[Shape] = []
        self.images: list[Box] = []
        self._height = float(page.height)
        self._x_shift = float(page.mediabox[0])
        self._y_shift = float(page.mediabox[1])
        self._doctop = float(page.initial_doctop)
        self._unicode_norm = page.pdf.unicode_norm
        self._walk(page.layout)

    def _box(self, obj: LTComponent) -> Box:
        top = self._height - obj.y1 + self._y_shift
        bottom = self._height - obj.y0 + self._y_shift
        return Box(obj.x0 + self._x_shift, top, obj.x1 + self._x_shift, bottom)

    def _walk(self, objs: Iterable[LTComponent]) -> None:
        for obj in objs:
            if isinstance(obj, LTChar):
                self._char(obj)
            elif isinstance(obj, LTContainer):  # a form XObject (LTFigure)
                self._walk(obj)
            elif isinstance(obj, LTRect):
                self.rects.append(self._box(obj))
            elif isinstance(obj, LTLine):
                self.lines.append(Shape(self._box(obj)))
            elif isinstance(obj, LTCurve):
                path = obj.original_path or ()
                self.curves.append(Shape(self._box(obj), any(step[0] == "h" for step in path)))
            elif isinstance(obj, LTImage):
                self.images.append(self._box(obj))

    def _char(self, obj: LTChar) -> None:
        box = self._box(obj)
        text = obj.get_text()
        if self._unicode_norm is not None:
            text = unicodedata.normalize(self._unicode_norm, text)
        self.chars.append(
            {
                "text": text,
                "x0": box.x0,
                "x1": box.x1,
                "top": box.top,
                "bottom": box.bottom,
                "height": box.bottom - box.top,
                "doctop": self._doctop + box.top,
                "upright": obj.upright,
                "size": obj.size,
            }
        )
