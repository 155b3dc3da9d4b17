"""Forms read from the text layer: find each title, then each label's value.

A form starts at a title line and runs to the next title or the end of the
document, across pages; text before the first title (a covering letter) is
ignored. A section after a repeated title that shares no label with the one
before it (a running header on page two) continues that form.

A label's value is the rest of its line (after a colon or the gap to the
next table cell) up to the next label; if that is empty, the words under the
label on the next line. A value continues on following lines that sit close
under it, start where it starts, and are not labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from intake.reading.geometry import Box
from intake.reading.labels import is_label_tail, label_words
from intake.reading.lines import LabelHit, Line, group_lines, wrapped_title
from intake.reading.marks import ink_in, read_scanned_tick, read_tick, signature_box
from intake.reading.model import BOOLEAN_KEYS, FIELD_KEYS, FieldReading, FormReading
from intake.reading.pages import PageContent, Word
from intake.reading.scanned import (
    LABEL_NOT_FOUND_CONFIDENCE,
    SCANNED_MARK_CONFIDENCE,
    checked,
)

#: Confidence of a value area holding ink but no readable text.
INK_ONLY_CONFIDENCE = 0.2
_MAX_CONTINUATION_LINES = 3


@dataclass(frozen=True)
class _Section:
    lines: tuple[Line, ...]
    hits: dict[str, tuple[int, LabelHit]]  # key -> (line index, first hit)


def read_forms(pages: Sequence[PageContent]) -> list[FormReading]:
    """Every form found in the text layer of ``pages``, in document order."""
    lines = [line for page in pages for line in group_lines(page.words, page.index)]
    by_index = {page.index: page for page in pages}
    return [_read_section(section, by_index) for section in _sections(lines)]


def _title_lines(lines: Sequence[Line]) -> list[int]:
    return [
        i
        for i, line in enumerate(lines)
        if line.is_title or (i + 1 < len(lines) and wrapped_title(line, lines[i + 1]))
    ]


def _first_hits(lines: Sequence[Line]) -> dict[str, tuple[int, LabelHit]]:
    """Each key's label: the first that stands alone, else the first at all."""
    hits: dict[str, tuple[int, LabelHit]] = {}
    for i, line in enumerate(lines):
        for hit in line.hits:
            if hit.key not in hits or (hit.clean and not hits[hit.key][1].clean):
                hits[hit.key] = (i, hit)
    return hits


def _sections(lines: Sequence[Line]) -> list[_Section]:
    starts = _title_lines(lines)
    sections: list[_Section] = []
    ends = starts[1:] + [len(lines)] if starts else []
    for start, end in zip(starts, ends, strict=True):
        part = tuple(lines[start:end])
        hits = _first_hits(part)
        if not hits:
            continue
        if sections and not hits.keys() & sections[-1].hits.keys():
            merged = sections[-1].lines + part
            sections[-1] = _Section(merged, _first_hits(merged))
        else:
            sections.append(_Section(part, hits))
    return sections


def _read_section(section: _Section, pages: dict[int, PageContent]) -> FormReading:
    lines = section.lines
    sig_boxes: list[Box] = []
    fields: dict[str, FieldReading] = {}
    if "signature" in section.hits:
        fields["signature"], sig_box = _signature(lines, *section.hits["signature"], pages)
        sig_boxes.extend([sig_box] if sig_box else [])
    used_pages = tuple(sorted({line.page for line in lines}))
    scanned = any(pages[index].scanned for index in used_pages)
    fields["declaration"] = _declaration(lines, pages, scanned)
    # On a scan a label may be there but misread: not found is unsure, not empty.
    missing = FieldReading(
        None,
        LABEL_NOT_FOUND_CONFIDENCE if scanned else 1.0,
        note="label not found" + (" on the scan" if scanned else ""),
    )
    for key in FIELD_KEYS:
        if key in BOOLEAN_KEYS:
            fields.setdefault(key, missing)
        elif key not in section.hits:
            fields[key] = missing
        else:
            index, hit = section.hits[key]
            fields[key] = _text_field(lines, index, hit, pages, tuple(sig_boxes))
    return FormReading(fields=fields, pages=used_pages, method="ocr" if scanned else "text")


def _stop(line: Line) -> bool:
    """Lines that can never be (part of) a value."""
    return (
        bool(line.hits)
        or line.is_title
        or line.declaration_start is not None
        or line.is_page_furniture
    )


def _right_limit(line: Line, hit: LabelHit, page: PageContent) -> tuple[int, float]:
    later = [h for h in line.hits if h.start > hit.start]
    if later:
        return later[0].lead, line.words[later[0].lead].x0
    return len(line.words), page.width


