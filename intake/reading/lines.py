"""Words grouped into lines, and the labels, title and declaration found in them.

A :class:`Line` is the words sharing a baseline band on one page, left to
right, with their tokens (see :mod:`intake.reading.labels`). A line is split
into *segments* (table cells, in effect) wherever the gap between two words
is wider than a space; a label only counts at the start of a segment, so a
sentence that happens to contain "nominee email address" is not a label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from intake.reading.geometry import Box
from intake.reading.labels import (
    DECLARATION_START,
    TITLE_TOKENS,
    match_label,
    near_word,
    token,
)
from intake.reading.pages import Word

#: Numbering before a label: "3.", "b)", "(4)"; "11," and "5" are OCR's
#: "11." and "5." (a stop read as a comma, or lost).
_NUMBERING = re.compile(r"^(\d{1,2}[.),]?|[a-z][.)])$|^\(?(\d{1,2}|[a-z])\)$")
#: How OCR reads a capital I standing alone.
_READ_AS_I = frozenset({"I", "l", "1", "|", "!", "i", "]", "[", "/", "\\"})
#: Page numbering, never part of a value: "Page 1 of 2", "... - page 1",
#: "1/2", "- 1 -", "1 of 2".
_PAGE_NUMBER = re.compile(
    r"\bpage\s*\d+\s*(?:of|/)\s*\d+\b|\bpage\s*\d+\s*$"
    r"|^\W*\d{1,3}\s*(?:(?:of|/)\s*\d{1,3})?\W*$"
)
#: Most extra words a title line may carry ("NHS", "(continued)", a version).
_TITLE_SLACK = 3


@dataclass(frozen=True)
class LabelHit:
    """A printed label found on a line: words ``[start, end)`` of the line.

    ``lead`` is the first word of the label's cell: ``start``, or the
    numbering ("3.") printed before the label. ``clean`` says the label
    stands alone (followed by a colon, a note, a gap or nothing), as on a
    form, rather than running on into a sentence.
    """

    key: str
    start: int
    end: int
    lead: int
    clean: bool = True


@dataclass(frozen=True)
class Line:
    """The words of one text line on one page, left to right."""

    page: int
    words: tuple[Word, ...]
    tokens: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tokens", tuple(token(w.text) for w in self.words))

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def height(self) -> float:
        return max(w.height for w in self.words)

    @property
    def box(self) -> Box:
        return Box(self.words[0].x0, self.top, max(w.x1 for w in self.words), self.bottom)

    @cached_property
    def segment_starts(self) -> tuple[int, ...]:
        """Indices of the words that start a segment (after a wide gap)."""
        starts = [0]
        for i in range(1, len(self.words)):
            before, word = self.words[i - 1], self.words[i]
            if word.x0 - before.x1 > max(4.0, 0.8 * word.height):
                starts.append(i)
        return tuple(starts)

    @cached_property
    def hits(self) -> tuple[LabelHit, ...]:
        """The labels printed on this line, left to right."""
        found: list[LabelHit] = []
        for start in self.segment_starts:
            if found and start < found[-1].end:
                continue  # inside the label before (OCR parted its words)
            first = start + 1 if _NUMBERING.match(self.words[start].text.lower()) else start
            hit = self._label_at(first, start)
            if hit is not None:
                found.append(hit)
        return tuple(found)

    def _label_at(self, start: int, lead: int) -> LabelHit | None:
        # Match on non-empty tokens, remembering which word each came from.
        positions = [i for i in range(start, len(self.words)) if self.tokens[i]]
        if not positions or positions[0] != start:
            return None
        found = tuple(self.tokens[i] for i in positions)
        matched = match_label(found, 0)
        lenient = matched is None and any(self.words[i].conf < 1.0 for i in positions)
        if lenient:
            matched = match_label(found, 0, lenient=True)
        if matched is None:
            return None
        key, used = matched
        end = positions[used - 1] + 1
        clean = (
            end == len(self.words)
            or end in self.segment_starts
            or self.words[end - 1].text.endswith(":")
            or self.words[end].text.startswith((":", "("))
        )
        if lenient and not clean:
            return None  # a misread label stands alone, or it is not taken for one
        return LabelHit(key, start, end, lead, clean)

    @cached_property
    def is_title(self) -> bool:
        """The line carries the form title (give or take a few words)."""
        return _title_at(self.tokens) is not None

    @cached_property
    def declaration_start(self) -> int | None:
        """Index of the word "I" opening the declaration sentence, if here.

        OCR may read the "I" as "|" or "1", or lose it: then "confirm that"
        anchors the sentence, at the short word before it if there is one
        ("confirm" read a letter off, "contirm", still counts).
        """
        n = len(DECLARATION_START)
        for i in range(len(self.tokens) - n + 1):
            if self.tokens[i : i + n] == DECLARATION_START:
                return i
        for i in range(len(self.tokens) - 1):
            confirm = self.tokens[i] == "confirm" or (
                self.words[i].conf < 1.0 and near_word(self.tokens[i], "confirm")
            )
            if confirm and self.tokens[i + 1] == "that":
                # The "I" as OCR reads it; anything else before "confirm"
                # ("®", "&" for a small ☒) is the box itself.
                i_read = i > 0 and self.words[i - 1].text in _READ_AS_I
                return i - 1 if i_read else i
        return None

    @cached_property
    def is_page_furniture(self) -> bool:
        """The line numbers the page (a header or footer), so holds no value.

        >>> [Line(0, (Word(t, 0, 0, 9, 9),)).is_page_furniture for t in ("Page", "2")]
        [False, True]
        >>> words = [Word(t, 10 * i, 0, 10 * i + 9, 9) for i, t in enumerate("Page 1 of 2".split())]
        >>> Line(0, tuple(words)).is_page_furniture
        True
        """
        return bool(_PAGE_NUMBER.search(self.text().lower()))

    def text(self, start: int = 0, end: int | None = None) -> str:
        """The words ``[start, end)`` joined by single spaces."""
        return " ".join(w.text for w in self.words[start:end])


def _title_at(line_tokens: Sequence[str]) -> int | None:
    present = [t for t in line_tokens if t]
    n = len(TITLE_TOKENS)
    for i in range(0, min(_TITLE_SLACK, len(present) - n) + 1):
        if tuple(present[i : i + n]) == TITLE_TOKENS and len(present) - (i + n) <= _TITLE_SLACK:
            return i
    return None


def wrapped_title(first: Line, second: Line) -> bool:
    """Whether two consecutive lines hold the title wrapped over both."""
    joined = [t for t in first.tokens + second.tokens if t]
    head = [t for t in first.tokens if t]
    return (
        first.page == second.page
        and 2 <= len(head) < len(TITLE_TOKENS)
        and tuple(head) == TITLE_TOKENS[: len(head)]
        and _title_at(joined) == 0
    )


def group_lines(words: Iterable[Word], page: int) -> list[Line]:
    """Group a page's words into lines, top to bottom.

    Two words share a line when they overlap vertically by at least half the
    smaller height (so a larger signature font beside its label still does).
    """
    lines: list[Line] = []
    current: list[Word] = []
    band = (0.0, 0.0)
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        overlap = min(band[1], word.bottom) - max(band[0], word.top)
        if current and overlap >= 0.5 * min(band[1] - band[0], word.height):
            current.append(word)
            continue
        if current:
            lines.append(Line(page, tuple(sorted(current, key=lambda w: w.x0))))
        current, band = [word], (word.top, word.bottom)
    if current:
        lines.append(Line(page, tuple(sorted(current, key=lambda w: w.x0))))
    return lines
