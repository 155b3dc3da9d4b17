"""Ink in a box: the signature box, the declaration tick box, handwriting.

"Ink" is anything put into an area beyond its own border: words (a typed
name, a tick character), pen strokes (curves, or lines that are not borders
or table rules) and images. On a scanned page it is dark pixels, with table
rules and specks already taken out (:mod:`intake.reading.raster`): at least
:data:`SCAN_INK_PT2` square points of them is ink, under
:data:`SCAN_FAINT_PT2` is clean paper, and anything between is *faint*:
neither, so the field is read as unsure rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.reading.geometry import Box
from intake.reading.lines import Line
from intake.reading.pages import PageContent, Shape

#: Characters that mean a ticked box (Wingdings ``þ``/``ý`` are boxed ticks).
TICKED = frozenset({"☒", "☑", "✓", "✔", "✗", "✘", "x", "X", "[x]", "[X]", "þ", "ý", "■"})
#: Characters that mean an empty box.
UNTICKED = frozenset({"☐", "□", "❑", "[", "]", "[]", "[ ]", "¨"})
#: On a scan: this much ink (square points) is a mark; under the faint level
#: it is paper (a speck of toner, or a lone full stop: 1.5 square points in
#: 10 pt type, which holds no value).
SCAN_INK_PT2 = 4.0
SCAN_FAINT_PT2 = 2.0
#: A tick box on a scan is ticked when this share of its middle is ink, and
#: empty under the faint share.
SCAN_TICK_SHARE = 0.08
#: A closed path this close to an area's size (each way) is its border.
_BORDER_SHARE = 0.95
SCAN_EMPTY_SHARE = 0.01


@dataclass(frozen=True)
class Ink:
    """What an area holds."""

    words: int = 0
    strokes: int = 0
    images: int = 0
    #: Dark area on a scanned page, in square points.
    scanned: float = 0.0

    def __add__(self, other: Ink) -> Ink:
        return Ink(
            self.words + other.words,
            self.strokes + other.strokes,
            self.images + other.images,
            self.scanned + other.scanned,
        )

    def __bool__(self) -> bool:
        return bool(self.words or self.strokes or self.images or self.scanned >= SCAN_INK_PT2)

    @property
    def faint(self) -> bool:
        """A few dark pixels on a scan: too much for paper, too little for a mark."""
        return not self and self.scanned >= SCAN_FAINT_PT2

    def describe(self) -> str:
        """A short note for a caseworker, e.g. ``"drawn strokes"``."""
        kinds = [
            name
            for name, count in (
                ("typed text", self.words),
                ("drawn strokes", self.strokes),
                ("an image", self.images),
                ("marks on the scan", self.scanned >= SCAN_INK_PT2),
            )
            if count
        ]
        if self.faint:
            kinds.append("faint marks on the scan")
        return " and ".join(kinds) if kinds else "empty"


def _is_stroke(shape: Shape, area: Box) -> bool:
    if not area.holds_centre_of(shape.box):
        return False
    if shape.axis_aligned:
        # A border or table rule reaches the area's edge; a pen mark sits inside.
        inner = area.shrunk(0.5)
        return (
            inner.x0 < shape.box.x0
            and shape.box.x1 < inner.x1
            and (inner.top < shape.box.top and shape.box.bottom < inner.bottom)
        )
    # A closed path as large as the area is the area's own (rounded) border;
    # a filled check mark (a flattened check box's glyph) sits inside it.
    return not (
        shape.closed
        and shape.box.width > _BORDER_SHARE * area.width
        and shape.box.height > _BORDER_SHARE * area.height
    )


def ink_in(
    area: Box, page: PageContent, *, words: bool = True, exclude: tuple[Box, ...] = ()
) -> Ink:
    """Count the ink inside ``area`` (objects whose centre is inside it).

    Page-sized graphics (a frame, the scan under an OCR text layer) are
    never ink; an image counts when at least half of it lies in the area.
    On a scanned page every dark pixel in the area counts (``words`` is
    ignored: a word read there is made of them).
    """
    if page.raster is not None:
        return Ink(scanned=page.raster.dark_area(area, exclude))

    def counted(box: Box) -> bool:
        return area.holds_centre_of(box) and not any(e.holds_centre_of(box) for e in exclude)

    def page_sized(box: Box) -> bool:
        return box.width > page.width / 2 and box.height > page.height / 2

    def image_inside(box: Box) -> bool:
        return counted(box) or area.overlap(box) >= 0.5 * box.width * box.height > 0

    inner = area.shrunk(1.0)
    shapes = [s for s in page.lines + page.curves if not page_sized(s.box)]
    return Ink(
        words=sum(1 for w in page.words if counted(w.box)) if words else 0,
        strokes=sum(1 for s in shapes if counted(s.box) and _is_stroke(s, inner)),
        images=sum(
            1
            for image in page.images
            if not page_sized(image)
            and image_inside(image)
            and not any(e.holds_centre_of(image) for e in exclude)
        ),
    )


def signature_box(label: Box, page: PageContent) -> Box | None:
    """The rectangle drawn to the right of the signature label, else below it."""
    right = [
        r
        for r in page.rects
        if r.x0 >= label.x1 - 2
        and r.top <= label.bottom
        and r.bottom >= label.top
        and 30 <= r.width < 0.9 * page.width
        and r.height >= 10
    ]
    if right:
        return min(right, key=lambda r: r.x0)
    below = [
        r
        for r in page.rects
        if label.bottom - 2 <= r.top <= label.bottom + 3 * label.height
        and r.x0 <= label.x1
        and r.x1 >= label.x0
        and 30 <= r.width < 0.9 * page.width
        and r.height >= 10
    ]
    return min(below, key=lambda r: r.top) if below else None


def tick_box(anchor: Box, page: PageContent) -> Box | None:
    """A small square drawn just before the declaration sentence's first word.

    A rectangle, or a closed curve (a browser draws a check box as a rounded
    square).
    """
    h = anchor.height
    shapes = list(page.rects) + [c.box for c in page.curves if c.closed]
    candidates = [
        r
        for r in shapes
        if 4 <= r.width <= 30
        and 4 <= r.height <= 30
        and 0.6 <= r.width / r.height <= 1.6
        and r.x1 <= anchor.x0 + 2
        and anchor.x0 - r.x1 <= 3 * h
        and anchor.top - h <= r.centre[1] <= anchor.bottom + 1.5 * h
    ]
    return max(candidates, key=lambda r: (r.x1, r.width * r.height)) if candidates else None


def _is_mark(text: str) -> bool:
    return (
        text in TICKED
        or text in UNTICKED
        or text.startswith("(cid:")
        or (len(text) == 1 and not text.isalnum())
    )


def read_tick(line: Line, anchor_index: int, page: PageContent) -> tuple[bool | None, str]:
    """Whether the declaration box before ``line.words[anchor_index]`` is ticked.

    Returns ``(value, note)``; ``value`` is ``None`` when a mark is there but
    cannot be told apart from an empty box (an image, an unknown glyph).
    """
    anchor = line.words[anchor_index].box
    h = anchor.height
    box = tick_box(anchor, page)
    area = box or Box(anchor.x0 - 3 * h, anchor.top - h / 2, anchor.x0 - 0.5, anchor.bottom + h / 2)
    before = [w for w in line.words[:anchor_index] if anchor.x0 - w.x1 <= 6 * h]
    inside = [
        w for w in page.words if box is not None and box.holds_centre_of(w.box) and w not in before
    ]
    marks = [w.text.strip() for w in before + inside if _is_mark(w.text.strip())]
    joined = "".join(marks)
    if any(m in TICKED for m in marks) or joined in TICKED:
        return True, f"tick mark {joined!r}"
    if ink_in(area, page, words=False).strokes:
        return True, "drawn mark in the tick box"
    if any(m not in UNTICKED for m in marks) or ink_in(area, page, words=False).images:
        return None, "unrecognised mark in the tick box"
    if box is None and not marks:
        return False, "no tick box before the declaration"
    return False, "tick box empty"


def _blobs(columns: list[bool], gap: int) -> list[tuple[int, int]]:
    """Runs of inked columns ``[start, end)``, bridging gaps up to ``gap`` wide."""
    blobs: list[tuple[int, int]] = []
    for x, inked in enumerate(columns):
        if not inked:
            continue
        if blobs and x - blobs[-1][1] <= gap:
            blobs[-1] = (blobs[-1][0], x + 1)
        else:
            blobs.append((x, x + 1))
    return blobs


def _band(rows: list[bool], centre: int, gap: int) -> tuple[int, int] | None:
    """The run of inked rows holding (or nearest) row ``centre``."""
    runs = _blobs(rows, gap)
    if not runs:
        return None
    return min(
        runs,
        key=lambda r: (
            0 if r[0] <= centre < r[1] else min(abs(r[0] - centre), abs(r[1] - 1 - centre))
        ),
    )


def scanned_tick_box(anchor: Box, page: PageContent) -> Box | None:
    """The tick box drawn before ``anchor`` on a scanned page, located from its ink.

    The ink left of the sentence, in the band of rows around the anchor's
    line, falls into blobs of columns; a narrow one next to the anchor is
    the letter "I", and the next is the box (with whatever is in it). It
    must be about the size of a box, or it is not taken for one.
    """
    raster = page.raster
    assert raster is not None
    h = min(max(anchor.height, 6.0), 12.0)
    region = Box(max(anchor.x0 - 5 * h, 0.0), anchor.top - h, anchor.x0 - 0.3, anchor.bottom + h)
    crop = raster.crop(region)
    if crop.size == 0:
        return None
    per_pt = raster.scale
    centre = int((anchor.centre[1] - region.top) * per_pt)
    band = _band(list(crop.any(axis=1)), centre, gap=1)
    if band is None:
        return None
    crop = crop[band[0] : band[1]]
    blobs = _blobs(list(crop.any(axis=0)), gap=int(0.25 * h * per_pt))
    if blobs and (blobs[-1][1] - blobs[-1][0]) < 0.3 * h * per_pt:
        blobs.pop()  # the "I" when OCR did not read it as a word of its own
    if not blobs:
        return None
    start, end = blobs[-1]
    rows = crop[:, start:end].any(axis=1).nonzero()[0]
    top = region.top + band[0] / per_pt
    box = Box(
        region.x0 + start / per_pt,
        top + rows[0] / per_pt,
        region.x0 + end / per_pt,
        top + (rows[-1] + 1) / per_pt,
    )
    square = 0.5 <= box.width / max(box.height, 0.1) <= 2.0
    return box if square and 0.6 * h <= box.height <= 3 * h else None


def read_scanned_tick(anchor: Box, page: PageContent) -> tuple[bool | None, str]:
    """Whether the tick box before ``anchor`` on a scan is ticked: ``(value, note)``.

    Decided from the share of ink in the middle half of the box found;
    ``None`` when no box is found or the share is neither clearly a mark
    nor clearly empty.
    """
    box = scanned_tick_box(anchor, page)
    if box is None or page.raster is None:
        return None, "no tick box found on the scan"
    middle = box.shrunk(min(box.width, box.height) / 4)
    share = page.raster.share(middle)
    if share >= SCAN_TICK_SHARE:
        return True, f"mark in the tick box ({share:.0%} inked)"
    if share <= SCAN_EMPTY_SHARE:
        return False, "tick box empty"
    return None, f"faint marks in the tick box ({share:.0%} inked)"