def _skip_label_tail(line: Line, hit: LabelHit) -> int:
    """The first value word after a label: skip a colon and a "(note)" glued on.

    A note still open at the end of the label's cell (the label wrapped
    inside it) runs to the next cell; if the note is the label's own words
    ("(ICB authorisers" of "ICB code (ICB authorisers only)"), it ends at
    the first word that is not, where a narrow cell leaves no wide gap.
    """
    words, n, cells = line.words, len(line.words), set(line.segment_starts)
    vocabulary = label_words(hit.key)
    i = hit.end
    colon = words[hit.end - 1].text.endswith(":")
    while i < n and not line.tokens[i] and not words[i].text.startswith("("):
        colon = colon or ":" in words[i].text
        i += 1
    if colon or i >= n or i in cells or not words[i].text.startswith("("):
        return i
    own = line.tokens[i] in vocabulary
    j = i
    while j < n and not words[j].text.rstrip(":").endswith(")") and j + 1 not in cells:
        if own and j + 1 < n and line.tokens[j + 1] not in vocabulary:
            break
        j += 1
    i = j + 1
    while i < n and not line.tokens[i] and i not in cells:
        i += 1
    return i


def _next_line(lines: Sequence[Line], index: int) -> Line | None:
    if index + 1 < len(lines) and lines[index + 1].page == lines[index].page:
        return lines[index + 1]
    return None


def _free(words: Sequence[Word], exclude: tuple[Box, ...]) -> list[Word]:
    return [w for w in words if not any(box.holds_centre_of(w.box) for box in exclude)]


def _continuation(
    lines: Sequence[Line],
    index: int,
    x0: float,
    x1: float,
    exclude: tuple[Box, ...],
    wrap: tuple[float, float] | None = None,
) -> list[Word]:
    """The words of the lines wrapped under a value that starts at ``x0``.

    A line continues the value when its words in the value's column start
    where the value starts (other columns of a table row are left alone,
    but nothing may straddle the column's edge); or, given ``wrap`` (the
    label's left edge and the paragraph's right edge), when a "Label: value"
    paragraph ran full and wrapped back to the label's margin.
    """
    found: list[Word] = []
    previous = lines[index]
    for _ in range(_MAX_CONTINUATION_LINES):
        line = _next_line(lines, index)
        if line is None or _stop(line) or line.top - previous.bottom > 0.8 * previous.height:
            break
        free = _free(line.words, exclude)
        words = [w for w in free if x0 - 3 <= w.x0 < x1]
        straddles = any(w.x0 < x0 - 3 < w.x1 for w in free)
        if words and not straddles and abs(words[0].x0 - x0) <= max(6.0, previous.height):
            found.extend(words)
        elif wrap is not None and free and _wrapped_back(previous, line, free, *wrap):
            found.extend(free)
        else:
            break
        previous, index = line, index + 1
    return found


def _wrapped_back(previous: Line, line: Line, free: list[Word], home: float, right: float) -> bool:
    """Whether ``line`` carries on ``previous``'s paragraph from its left margin."""
    first = free[0]
    return (
        len(free) == len(line.words)
        and abs(first.x0 - home) <= 3
        and line.top - previous.bottom <= 0.5 * previous.height
        and previous.box.x1 + 0.3 * previous.height + (first.x1 - first.x0) >= right - 2
    )


def _paragraph_right(lines: Sequence[Line], index: int, home: float) -> float:
    """The right edge of the nearby lines (three either way) that start at ``home``."""
    near = lines[max(index - 3, 0) : index + 4]
    page = lines[index].page
    return max(
        (ln.box.x1 for ln in near if ln.page == page and abs(ln.words[0].x0 - home) <= 3),
        default=0.0,
    )


def _value(words: Sequence[Word], page: int) -> FieldReading:
    """A value from its words; its confidence is the least sure word's."""
    note = "" if all(w.conf >= 1.0 for w in words) else "read by OCR"
    return FieldReading(" ".join(w.text for w in words), min(w.conf for w in words), page, note)


