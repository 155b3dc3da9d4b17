"""A captured page as a person sees it: upright, flat, evenly lit, one page each.

Scanned paper reaches us as scanners, phones and fax machines made it: turned
a quarter or half way, photographed at an angle on a desk, shadowed, printed
pale to save ink, or two pages shrunk onto one sheet. These steps take the
rendered grey page (PIL ``L``, :data:`DPI` nominal) and give back page images
that :func:`intake.reading.raster.prepare` and OCR can read:

1. :func:`straighten` finds a photographed sheet (:func:`find_sheet`) and
   undoes the perspective; a scan, whose sheet fills the frame, is untouched;
2. :func:`flatten_light` divides out shadows and uneven light and darkens
   pale ink;
3. :func:`is_blank` spots separator sheets (nothing more is done to them);
4. :func:`upright` turns the page by :func:`orientation`: a cheap look at the
   text lines (:func:`looks_upright`) settles the usual upright page, and
   tesseract's orientation detection (:func:`osd`) settles the rest;
5. :func:`split_two_up` cuts a landscape sheet of two pages into two.

:func:`prepare_capture` runs them in that order and notes what it did, for the
caseworker. Each step costs a few tens of milliseconds on a 200 dpi A4 page
except tesseract's orientation detection (a few hundred), which runs only when
the page does not plainly read upright.
"""

from __future__ import annotations

import glob
import os
import threading
from typing import Any

import cv2
import numpy as np
from PIL import Image

#: Nominal resolution of the rendered pages these steps take and give.
DPI = 200
#: A4's long side over its short side; sheets within :data:`A4_SNAP` of it
#: are taken to be A4.
A4 = 2**0.5
A4_SNAP = 0.12

#: Tesseract's orientation confidence below which a turn is not trusted. On
#: clean and degraded 200 dpi forms a right answer scores 4-13; noise, blank
#: paper and pictures fail or score under 1.
OSD_MIN_CONF = 2.0
#: Long side of the copy given to tesseract's orientation detection: about
#: 150 dpi on A4, enough for 8 pt print, and a little over half the pixels.
OSD_LONG_SIDE = 1750
#: How far the text lines must lean towards ascenders (see
#: :func:`looks_upright`) to call a page upright without asking tesseract.
#: Upright forms score 0.4-0.7 (upside down, the same negated); a page
#: skewed by a degree still scores over 0.1; capitals-only text scores ~0.
UPRIGHT_SCORE = 0.25

#: A sheet found in a photo must cover this share of the frame...
SHEET_MIN_SHARE = 0.2
#: ...and the frame's border must be this much darker than the sheet for a
#: photo to be looked for at all (a scan's border is paper).
BORDER_CONTRAST = 40

#: A 2-up sheet's gutter: this wide (share of the width), within the middle
#: :data:`GUTTER_ZONE` of the sheet, and each side holding this share of ink.
GUTTER_MIN = 0.02
GUTTER_ZONE = (0.35, 0.65)
SIDE_INK_MIN = 0.2

#: A page whose ink (specks and the margins left out) is under this share
#: of its area is blank: about two short words on A4.
BLANK_INK = 0.0005
#: Margin (share of each side) left out by :func:`is_blank`: punch holes,
#: staple shadows and the scanner's edge lie there.
BLANK_MARGIN = 0.07
#: Dark specks smaller than this (pixels at 200 dpi) are dust, not ink.
SPECK_PX = 20

_OSD_LOCK = threading.Lock()
_OSD_API: list[Any] = []


# --- orientation -------------------------------------------------------------


def tessdata() -> str | None:
    """The tessdata folder holding ``osd.traineddata``, or ``None``.

    ``TESSDATA_PREFIX`` if it is set (the folder itself or its parent), else
    the newest of Debian's ``/usr/share/tesseract-ocr/*/tessdata``.
    """
    prefix = os.environ.get("TESSDATA_PREFIX")
    candidates = (
        [prefix, os.path.join(prefix, "tessdata")]
        if prefix
        else sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    )
    for folder in candidates:
        if os.path.isfile(os.path.join(folder, "osd.traineddata")):
            return folder
    return None


