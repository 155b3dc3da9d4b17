"""Ink in a box: the signature box, the declaration tick box, handwriting.

"Ink" is anything put into an area beyond its own border: words (a typed
name, a tick character), pen strokes (curves, or lines that are not borders
or table rules) and images.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.reading.lines import Line
from intake.reading.pages import Box, PageContent, Shape

#: Characters that mean a ticked box (Wingdings ``þ``/``ý`` are boxed ticks).
TICKED = frozenset({"☒", "☑", "✓", "✔", "✗", "✘", "x", "X", "[x]", "[X]", "þ", "ý", "■"})
#: Characters that mean an empty box.
UNTICKED = frozenset({"☐", "□", "❑", "[", "]", "[]", "[ ]", "¨"})


@dataclass(frozen=True)
class Ink:
    """What an area holds."""

    words: int = 0
    strokes: int = 0
    images: int = 0

    def __add__(self, other: Ink) -> Ink:
        return Ink(
            self.words + other.words, self.strokes + other.strokes, self.images + other.images
        )

    def __bool__(self) -> bool:
        return bool(self.words or self.strokes or self.images)

    def describe(self) -> str:
        """A short note for a caseworker, e.g. ``"drawn strokes"``."""
        kinds = [
            name
            for name, count in (
                ("typed text", self.words),
                ("drawn strokes", self.strokes),
                ("an image", self.images),
            )
            if count
        ]
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
    # A closed path as large as the area is the area's own (rounded) border.
    return not (
        shape.closed and shape.box.width > 0.8 * area.width and shape.box.height > 0.8 * area.height
    )


def ink_in(
    area: Box, page: PageContent, *, words: bool = True, exclude: tuple[Box, ...] = ()
) -> Ink:
    """Count the ink inside ``area`` (objects whose centre is inside it).

    Page-sized graphics (a frame, the scan under an OCR text layer) are
    never ink; an image counts when at least half of it lies in the area.
    """

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
    """A small square drawn just before the declaration sentence's first word."""
    h = anchor.height
    candidates = [
        r
        for r in page.rects
        if 4 <= r.width <= 30
        and 4 <= r.height <= 30
        and r.x1 <= anchor.x0 + 2
        and anchor.x0 - r.x1 <= 3 * h
        and anchor.top - h <= r.centre[1] <= anchor.bottom + 1.5 * h
    ]
    return max(candidates, key=lambda r: r.x1) if candidates else None


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
