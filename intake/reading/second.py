"""A second reading of one value area, to check the first where OCR read it.

Tesseract reads a scanned page once (:mod:`intake.reading.ocr`). A value
read from pixels can also be read again, on its own, by an independent
recogniser: where the two readings agree the value stands; where they
disagree it is low confidence (SPEC §2: "read where the engine is sure, and
otherwise low confidence, never guessed"). ``bench/engines.py`` measures
both engines on typed scans and on block capitals written by hand.

The second recogniser is PaddleOCR's PP-OCRv4 text-line recognition model,
as the ONNX build that ships inside the ``rapidocr-onnxruntime`` wheel: no
model is downloaded, ever, and without the package :func:`available` is
false and nothing else changes. Only the line recogniser is loaded (no text
detector, no orientation classifier): the caller already knows where the
value is. The model is loaded once per process, on first use, and runs one
inference thread at a time, since workers already read documents in
parallel.
"""

from __future__ import annotations

import os
import re
import threading
from typing import Any

import cv2
import numpy as np
from PIL import Image
from rapidfuzz.distance import Levenshtein

from verification.fields import PERSON_NAME_KEYS
from verification.roles import recognise_capacity, recognise_request_type, recognise_role

#: Darker than this (0-255 grey) is ink when trimming a crop to its text.
INK_LEVEL = 160
#: Darker than this is part of a rule (its grey, anti-aliased edges too).
RULE_LEVEL = 210
#: White kept around the trimmed text, as a share of its height.
MARGIN = 0.25
#: Shortest blob of ink that can be a letter, in pixels (specks are smaller).
MIN_HEIGHT = 6

_lock = threading.Lock()
_loaded: dict[str, Any] = {}
_WORDS = re.compile(r"[^\W_]+")
_NAME_MARKS = re.compile(r"[^\W_]|['-]")
_VOCABULARIES = {
    "role": recognise_role,
    "request_type": recognise_request_type,
    "authoriser_capacity": recognise_capacity,
}
_DOTLIKE = str.maketrans({",": ".", ":": ".", ";": ".", "'": ".", "’": "."})


def _config() -> dict[str, Any] | None:
    """The packaged recogniser's settings, its model path inside the package."""
    try:
        from rapidocr_onnxruntime import main as packaged
        from rapidocr_onnxruntime.utils import read_yaml, update_model_path
    except ImportError:
        return None
    config = update_model_path(read_yaml(str(packaged.DEFAULT_CFG_PATH)))
    # The package's own "Global" thread setting reaches the models only through
    # its YAML anchors, so each setting is made here, on the recogniser's own.
    return dict(config["Rec"], intra_op_num_threads=1, inter_op_num_threads=1)


def model_path() -> str | None:
    """Where the recognition model lies (inside the installed package), or ``None``."""
    config = _config()
    if config is None or not os.path.isfile(config["model_path"]):
        return None
    return str(config["model_path"])


def _recogniser() -> Any | None:
    with _lock:
        if "engine" not in _loaded:
            _loaded["engine"] = _build()
        return _loaded["engine"]


def _build() -> Any | None:
    config = _config()
    if config is None or not os.path.isfile(config["model_path"]):
        return None
    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer

    return TextRecognizer(config)


def available() -> bool:
    """Whether the second recogniser is installed and its model loads."""
    return _recogniser() is not None


def without_rules(image: Image.Image) -> Image.Image:
    """``image`` (grey) with its table borders and ruled lines painted white.

    A rule is a run of ink far longer than any stroke of a letter: across,
    three times the crop's height; down, the crop's full height (a cell
    border). A letter written across a rule keeps its stroke there; a letter
    sitting on the rule loses only the rule's own pixels.

    >>> page = Image.new("L", (300, 40), 255)
    >>> page.paste(0, (0, 30, 300, 32))  # a ruled line
    >>> page.paste(0, (100, 10, 103, 38))  # a stroke across it
    >>> pixels = np.asarray(without_rules(page))
    >>> int(pixels[31, 50]), int(pixels[31, 101])
    (255, 0)
    """
    pixels = np.asarray(image.convert("L"))
    height, width = pixels.shape
    ink = (pixels < RULE_LEVEL).astype(np.uint8)
    across = min(width, max(60, 3 * height))
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, across), np.uint8))
    if height > 2 * MIN_HEIGHT:
        down = np.ones((height - 2, 1), np.uint8)
        rules |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, down)
    if not rules.any():
        return image.convert("L")
    rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))
    kept = ink & (1 - rules)
    # A stroke crossing a rule has ink just above and below it: bridge the gap.
    bridged = cv2.morphologyEx(kept, cv2.MORPH_CLOSE, np.ones((9, 1), np.uint8))
    erase = (rules == 1) & (bridged == 0)
    return Image.fromarray(np.where(erase, 255, pixels).astype(np.uint8))


def trimmed(image: Image.Image) -> Image.Image | None:
    """``image`` without rules, cut to its text with a small white margin; ``None`` if blank.

    Only blobs of ink at least :data:`MIN_HEIGHT` and a third of the tallest
    one high (letters) set the cut: specks, flecks of a rule and dots do
    not widen it.

    >>> page = Image.new("L", (200, 60), 255)
    >>> page.paste(0, (50, 20, 120, 40))
    >>> page.paste(0, (180, 2, 182, 4))  # a speck
    >>> trimmed(page).size
    (80, 30)
    >>> trimmed(Image.new("L", (200, 60), 255)) is None
    True
    """
    clean = without_rules(image)
    ink = (np.asarray(clean) < INK_LEVEL).astype(np.uint8)
    count, _labels, stats, _centres = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tallest = int(stats[1:count, cv2.CC_STAT_HEIGHT].max(initial=0))
    if tallest < MIN_HEIGHT:
        return None
    boxes = [
        (x, y, x + w, y + h)
        for x, y, w, h, _area in stats[1:count]
        if h >= max(MIN_HEIGHT, tallest / 3)
    ]
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
    pad = max(int(round((bottom - top) * MARGIN)), 2)
    text = clean.crop((left, top, right, bottom))
    framed = Image.new("L", (text.width + 2 * pad, text.height + 2 * pad), 255)
    framed.paste(text, (pad, pad))
    return framed


