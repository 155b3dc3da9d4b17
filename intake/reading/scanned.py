"""How sure a value read by OCR is: word confidence, then two cross-checks.

The rule is *never a wrong value at full confidence*. A field read from a
scan starts at its least sure word's confidence (tesseract's 0-100 word
score / 100, see :mod:`intake.reading.ocr`), and is capped to
:data:`CHECK_FAILED_CONFIDENCE`, under the review threshold
(``verification.normalise.LOW_CONFIDENCE_THRESHOLD``, 0.8), when

* it does not look like what the field holds: an email address, an ODS or
  ICB code, a date, a request type, a capacity or a role that does not
  parse. Printed forms hold valid values far more often than OCR misreads
  them, so the value is kept as read but a person checks it;
* the value's area holds ink the words read do not cover: a word OCR
  dropped, so the value may be short. Between the label and the value a
  dropped colon is expected, so there the ink must be word-sized
  (:data:`LEAD_INK_PT2`).

A label OCR did not find, a faint mark, or a box that cannot be located is
likewise low confidence, never "empty".
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections.abc import Sequence

from PIL import Image

from intake.reading import ocr, second
from intake.reading.geometry import Box
from intake.reading.labels import match_label, tokens
from intake.reading.marks import SCAN_INK_PT2
from intake.reading.model import FieldReading
from intake.reading.pages import PageContent, Word
from intake.reading.visible import DISAGREES_CONFIDENCE
from verification.fields import EMAIL_KEYS, PERSON_NAME_KEYS
from verification.normalise import normalise
from verification.roles import printed_option, recognise_role

#: A value OCR read less surely than this is read a second time, by another
#: engine, and must agree (surer values are left alone: the second reading
#: costs about 40 ms a line, and on typed text it is the weaker engine).
SECOND_READING_BELOW = 0.93
#: A well-formed value that both engines read the same is this sure (at
#: least), unless the page's own hidden layer contradicts a word of it
#: (:data:`~intake.reading.visible.DISAGREES_CONFIDENCE`: it stays unsure).
#: Measured on the corpus, no value the two engines agreed on was wrong.
AGREED_CONFIDENCE = 0.9
#: A page whose words stand under this many pixels tall (median box height,
#: at the page's own detail: 10 pt type at about 150 dpi) is in small type:
#: every value is read by both engines, and a disagreement is never settled
#: by reading again (the engines' slips coincide too often there: "Pacie"
#: for "Page").
SMALL_TYPE_PX = 17
#: Under this (about 100 dpi) the engines can agree on a wrong reading
#: ("byme" for "byrne"): nothing read there is sure.
TINY_TYPE_PX = 12
#: The second engine's first reading at least this sure is never overturned
#: (its score is the mean character probability).
SURE_SECOND = 0.99
#: A line read again by tesseract on its own is first scaled to this height
#: in pixels (trimmed to its ink: capitals about 30 px, tesseract's best).
LINE_PX = 40
#: Confidence of a value read by OCR that fails a cross-check.
CHECK_FAILED_CONFIDENCE = 0.5
#: Confidence of a field whose label OCR did not find.
LABEL_NOT_FOUND_CONFIDENCE = 0.0
#: Confidence of a box decided from clear pixels (well clear of the thresholds).
SCANNED_MARK_CONFIDENCE = 0.95
#: Ink between a label and its value that is more than punctuation (a 10 pt
#: letter is 5-8 square points).
LEAD_INK_PT2 = 8.0
_HIDDEN_DOT = re.compile(r"[^\s@.]\s+[^\s@.]")
_SMALL_L = re.compile(r"l[a-z]{2,}")
_CODE_KEYS = frozenset({"org_code", "icb_code"})
_STRAY = frozenset(",;:|_'\"`‘’“”")
#: Fields whose value has a shape to check.
_SHAPED = frozenset(
    {
        "nominee_email",
        "requester_email",
        "authoriser_email",
        "org_code",
        "icb_code",
        "date_signed",
        "request_type",
        "authoriser_capacity",
    }
)


def well_formed(key: str, value: str) -> bool:
    """Whether ``value`` parses as what field ``key`` holds (free text always does).

    >>> well_formed("org_code", "A81001"), well_formed("org_code", "A8l 0O1!")
    (True, False)
    >>> well_formed("role", "GPP Practice User Adminlstrator")
    True
    >>> well_formed("role", "Joiner & Leaver")
    False
    >>> well_formed("nominee_name", "Emma Wilson,")
    False
    >>> well_formed("nominee_email", "jo lane@nhs.net"), well_formed("nominee_name", "Dr lan Ross")
    (False, False)
    >>> well_formed("nominee_name", "Farahlqbal")
    False
    >>> well_formed("nominee_name", "SARAH JANE COLLINS"), well_formed("nominee_name", "Ravi Patel")
    (True, True)
    """
    if key == "role":
        return recognise_role(value) is not None
    if key in EMAIL_KEYS and len(value.split()) > 1:
        return False  # a "." or "_" OCR read as a gap: the joined address may be wrong
    if key in PERSON_NAME_KEYS and (not _name_cased(value) or value.endswith(".")):
        return False  # a full stop after a name is dust read as type
    if key not in _SHAPED:
        # Free text: a stray comma or colon at either end is dust read as type;
        # another field's label inside it is the next row, run on.
        return not (value[-1] in _STRAY or value[0] in _STRAY or _holds_label(value))
    return key not in normalise({key: value}, {}).blocked


def _holds_label(value: str) -> bool:
    """Whether a label of two words or more is printed inside ``value``.

    >>> _holds_label("Practice Manager Requester name Ellie Vaughan")
    True
    >>> _holds_label("Practice Manager"), _holds_label("Organisation User Administrator")
    (False, False)
    """
    found = tokens(value)
    for start in range(len(found)):
        match = match_label(found, start)
        if match is not None and match[1] >= 2:
            return True
    return False


def _name_cased(value: str) -> bool:
    """Whether a person's name is written as full names are: two words or
    more (one word is most often two that OCR ran together, "Farahlqbal"),
    every word capitalised, or all in capitals. A lower-case word in a
    capitalised name is most often a capital I that OCR read as an l ("lan
    Ross")."""
    words = [w for w in value.split() if w[:1].isalpha()]
    if len(words) < 2 or words[0] == "Or":
        return False  # "Or" opening a name is a "Dr" misread
    if all(w.isupper() for w in words):
        return True
    return all(w[0].isupper() for w in words)


def _type_pixels(page: PageContent) -> float | None:
    """How tall the page's type stands, in the pixels of the page's source
    (the median box of its words; a fax or a photo upscaled to be read counts
    at its own resolution), or ``None`` for a page without words."""
    raster = page.raster
    if raster is None or not page.words:
        return None
    return statistics.median(w.height for w in page.words) * raster.scale * raster.detail


def _line_crops(words: Sequence[Word], area: Box, page: PageContent) -> list[Image.Image]:
    """Each line of the value, cropped across the whole value area."""
    crops = []
    assert page.raster is not None
    for line in _lines(words):
        top = min(w.top for w in line)
        bottom = max(w.bottom for w in line)
        pad = 0.25 * (bottom - top)
        crop = page.raster.gray_crop(Box(area.x0, top - pad, area.x1, bottom + pad))
        if crop is None:
            return []
        crops.append(crop)
    return crops


def _second_reading(
    crops: Sequence[Image.Image], black_and_white: bool = False
) -> tuple[str, float] | None:
    """What a second, independent recogniser (:mod:`intake.reading.second`)
    reads across the value's lines (joined with spaces) and its least sure
    line's score; ``None`` when there is no second engine here, or it read
    nothing on a line."""
    if not crops or not second.available():
        return None
    said, scores = [], []
    for crop in crops:
        found = second.read_line(crop, black_and_white)
        if found is None:
            return None
        said.append(found[0])
        scores.append(found[1])
    return " ".join(said), min(scores)


def _closer_reading(crops: Sequence[Image.Image]) -> str | None:
    """Tesseract's reading of the value's lines, each read on its own:
    ruled lines taken out, trimmed to its ink and scaled to :data:`LINE_PX`.
    A word the whole page's reading got wrong among its neighbours ("tachel"
    for "rachel", "20e" for "zoe") is often right read this way."""
    said = []
    for crop in crops:
        line = second.trimmed(crop)
        if line is None:
            return None
        if line.height < LINE_PX:
            scale = LINE_PX / line.height
            line = line.resize((round(line.width * scale), LINE_PX), Image.Resampling.LANCZOS)
        found = ocr.read_line(line)
        if found is None:
            return None
        said.append(found)
    return " ".join(said)


def _settled(
    key: str,
    first: str,
    second_: str,
    again: tuple[str | None, str | None],
    second_sure: bool = False,
) -> str | None:
    """The value, where the two engines' first readings (``first``,
    tesseract's on the page; ``second_``, the second engine's) disagree and
    reading again settles it; ``None`` otherwise.

    ``again`` is each engine's reading of the line once more, another way
    (tesseract's, then the second engine's). It is settled when one engine's
    first reading is what the *other* engine reads again, to the character,
    is well formed, and is the only value so confirmed. Two readings again
    that agree only with each other settle nothing, and a first reading the
    second engine was sure of (``second_sure``) is never overturned.

    Characters are compared without spaces and case-insensitively; in an
    email address the marks the second engine reads a dot as are that dot;
    a name keeps its case, but a capital I and a small l are one stroke. Values keep
    tesseract's spacing (the second engine runs words together), an email
    address none; codes are capitals.

    >>> _settled("nominee_email", "tachel.stone@nhs.net", "rachel.stone@nhs.net",
    ...          ("rachel.stone @nhs.net", None))
    'rachel.stone@nhs.net'
    >>> _settled("nominee_email", "peter.shaw@nhs.net", "peter.shaw@nhis.net",
    ...          ("peter.shaw@nhs.net", "peter.shaw@ nhs.net"))
    'peter.shaw@nhs.net'
    >>> _settled("nominee_email", "hugo bennett@nhs.net", "hugo.bennett@nhs.net",
    ...          (None, "hugo bennett@nhs.net")) is None
    True
    >>> _settled("org_code", "vo1452", "V01452", ("v01452", None))
    'V01452'
    >>> _settled("authoriser_name", "Or Ray Mehta", "DrRajMehta", ("Dr Raj Mehta", None))
    'Dr Raj Mehta'
    >>> _settled("requester_email", "70e harper@nhs ret", "zoe.harper@nhs.net",
    ...          ("z0e.harper@nhs.net", "z0e.harper@nhs.net")) is None
    True
    >>> _settled("org_code", "B84041", "B84047", ("B84047", "B84041")) is None
    True
    """

    def same(said: str, other: str) -> bool:
        if key in PERSON_NAME_KEYS:
            return second.same_name(said, other) and said.count(".") == other.count(".")
        if key in EMAIL_KEYS:
            return second.address(said) == second.address(other)
        return "".join(said.split()).casefold() == "".join(other.split()).casefold()

    found = set()
    pairs = [(again[0], second_)] if second_sure else [(first, again[1]), (again[0], second_)]
    for said, other in pairs:
        if said is None or other is None or not same(said, other):
            continue
        if key in EMAIL_KEYS:
            if any(_HIDDEN_DOT.search(text) for text in (said, other)):
                continue  # a gap between letters may be a dot neither read
            value = second.address(other)
        elif key in _CODE_KEYS:
            value = "".join(said.split()).upper()
        else:
            value = " ".join(said.split())
            value = printed_option(key, value) or value
        value = value.upper() if key in _CODE_KEYS else value
        if value and well_formed(key, value):
            found.add(value)
    return found.pop() if len(found) == 1 else None


def _lines(words: Sequence[Word]) -> list[list[Word]]:
    """``words`` (in reading order) split where a word starts a new line."""
    lines: list[list[Word]] = []
    for word in words:
        if lines and word.top < lines[-1][-1].bottom - 0.3 * word.height:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def checked(
    key: str,
    reading: FieldReading,
    words: Sequence[Word],
    area: Box,
    page: PageContent,
    exclude: tuple[Box, ...] = (),
    lead: Box | None = None,
) -> FieldReading:
    """``reading`` (a value OCR read from ``words`` in ``area``) after the cross-checks.

    ``lead`` is the gap between the label and the value, if on one line.
    A value that fails a check, or that tesseract was not sure of, is read
    again by a second engine (:func:`_second_reading`):

    * the two disagree: low confidence, whatever tesseract's score;
    * they agree on its letters and digits: the problems that agreement
      answers are answered. Ink beside the words that the second engine,
      reading the whole width, did not take for text is dust; a value whose
      punctuation or spacing tesseract got wrong ("hugo. bennett@nhs.net",
      "03/1 1/2026") takes the second engine's, if that is well formed. A
      well-formed value both engines read is sure (:data:`AGREED_CONFIDENCE`).
    """
    if page.raster is None or not isinstance(reading.value, str):
        return reading
    if key in PERSON_NAME_KEYS:
        reading = dataclasses.replace(reading, value=capital_i(reading.value))
    shaped = well_formed(key, reading.value)
    covered = tuple(Box(w.x0 - 1, w.top - 1, w.x1 + 1, w.bottom + 1) for w in words)
    unread = page.raster.dark_area(area, covered + exclude) >= SCAN_INK_PT2
    unread = unread or (lead is not None and page.raster.dark_area(lead, exclude) >= LEAD_INK_PT2)
    pixels = _type_pixels(page)
    if pixels is not None and pixels < TINY_TYPE_PX:
        note = f"{reading.note or 'read by OCR'}; type too small to read surely"
        confidence = min(reading.confidence, CHECK_FAILED_CONFIDENCE)
        return FieldReading(reading.value, confidence, reading.page, note)
    small = pixels is not None and pixels < SMALL_TYPE_PX
    if shaped and not unread and not small and reading.confidence >= SECOND_READING_BELOW:
        return reading
    crops = _line_crops(words, area, page)
    second_reading = _second_reading(crops)
    said = second_reading[0] if second_reading else None
    note = reading.note or "read by OCR"
    agreed = said is not None and second.agree(reading.value, said, key)
    if agreed:
        value = reading.value
        if key in PERSON_NAME_KEYS and value.endswith(".") and not said.endswith("."):
            value = value.rstrip(".")  # dust after the name that the other did not read
            shaped = well_formed(key, value)
        if not shaped and well_formed(key, _tidy(key, said)):
            value, shaped = _tidy(key, said), True
        value = printed_option(key, value) or value
        value = value.upper() if key in _CODE_KEYS else value
        if shaped and reading.confidence > DISAGREES_CONFIDENCE:
            sure = max(reading.confidence, AGREED_CONFIDENCE)
            return FieldReading(value, sure, reading.page, f"{note}; a second engine read the same")
    elif second_reading is not None and not small and reading.confidence > DISAGREES_CONFIDENCE:
        again_bw = _second_reading(crops, black_and_white=True)
        again = (_closer_reading(crops), again_bw[0] if again_bw else None)
        sure = second_reading[1] >= SURE_SECOND
        settled = _settled(key, reading.value, second_reading[0], again, sure)
        if settled is not None:
            return FieldReading(
                settled,
                AGREED_CONFIDENCE,
                reading.page,
                f"{note} as {reading.value!r}, by a second engine as {said!r}; read again,"
                f" the other engine confirms {settled!r}",
            )
    problems = []
    if not shaped:
        problems.append("does not look like a valid value")
    if unread:
        problems.append("ink beside it was not read")
    if said is None and second.available():
        problems.append("a second reading found no text there")
    elif said is not None and not agreed:
        problems.append(f"a second reading says {said!r}")
    if not problems:
        return reading
    confidence = min(reading.confidence, CHECK_FAILED_CONFIDENCE)
    return FieldReading(reading.value, confidence, reading.page, "; ".join([note, *problems]))


def _capitalised(word: str) -> bool:
    """ "Ross", and also "Dr" or "J." (a title or an initial), but not "ROSS"."""
    return word[:1].isupper() and (len(word) <= 2 or not word.isupper())


def capital_i(name: str) -> str:
    """A person's name with each word OCR read as "l" + small letters, in a
    name whose other words are capitalised, begun with the capital I it is
    (in most typefaces "I" and "l" are the same stroke; names are
    capitalised).

    >>> capital_i("Dr lan Ross"), capital_i("lan Royle"), capital_i("lvy Iqbal")
    ('Dr Ian Ross', 'Ian Royle', 'Ivy Iqbal')
    >>> capital_i("Maria de la Cruz"), capital_i("lan"), capital_i("LEON lee")
    ('Maria de la Cruz', 'lan', 'LEON lee')
    """
    words = name.split()
    others = [w for w in words if not _SMALL_L.fullmatch(w)]
    if len(others) == len(words) or not others:
        return name
    if not all(_capitalised(w) for w in others):
        return name
    return " ".join("I" + w[1:] if _SMALL_L.fullmatch(w) else w for w in words)


def _tidy(key: str, text: str) -> str:
    """A second reading as a value: an email address has no spaces in it."""
    return "".join(text.split()) if key in EMAIL_KEYS else " ".join(text.split())