def _osd_api() -> Any | None:
    """The process's one orientation-detection engine, built on first use.

    Call with :data:`_OSD_LOCK` held: a tesseract engine is not thread-safe.
    """
    if not _OSD_API:
        folder = tessdata()
        try:
            os.environ.setdefault("OMP_THREAD_LIMIT", "1")
            from tesserocr import PSM, PyTessBaseAPI

            api = None if folder is None else PyTessBaseAPI(
                path=folder, lang="osd", psm=PSM.OSD_ONLY
            )
        except (ImportError, RuntimeError):
            api = None
        _OSD_API.append(api)
    return _OSD_API[0]


def osd(image: Image.Image) -> tuple[int, float] | None:
    """Tesseract's orientation detection: ``(clockwise degrees, confidence)``.

    Read on a copy scaled to :data:`OSD_LONG_SIDE`; ``None`` when tesseract
    is missing or finds too few characters to judge.
    """
    factor = OSD_LONG_SIDE / max(image.size)
    if factor < 1:
        size = (round(image.width * factor), round(image.height * factor))
        image = image.resize(size, Image.BILINEAR)
    with _OSD_LOCK:
        api = _osd_api()
        if api is None:
            return None
        api.SetImage(image)
        try:
            found = api.DetectOrientationScript()
        except RuntimeError:
            found = None
        api.Clear()
    if not found:
        return None
    return int(found["orient_deg"]) % 360, float(found["orient_conf"])


def _ink(image: Image.Image, level: int = 140) -> np.ndarray:
    """Dark pixels as 1 (uint8), with long straight rules (table borders) left out."""
    ink = (np.asarray(image) < level).astype(np.uint8)
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (40, 1))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (1, 40))
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, across) | cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, down
    )
    return ink & (1 - rules)


def _line_lean(ink: np.ndarray, strip: int = 100) -> tuple[float, float]:
    """How text lines running across ``ink`` lean: ``(lean, share of ink in lines)``.

    Each strip of columns is cut into lines at empty rows; in each line of a
    text line's height, ink above the line's core band (ascenders, capitals)
    is weighed against ink below it (descenders). Latin print has far more
    of the first: ``lean`` is near +0.5 when lines read left to right the
    right way up, near -0.5 upside down.
    """
    above = below = inside = 0.0
    for x in range(0, ink.shape[1], strip):
        profile = ink[:, x : x + strip].sum(axis=1)
        edges = np.diff(np.concatenate(([0], (profile > 0).astype(np.int8), [0])))
        for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
            if not 4 <= end - start <= 40:
                continue
            line = profile[start:end]
            core = np.flatnonzero(line >= 0.5 * line.max())
            above += line[: core[0]].sum()
            below += line[core[-1] + 1 :].sum()
            inside += line.sum()
    total = float(ink.sum())
    return (above - below) / max(above + below, 1.0), inside / max(total, 1.0)


def looks_upright(image: Image.Image) -> bool:
    """Whether the page plainly holds upright lines of Latin text.

    Judged on a half-size copy by :func:`_line_lean`: the lines must run
    across (more of the ink in lines across than down) and lean towards
    ascenders by :data:`UPRIGHT_SCORE`. ``False`` means "not sure", not
    "turned".

    >>> looks_upright(Image.new("L", (400, 600), 255))
    False
    """
    half = image.reduce(2)
    ink = _ink(half)
    lean, across = _line_lean(ink)
    if lean < UPRIGHT_SCORE:
        return False
    _, down = _line_lean(np.ascontiguousarray(ink.T))
    return across > 0.5 and across > 1.5 * down


def orientation(image: Image.Image) -> int:
    """The clockwise degrees (0, 90, 180 or 270) the page's content is turned.

    0 when the page :func:`looks_upright`; otherwise tesseract's answer
    (:func:`osd`) when its confidence reaches :data:`OSD_MIN_CONF`, and 0
    when it is unsure or sees too little text.
    """
    if looks_upright(image):
        return 0
    found = osd(image)
    if found is None or found[1] < OSD_MIN_CONF:
        return 0
    return found[0]


def turn(image: Image.Image, degrees: int) -> Image.Image:
    """Undo a clockwise turn of ``degrees`` (a multiple of 90).

    >>> turn(Image.new("L", (30, 20)), 90).size
    (20, 30)
    """
    turns = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
             270: Image.Transpose.ROTATE_270}
    return image.transpose(turns[degrees]) if degrees in turns else image


def upright(image: Image.Image) -> tuple[Image.Image, int]:
    """The page turned upright, and the clockwise degrees it had been turned."""
    degrees = orientation(image)
    return turn(image, degrees), degrees