def read_line(image: Image.Image, black_and_white: bool = False) -> tuple[str, float] | None:
    """The text of one cropped line (a value area) and how sure the model is (0..1).

    ``black_and_white`` reads it made pure black on white first (at
    :data:`INK_LEVEL`): grey fringes the model sometimes reads as a mark
    ("nh's" for "nhs") are gone.

    ``None`` when the crop holds no ink, nothing was read, or the recogniser
    is not installed. The score is the model's mean character probability.
    """
    engine = _recogniser()
    line = trimmed(image)
    if engine is None or line is None:
        return None
    if black_and_white:
        line = line.point(lambda level: 0 if level < INK_LEVEL else 255)
    pixels = np.asarray(line.convert("RGB"))
    with _lock:
        ((text, score),), _elapsed = engine([pixels])
    # The model spaces out an "@"; no value on the form has a space beside one.
    text = " ".join(str(text).split()).replace(" @", "@").replace("@ ", "@")
    if not text:
        return None
    return text, max(0.0, min(float(score), 1.0))


def address(text: str) -> str:
    """An email address as read, for comparing: no spaces, lower case, and
    the marks PP-OCRv4 reads a dot as (comma, colon, semicolon, apostrophe)
    taken for the dot they are in the same place."""
    return "".join(text.split()).casefold().translate(_DOTLIKE)


def agree(a: str, b: str, key: str) -> bool:
    """Whether two readings of field ``key`` say the same thing.

    The letters and digits are compared, case-insensitively, in order;
    spaces and punctuation are not (one engine's "Chris Wood" or
    "01/1.1/2026" is another's "ChrisWood" or "01/11/2026"); in a person's
    name "I" and "l" are one letter. An email address is compared whole,
    every dot and the "@" counting, spaces aside (a gap where the other read
    a dot is that dot). A role, request type or capacity agrees when both
    readings are the same one of the values the form allows.
    The value kept is the first reading; this only says whether a second
    reading backs it.

    >>> agree("VALE VIEW  SURGERY", "Vale View Surgery", "org_name")
    True
    >>> agree("14/11/2026", "14 11 2026", "date_signed")
    True
    >>> agree("B84061", "B8406I", "org_code")
    False
    >>> agree("JOHN.DAVIES@NHS.NET", "john.davies @nhs.net", "nominee_email")
    True
    >>> agree("JOHN.DAVIES@NHS.NET", "JOHN,DAVIES@NHS.NET", "nominee_email")
    True
    >>> agree("JOHN.DAVIES@NHS.NET", "JOHNDAVIES@NHS.NET", "nominee_email")
    False
    >>> agree("sophie lane@nhs.net", "sophie.lane@nhs.net", "nominee_email")
    True
    >>> agree("Dr lan Ross", "Dr Ian Ross", "authoriser_name"), agree("lan", "Ian", "org_name")
    (True, False)
    >>> agree("GPP Practice User Administrator", "GPPPracticeUserAdministratur", "role")
    True
    """
    recognise = _VOCABULARIES.get(key)
    if recognise is not None and recognise(a) is not None:
        # One of the printed values, read by the other engine a letter in a
        # dozen off (PP-OCRv4 runs words together, and slips on long ones).
        first, other = _letters(a, key), _letters(b, key)
        if Levenshtein.distance(first, other) <= len(first) // 12:
            return True
    if key.endswith("email") or "@" in a or "@" in b:
        return bool(_addresses(a) & _addresses(b))
    if key in PERSON_NAME_KEYS:
        return same_name(a, b)
    return _letters(a, key) == _letters(b, key)


def _addresses(text: str) -> set[str]:
    """An address as read, and as read with a gap taken for a dot it hid."""
    return {address(text), address(".".join(text.split()))}


def _letters(text: str, key: str) -> str:
    """The letters and digits of ``text``, in lower case."""
    return "".join(_WORDS.findall(text.casefold()))


def same_name(a: str, b: str) -> bool:
    """Whether two readings of a person's name say the same name.

    Letters and digits, apostrophes and hyphens are compared in order ("O'Neill"
    is not "O Neill"); spaces and full stops are not. Case counts only where
    it tells letters apart: a capital I and a small l are one stroke to
    either engine, but a capital I is not an L ("Iucy" is not "Lucy") and a
    small i is not an l ("Doyie" is not "Doyle").

    >>> same_name("Dr lan Ross", "Dr Ian Ross"), same_name("Dr. Alice Gray", "DR ALICE GRAY")
    (True, True)
    >>> same_name("Megan Doyie", "Megan Doyle"), same_name("Iucy Greaves", "Lucy Greaves")
    (False, False)
    >>> same_name("Kevin O Neill", "Kevin O’Neill"), same_name("Chris Wood", "ChrisWood")
    (False, True)
    """
    first = _NAME_MARKS.findall(a.replace("’", "'"))
    other = _NAME_MARKS.findall(b.replace("’", "'"))
    x, y = "".join(first), "".join(other)
    return len(x) == len(y) and all(
        p.casefold() == q.casefold() or {p, q} == {"I", "l"} for p, q in zip(x, y, strict=True)
    )