def _text_field(
    lines: Sequence[Line],
    index: int,
    hit: LabelHit,
    pages: dict[int, PageContent],
    exclude: tuple[Box, ...],
) -> FieldReading:
    line = lines[index]
    page = pages[line.page]
    end, limit = _right_limit(line, hit, page)
    start = _skip_label_tail(line, hit)
    label_words = line.words[hit.lead : hit.end]
    label_box = Box(
        label_words[0].x0,
        min(w.top for w in label_words),
        label_words[-1].x1,
        max(w.bottom for w in label_words),
    )
    if start < end:
        words = list(line.words[start:end])
        home = line.words[hit.lead].x0
        wrap = (home, _paragraph_right(lines, index, home))
        words += _continuation(lines, index, words[0].x0, limit, exclude, wrap)
        left = line.words[start - 1].x1 if start > hit.end else label_box.x1
        bottom = max(w.bottom for w in words) + 2
        area = Box(words[0].x0 - 1, line.top - 2, limit, bottom)
        lead = Box(left + 1, line.top - 2, words[0].x0 - 1, line.bottom + 2)
        value = _value(words, line.page)
        return checked(hit.key, value, words, area, page, exclude, lead)
    below = _next_line(lines, index)
    if below is not None and is_label_tail(hit.key, below.tokens):
        index, below = index + 1, _next_line(lines, index + 1)
    near = below is not None and below.top - lines[index].bottom <= max(1.5 * line.height, 12.0)
    if below is not None and near and not _stop(below):
        words = [w for w in _free(below.words, exclude) if w.x1 > label_box.x0 - 2 and w.x0 < limit]
        # A value below starts under its label (not off in the next column).
        if words and words[0].x0 < label_box.x1:
            words += _continuation(lines, index + 1, words[0].x0, limit, exclude)
            area = Box(label_box.x0 - 2, below.top - 2, limit, max(w.bottom for w in words) + 2)
            return checked(hit.key, _value(words, line.page), words, area, page, exclude)
    return _empty_value(line, label_box, below, limit, page, exclude)


def _empty_value(
    line: Line,
    label: Box,
    below: Line | None,
    limit: float,
    page: PageContent,
    exclude: tuple[Box, ...],
) -> FieldReading:
    """No text for a label: confidently empty, unless its value area holds ink.

    The areas are measured from the label's own words: a taller word on the
    same line (a signature read as text in the next cell) does not stretch
    them up into the row above.
    """
    size = label.height
    pad = size / 2
    # A colon printed after the label (and not read as part of it) is no value.
    right = Box(label.x1 + 0.8 * size, label.top - pad, limit, label.bottom + pad)
    # Down to just above the next line (whose tallest strokes, a signature's,
    # may rise above its words).
    under_top = label.bottom + pad
    under_bottom = below.top - 0.25 * size if below is not None else label.bottom + 2.5 * size
    under = Box(label.x0, under_top, limit, max(under_bottom, under_top))
    ink = ink_in(right, page, words=False, exclude=exclude) + ink_in(
        under, page, words=False, exclude=exclude
    )
    if ink or ink.faint:
        return FieldReading(
            None, INK_ONLY_CONFIDENCE, line.page, f"ink but no readable text: {ink.describe()}"
        )
    confidence = SCANNED_MARK_CONFIDENCE if page.scanned else 1.0
    return FieldReading(None, confidence, line.page, "empty")


def _signature(
    lines: Sequence[Line], index: int, hit: LabelHit, pages: dict[int, PageContent]
) -> tuple[FieldReading, Box | None]:
    line = lines[index]
    page = pages[line.page]
    label = Box(line.words[hit.lead].x0, line.top, line.words[hit.end - 1].x1, line.bottom)
    box = signature_box(label, page)
    if box is not None:
        ink = ink_in(box, page)
        return FieldReading(bool(ink), 1.0, line.page, f"signature box: {ink.describe()}"), box
    # No box drawn: look right of the label, and under it down to the next label.
    _, limit = _right_limit(line, hit, page)
    # Down to the next label (a name written or read as text in the area
    # does not end it), and no further than four lines.
    bottom = line.bottom + 4 * line.height
    below = _next_line(lines, index)
    while below is not None and below.top < bottom:
        if _stop(below):
            bottom = below.top
            break
        index += 1
        below = _next_line(lines, index)
    bottom = max(bottom, line.bottom + 1)
    half = line.height / 2
    right = Box(label.x1 + 1, line.top - half, limit, line.bottom + half)
    under = Box(label.x0, line.bottom + 0.5, limit, bottom)
    ink = ink_in(right, page) + ink_in(under, page)
    area = Box(label.x0, line.top - half, limit, bottom)
    note = f"signature area: {ink.describe()}"
    if ink.faint:
        return FieldReading(None, INK_ONLY_CONFIDENCE, line.page, note), area
    confidence = SCANNED_MARK_CONFIDENCE if page.scanned else 1.0
    return FieldReading(bool(ink), confidence, line.page, note), area


def _declaration(
    lines: Sequence[Line], pages: dict[int, PageContent], scanned: bool
) -> FieldReading:
    for line in lines:
        if line.declaration_start is not None:
            page = pages[line.page]
            if page.scanned:
                value, note = read_scanned_tick(line.words[line.declaration_start].box, page)
                sure = SCANNED_MARK_CONFIDENCE
            else:
                value, note = read_tick(line, line.declaration_start, page)
                sure = 1.0
            confidence = sure if value is not None else INK_ONLY_CONFIDENCE
            return FieldReading(value, confidence, line.page, note)
    if scanned:
        return FieldReading(
            None, LABEL_NOT_FOUND_CONFIDENCE, None, "declaration not found on the scan"
        )
    return FieldReading(None, 1.0, None, "declaration sentence not found")
