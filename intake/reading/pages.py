"""Page content as plain data: words, graphics and images with their boxes.

Each page is parsed once (pdfplumber) into a :class:`PageContent`; every later
step reads these tuples and never goes back to the PDF library. Coordinates
are PDF points with ``top`` measured down from the top of the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from intake.reading.raster import Raster


class Box(NamedTuple):
    """An axis-aligned box: ``x0 < x1`` left to right, ``top < bottom`` downwards."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.top + self.bottom) / 2

    def contains_point(self, x: float, y: float) -> bool:
        """Whether the point lies inside the box (edges included).

        >>> Box(0, 0, 10, 10).contains_point(10, 5)
        True
        """
        return self.x0 <= x <= self.x1 and self.top <= y <= self.bottom

    def holds_centre_of(self, other: Box) -> bool:
        """Whether ``other``'s centre lies inside this box."""
        return self.contains_point(*other.centre)

    def overlap(self, other: Box) -> float:
        """The area this box shares with ``other``.

        >>> Box(0, 0, 10, 10).overlap(Box(5, 5, 20, 20))
        25.0
        """
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.bottom, other.bottom) - max(self.top, other.top)
        return float(max(width, 0) * max(height, 0))

    def shrunk(self, margin: float) -> Box:
        """The box with ``margin`` taken off every side."""
        return Box(self.x0 + margin, self.top + margin, self.x1 - margin, self.bottom - margin)


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

    @property
    def image_only(self) -> bool:
        """No text layer, but images: a scanned page."""
        return not self.words and bool(self.images)

    @property
    def scanned(self) -> bool:
        """The words came from OCR: decide ink from pixels, not PDF objects."""
        return self.raster is not None


def _box(obj: dict[str, Any]) -> Box:
    return Box(float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"]))


def _closed(obj: dict[str, Any]) -> bool:
    return any(step[0] == "h" for step in obj.get("path") or ())


def page_content(page: Any, index: int) -> PageContent:
    """Extract one pdfplumber page into a :class:`PageContent` (parses it once)."""
    words = tuple(
        Word(w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))
        for w in page.extract_words()
    )
    objects = page.objects
    return PageContent(
        index=index,
        width=float(page.width),
        height=float(page.height),
        words=words,
        rects=tuple(_box(o) for o in objects.get("rect", ())),
        lines=tuple(Shape(_box(o)) for o in objects.get("line", ())),
        curves=tuple(Shape(_box(o), _closed(o)) for o in objects.get("curve", ())),
        images=tuple(_box(o) for o in objects.get("image", ())),
    )
