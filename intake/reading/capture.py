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
   text lines (:func:`line_orientation`) settles most pages, turned or not,
   and tesseract's orientation detection (:func:`osd`) the rest;
5. :func:`split_two_up` cuts a landscape sheet of two pages into two.

:func:`prepare_capture` runs them in that order and notes what it did, for the
caseworker. Each step costs a few tens of milliseconds on a 200 dpi A4 page
except tesseract's orientation detection (a few hundred), which runs only when
the text lines do not plainly tell. Tesseract's engine is built on first use,
once per process, and shared under a lock.
"""

from __future__ import annotations

import glob
import os
import threading
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageFilter

#: Nominal resolution of the rendered pages these steps take and give.
DPI = 200
#: Key of a straightened photo's ``Image.info``: the share of a pixel's worth
#: of the photo's own detail that each pixel holds (under 1: upscaled).
DETAIL = "detail"
#: A4's long side over its short side. A photographed sheet whose sides
#: measure within :data:`A4_SNAP` of it is taken to be A4 (the postroom's
#: paper): a photo's perspective alone can stretch the measure by a sixth.
A4 = 2**0.5
A4_SNAP = 0.2

#: Tesseract's orientation confidence below which its answer is not taken.
#: Right answers on 200 dpi forms score 4-13 (clean, pale, faxed, JPEG);
#: on a blurred phone photo tesseract is unsure and its few wrong answers
#: (sideways read as the other side) score about 1; blank paper gets none.
OSD_MIN_CONF = 2.0
#: Long side of the copy given to tesseract's orientation detection: about
#: 150 dpi on A4, enough for 8 pt print, and half the pixels.
OSD_LONG_SIDE = 1750
#: :func:`line_orientation`: a page's text lines plainly run one way when
#: this share of the ink lies in bands of a line's height that way (upright
#: forms 1.0 across and at most 0.89 down; the other way about on their side)...
IN_LINES = 0.95
#: ...and they plainly read one way up when they lean towards ascenders by
#: this much (strips of :data:`LEAN_STRIP` columns). Upright forms and
#: letters lean 0.3-0.7, upside down the same negated; a skew of 1-2°
#: weakens it to 0.1-0.4 (then tesseract decides). No page of the sample
#: corpus (forms, letters, Word, browser and fax pages, handwriting), turned
#: any way, clean, JPEG'd or faxed, leant the wrong way by even 0.1.
UPRIGHT_SCORE = 0.2
LEAN_STRIP = 100

#: :func:`flatten_light` stretches the ink's median grey to this, by a
#: contrast gain of at most :data:`MAX_GAIN`: enough to take print at a third
#: of its strength back to black, not so much that paper noise turns into
#: ink. A clean render's ink is already darker (median 0), so a clean page
#: is left as it is.
INK_TARGET = 40
MAX_GAIN = 3.0
#: Under this share of dark pixels, a page has no ink worth stretching.
FLAT_MIN_INK = 0.002

#: A sheet found in a photo must cover this share of the frame...
SHEET_MIN_SHARE = 0.2
#: ...and less than this (a sheet filling the frame is a scan)...
SHEET_MAX_SHARE = 0.97
#: ...and its corners are drawn in by this share of the way to the middle.
SHEET_INSET = 0.01
#: ...and the frame's border must be this much darker than the sheet for a
#: photo to be looked for at all (a scan's border is paper).
BORDER_CONTRAST = 40

#: A 2-up sheet's gutter: this wide (share of the width; two pages' margins
#: make 5-10%), within the middle :data:`GUTTER_ZONE` of the sheet, and each
#: side holding this share of the ink (a covering letter beside a form holds
#: under a fifth).
GUTTER_MIN = 0.02
GUTTER_ZONE = (0.35, 0.65)
SIDE_INK_MIN = 0.05

#: A page whose ink (specks and the margins left out) is under this share
#: of its area is blank: about two short words on A4.
BLANK_INK = 0.0005
#: Margin (share of each side) left out by :func:`is_blank`: punch holes,
#: staple shadows and the scanner's edge lie there.
BLANK_MARGIN = 0.08
#: Ink is this much darker than the paper (print at a third of its
#: strength still is; paper noise and JPEG ripples are not).
INK_DEPTH = 60
#: Dark specks smaller than this (pixels at 200 dpi) are dust, not ink.
SPECK_PX = 20

_OSD_LOCK = threading.Lock()
_OSD_API: list[Any] = []


#: A black-and-white page (a fax, a 1-bit scan: ``bilevel``) has its blocky
#: edges softened by a blur of this many pixels first, which tesseract reads
#: far better (a 204x98 dpi fax: 3 of 7 test phrases read unsmoothed, 7 of 7
#: smoothed).
SMOOTH_RADIUS = 0.8


# --- orientation -------------------------------------------------------------


def tessdata(model: str = "osd") -> str | None:
    """The tessdata folder holding ``<model>.traineddata``, or ``None``.

    ``TESSDATA_PREFIX`` if it is set (the folder itself or its parent), else
    the newest of Debian's ``/usr/share/tesseract-ocr/*/tessdata``, else the
    other usual places.
    """
    prefix = os.environ.get("TESSDATA_PREFIX")
    candidates = (
        [prefix, os.path.join(prefix, "tessdata")]
        if prefix
        else sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
        + ["/usr/share/tessdata", "/usr/local/share/tessdata"]
    )
    for folder in candidates:
        if os.path.isfile(os.path.join(folder, f"{model}.traineddata")):
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

            api = (
                None if folder is None else PyTessBaseAPI(path=folder, lang="osd", psm=PSM.OSD_ONLY)
            )
        except (ImportError, RuntimeError):
            api = None
        _OSD_API.append(api)
    return _OSD_API[0]


def osd_engine() -> bool:
    """Load the orientation engine now (if it can be): whether it is there."""
    with _OSD_LOCK:
        return _osd_api() is not None


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


def _strip_profiles(ink: np.ndarray, strip: int) -> np.ndarray:
    """Ink per row in each strip of ``strip`` columns, strips one after another
    with an empty row between, as one flat array.
    """
    height, width = ink.shape
    count = -(-width // strip)
    padded = np.zeros((height, count * strip), np.uint8)
    padded[:, :width] = ink
    profiles = np.zeros((count, height + 1), np.int32)
    profiles[:, 1:] = padded.reshape(height, count, strip).sum(axis=2, dtype=np.int32).T
    return profiles.ravel()


def _line_lean(ink: np.ndarray, strip: int) -> tuple[float, float]:
    """How lines of text running across ``ink`` lean: ``(lean, share of ink in lines)``.

    Each strip of columns is cut into lines at empty rows; in each band of a
    text line's height (8-70 pixels at 200 dpi), the ink above the line's
    core (ascenders, capitals) is weighed against the ink below it
    (descenders). Latin print has far more of the first: ``lean`` is near
    +0.6 for upright lines and -0.6 upside down.
    """
    flat = np.append(_strip_profiles(ink, strip), 0)
    edges = np.diff((flat > 0).astype(np.int8), prepend=0)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    sums = np.concatenate(([0], np.cumsum(flat)))
    # Bands under 8 rows (bits of rules, dots) are left out of the count.
    total = float((sums[ends] - sums[starts])[ends - starts >= 8].sum())
    keep = (ends - starts >= 8) & (ends - starts <= 70)
    starts, ends = starts[keep], ends[keep]
    if not len(starts):
        return 0.0, 0.0
    peaks = np.maximum.reduceat(flat, np.ravel(np.column_stack((starts, ends))))[::2]
    # Every row of every line, with the line it belongs to.
    lengths = ends - starts
    owner = np.repeat(np.arange(len(starts)), lengths)
    rows = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    rows += np.repeat(starts, lengths)
    core = flat[rows] >= 0.5 * peaks[owner]
    first = np.full(len(starts), np.iinfo(np.int64).max)
    last = np.zeros(len(starts), np.int64)
    np.minimum.at(first, owner[core], rows[core])
    np.maximum.at(last, owner[core], rows[core])
    above = (sums[first] - sums[starts]).sum()
    below = (sums[ends] - sums[last + 1]).sum()
    inside = (sums[ends] - sums[starts]).sum()
    return float(above - below) / max(float(above + below), 1.0), float(inside) / max(total, 1.0)


def line_orientation(image: Image.Image) -> int | None:
    """The clockwise turn (0/90/180/270) read off the page's text lines, or
    ``None`` when they do not plainly tell.

    The lines run across the page when :data:`IN_LINES` of the ink lies in
    bands of a text line's height across it (strips 200 pixels wide) and
    not down it, and the other way about for a page on its side. Along the
    lines, the :func:`_line_lean` (strips 100 wide, which a skew of a degree
    or two blurs less) tells which way up: ascenders on top by
    :data:`UPRIGHT_SCORE` or more, or at the bottom.

    >>> line_orientation(Image.new("L", (400, 600), 255)) is None
    True
    """
    ink = _ink(image)
    down = np.ascontiguousarray(ink.T)  # a page on its side, mirrored
    across_clear = _line_lean(ink, 200)[1] >= IN_LINES
    down_clear = _line_lean(down, 200)[1] >= IN_LINES
    if across_clear == down_clear:
        return None
    # Transposed, content turned 90° clockwise reads upside down, 270° upright.
    lean = _line_lean(ink if across_clear else down, LEAN_STRIP)[0]
    if abs(lean) < UPRIGHT_SCORE:
        return None
    if across_clear:
        return 0 if lean > 0 else 180
    return 270 if lean > 0 else 90


def looks_upright(image: Image.Image) -> bool:
    """Whether the page plainly holds upright lines of text (:func:`line_orientation`)."""
    return line_orientation(image) == 0


def orientation(image: Image.Image) -> int:
    """The clockwise degrees (0, 90, 180 or 270) the page's content is turned.

    Read off the text lines (:func:`line_orientation`, a few tens of
    milliseconds) when they plainly tell; otherwise tesseract's answer
    (:func:`osd`, a few hundred) when its confidence reaches
    :data:`OSD_MIN_CONF`, and 0 when it is unsure or sees too little text.
    """
    found = line_orientation(image)
    if found is not None:
        return found
    guess = osd(image)
    if guess is None or guess[1] < OSD_MIN_CONF:
        return 0
    return guess[0]


def turn(image: Image.Image, degrees: int) -> Image.Image:
    """Undo a clockwise turn of ``degrees`` (a multiple of 90).

    >>> turn(Image.new("L", (30, 20)), 90).size
    (20, 30)
    """
    turns = {
        90: Image.Transpose.ROTATE_90,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_270,
    }
    return image.transpose(turns[degrees]) if degrees in turns else image


def upright(image: Image.Image) -> tuple[Image.Image, int]:
    """The page turned upright, and the clockwise degrees it had been turned."""
    degrees = orientation(image)
    return turn(image, degrees), degrees


# --- light -------------------------------------------------------------------


def background(image: Image.Image) -> np.ndarray:
    """The paper's brightness at each pixel, as if the ink were lifted off.

    The brightest pixel of each 8x8 block (there is paper between the lines
    of any print), then a closing 15 blocks (15 mm) across to bridge solid
    marks, smoothed and scaled back up: shadows and uneven light stay, ink
    goes.
    """
    pixels = np.asarray(image)
    height, width = pixels.shape
    block = 8
    rows, cols = max(height // block, 1), max(width // block, 1)
    top = cv2.dilate(pixels, np.ones((block, block), np.uint8))
    small = cv2.resize(top, (cols, rows), interpolation=cv2.INTER_NEAREST)
    small = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    small = cv2.blur(small, (5, 5))
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)


def histogram(pixels: np.ndarray) -> np.ndarray:
    """How many pixels of each grey 0-255."""
    return cv2.calcHist([pixels], [0], None, [256], [0, 256]).ravel()


def otsu(counts: np.ndarray) -> int:
    """Otsu's split of a grey histogram: the grey that best parts dark from light.

    >>> otsu(np.bincount([10] * 5 + [200] * 20, minlength=256))
    10
    """
    levels = np.arange(256)
    weight = np.cumsum(counts)
    total = weight[-1]
    mass = np.cumsum(counts * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mass[-1] * weight - mass * total) ** 2 / (weight * (total - weight))
    return int(np.argmax(np.nan_to_num(between, nan=-1.0, posinf=-1.0)))


def _median(counts: np.ndarray) -> float:
    return float(np.searchsorted(np.cumsum(counts), counts.sum() / 2))


def _levels(pixels: np.ndarray) -> tuple[float | None, float]:
    """``(ink, paper)``: the median greys either side of Otsu's split.

    The ink is ``None`` when under :data:`FLAT_MIN_INK` of the page is darker
    than the split: a blank page's specks and noise are not ink to stretch.
    """
    counts = histogram(pixels)
    split = otsu(counts) + 1
    dark, light = counts[:split], counts[split:]
    paper = split + _median(light) if light.sum() else 255.0
    if dark.sum() < FLAT_MIN_INK * pixels.size:
        return None, paper
    return _median(dark), paper


def stretch(ink: float | None, paper: float = 255.0) -> np.ndarray:
    """A 256-entry table taking ``paper`` to white and ``ink`` to
    :data:`INK_TARGET`, lifting the contrast at most :data:`MAX_GAIN` times.

    >>> table = stretch(170.0)
    >>> int(table[255]), int(table[170]) <= 60, int(table[0])
    (255, True, 0)
    >>> bool((stretch(30.0) == np.arange(256)).all())
    True
    >>> int(stretch(None, 245.0)[245]), int(stretch(None, 245.0)[200])
    (255, 208)
    """
    floor = 0.0
    if ink is not None and ink < paper:
        share = INK_TARGET / 255
        floor = max((ink - share * paper) / (1 - share), 0.0)
    floor = min(floor, paper - 255 / MAX_GAIN)
    values = (np.arange(256) - floor) * 255 / max(paper - floor, 1.0)
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def flatten_light(image: Image.Image) -> Image.Image:
    """Even out shadows and uneven light, whiten the paper, darken pale ink.

    Each pixel is divided by the :func:`background` under it, then the ink
    is stretched towards :data:`INK_TARGET` (:func:`stretch`). Both act pixel
    by pixel, so a speck stays a speck; a clean scan (white paper, black
    ink) comes back as it was.
    """
    pixels = np.asarray(image)
    flat = cv2.divide(pixels, background(image), scale=255)
    return Image.fromarray(cv2.LUT(flat, stretch(*_levels(flat))))


# --- photos ------------------------------------------------------------------


def _looks_photographed(pixels: np.ndarray) -> bool:
    """Whether the frame's border is much darker than its middle: a sheet on
    a desk, not a scan (whose border is paper, or the white of the platen).
    """
    height, width = pixels.shape
    ring = max(min(height, width) // 40, 2)
    border = np.concatenate(
        (
            pixels[:ring].ravel(),
            pixels[-ring:].ravel(),
            pixels[:, :ring].ravel(),
            pixels[:, -ring:].ravel(),
        )
    )
    middle = pixels[height // 4 : 3 * height // 4 : 4, width // 4 : 3 * width // 4 : 4]
    return float(np.median(middle)) - float(np.median(border)) >= BORDER_CONTRAST


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four corners clockwise from the one nearest the top left (x + y least).

    >>> order_corners(np.array([[9, 9], [0, 0], [0, 9], [9, 0]])).tolist()
    [[0.0, 0.0], [9.0, 0.0], [9.0, 9.0], [0.0, 9.0]]
    """
    points = np.asarray(points, np.float32).reshape(4, 2)
    middle = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - middle[1], points[:, 0] - middle[0])
    points = points[np.argsort(angles)]  # clockwise, y pointing down
    return np.roll(points, -int(np.argmin(points.sum(axis=1))), axis=0)


def find_sheet(image: Image.Image) -> np.ndarray | None:
    """The corners of a photographed sheet (4x2, clockwise from top left), or ``None``.

    Only looked for when the frame's border is darker than its middle. On a
    copy about 600 pixels long, edges are found in the log of the grey (so
    a sheet's edge in shadow is as strong as in light), and the outline of
    everything they enclose taken as a quadrilateral: its convex hull
    simplified to four corners, or failing that the smallest rectangle
    around it. ``None`` when that covers under :data:`SHEET_MIN_SHARE` of
    the frame, or the sheet fills it.
    """
    pixels = np.asarray(image)
    if not _looks_photographed(pixels):
        return None
    factor = 600 / max(pixels.shape)
    small = cv2.resize(pixels, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    logged = cv2.GaussianBlur(np.log1p(small.astype(np.float32)), (5, 5), 0)
    logged = cv2.normalize(logged, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    edges = cv2.dilate(cv2.Canny(logged, 30, 90), np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    hulls = [cv2.convexHull(contour) for contour in contours]
    hull = max(hulls, key=cv2.contourArea)
    area = cv2.contourArea(hull)
    if not SHEET_MIN_SHARE * small.size <= area <= SHEET_MAX_SHARE * small.size:
        return None
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(quad) != 4:
        quad = cv2.boxPoints(cv2.minAreaRect(hull))
    return order_corners(quad) / factor


def sheet_size(corners: np.ndarray) -> tuple[int, int]:
    """The pixel size at :data:`DPI` of the sheet with these corners.

    The sheet's short side is taken to be A4's (210 mm); its aspect is read
    off the mean of opposite sides, and taken as A4's when within
    :data:`A4_SNAP`.

    >>> sheet_size(np.array([[0, 0], [100, 0], [100, 150], [0, 150]]))
    (1654, 2339)
    >>> sheet_size(np.array([[0, 0], [100, 0], [100, 100], [0, 100]]))
    (1654, 1654)
    """
    across, down = _sides(corners)
    aspect = max(across, down) / max(min(across, down), 1.0)
    if abs(aspect - A4) <= A4_SNAP * A4:
        aspect = A4
    short = round(210 / 25.4 * DPI)
    long = round(short * aspect)
    return (short, long) if across <= down else (long, short)


def straighten(image: Image.Image) -> Image.Image:
    """A photographed sheet cut out of its photo and seen square-on at :data:`DPI`.

    The sheet found by :func:`find_sheet` is warped by perspective onto an
    upright rectangle of :func:`sheet_size` (upscaled when the photo is
    coarser: ``info[DETAIL]`` of the image says how much of the photo's own
    detail each pixel holds, 1.0 at most). The image itself comes back when
    there is no sheet to find, as on any scan.
    """
    corners = find_sheet(image)
    if corners is None:
        return image
    width, height = sheet_size(corners)
    detail = min(1.0, min(_sides(corners)) / min(width, height))
    # Corners drawn in by 1% of the way to the middle (2-3 mm, inside any
    # form's margin), so no sliver of desk is left along the edges.
    corners = corners + (corners.mean(axis=0) - corners) * SHEET_INSET
    target = np.float32([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]])
    warp = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    flat = cv2.warpPerspective(
        np.asarray(image),
        warp,
        (width, height),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_REPLICATE,
    )
    straight = Image.fromarray(flat)
    straight.info[DETAIL] = detail
    return straight


def _sides(corners: np.ndarray) -> tuple[float, float]:
    """The sheet's width and height in the photo's pixels, each the mean of
    its two opposite sides (corners: top-left, top-right, bottom-right,
    bottom-left)."""
    tl, tr, br, bl = np.asarray(corners, np.float64)
    across = (np.hypot(*(tr - tl)) + np.hypot(*(br - bl))) / 2
    down = (np.hypot(*(bl - tl)) + np.hypot(*(br - tr))) / 2
    return float(across), float(down)


# --- two pages on one sheet ----------------------------------------------------


def _content_box(ink: np.ndarray, margin: int) -> tuple[int, int, int, int]:
    """``(left, top, right, bottom)`` around the rows and columns holding ink
    (more than two pixels, so a speck does not count), widened by ``margin``.
    """
    rows = np.flatnonzero(ink.sum(axis=1) > 2)
    cols = np.flatnonzero(ink.sum(axis=0) > 2)
    height, width = ink.shape
    if not len(rows) or not len(cols):
        return 0, 0, width, height
    return (
        max(int(cols[0]) - margin, 0),
        max(int(rows[0]) - margin, 0),
        min(int(cols[-1]) + 1 + margin, width),
        min(int(rows[-1]) + 1 + margin, height),
    )


def find_gutter(ink: np.ndarray) -> tuple[int, int] | None:
    """The columns ``(start, end)`` of an empty gutter parting two pages, or ``None``.

    The widest run of columns without ink (two pixels allowed, for specks)
    inside :data:`GUTTER_ZONE`; it must be :data:`GUTTER_MIN` of the width
    and have :data:`SIDE_INK_MIN` of the ink on each side.

    >>> sheet = np.zeros((40, 100), np.uint8)
    >>> sheet[5:35, 5:40] = sheet[5:35, 60:95] = 1
    >>> find_gutter(sheet)
    (40, 60)
    >>> sheet[15:25, 40:60] = 1
    >>> find_gutter(sheet) is None
    True
    """
    profile = ink.sum(axis=0)
    width = len(profile)
    lo, hi = int(width * GUTTER_ZONE[0]), int(width * GUTTER_ZONE[1])
    empty = np.concatenate(([0], (profile[lo:hi] <= 2).astype(np.int8), [0]))
    edges = np.diff(empty)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(starts):
        return None
    widest = int(np.argmax(ends - starts))
    start, end = lo + int(starts[widest]), lo + int(ends[widest])
    total = max(int(profile.sum()), 1)
    if end - start < GUTTER_MIN * width:
        return None
    if min(profile[:start].sum(), profile[end:].sum()) < SIDE_INK_MIN * total:
        return None
    return start, end


def split_two_up(image: Image.Image) -> list[Image.Image]:
    """A landscape sheet of two pages side by side as the two pages, else ``[image]``.

    Each page is cut at the :func:`find_gutter`, trimmed to its print (with
    a 5 mm margin) and scaled back up by the sheet's reduction (height over
    half the width, at most 1.5: about 1.41 for A4), so its print is the
    size a page of its own would be (``info[DETAIL]`` says by how much).
    """
    pixels = np.asarray(image)
    height, width = pixels.shape
    if width < 1.2 * height:
        return [image]
    # A 3x3 median first: scanner specks in the gutter are not print.
    ink = (cv2.medianBlur(pixels, 3) < 128).astype(np.uint8)
    gutter = find_gutter(ink)
    if gutter is None:
        return [image]
    middle = (gutter[0] + gutter[1]) // 2
    factor = min(max(2 * height / width, 1.0), 1.5)
    margin = round(5 / 25.4 * DPI / factor)
    pages = []
    for x0, x1 in ((0, middle), (middle, width)):
        left, top, right, bottom = _content_box(ink[:, x0:x1], margin)
        page = image.crop((x0 + left, top, x0 + right, bottom))
        size = (round(page.width * factor), round(page.height * factor))
        page = page.resize(size, Image.BICUBIC)
        page.info[DETAIL] = 1 / factor
        pages.append(page)
    return pages


# --- blank pages ---------------------------------------------------------------


def ink_share(image: Image.Image) -> float:
    """The share of the page (its :data:`BLANK_MARGIN` left out) that is ink.

    Ink is :data:`INK_DEPTH` darker than the paper (the page's median grey),
    so pale print counts; in marks of at least :data:`SPECK_PX` pixels, so
    dust and noise do not.

    >>> page = Image.new("L", (100, 100), 240)
    >>> page.paste(170, (40, 40, 60, 50))
    >>> round(ink_share(page), 4)  # 20x10 of 84x84
    0.0283
    """
    pixels = np.asarray(image)
    height, width = pixels.shape
    dy, dx = int(height * BLANK_MARGIN), int(width * BLANK_MARGIN)
    inner = pixels[dy : height - dy, dx : width - dx]
    paper = _median(histogram(inner))
    ink = (inner < paper - INK_DEPTH).astype(np.uint8)
    if not ink.any():
        return 0.0
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    return float(areas[areas >= SPECK_PX].sum()) / ink.size


def is_blank(image: Image.Image) -> bool:
    """Whether the page is blank, or as good as: :func:`ink_share` under
    :data:`BLANK_INK`. Give it a photo through :func:`flatten_light` first,
    or a shadow may count as ink.

    >>> is_blank(Image.new("L", (400, 600), 250))
    True
    """
    return ink_share(image) < BLANK_INK


# --- the chain -----------------------------------------------------------------


def prepare_capture(image: Image.Image, bilevel: bool = False) -> list[tuple[Image.Image, str]]:
    """A captured page as upright, flat, evenly lit pages, each with a note.

    :func:`straighten` (photos), :func:`flatten_light`, then, unless the page
    :func:`is_blank`, :func:`upright` and :func:`split_two_up`. The two pages
    of a 2-up sheet share its turn, so they are not turned again. The note
    says what was done ("photo straightened; turned 180°"), or is empty.
    """
    notes = []
    if bilevel:
        image = image.filter(ImageFilter.GaussianBlur(SMOOTH_RADIUS))
    flat = straighten(image)
    if flat is not image:
        notes.append("photo straightened")
    detail = flat.info.get(DETAIL, 1.0)
    flat = flatten_light(flat)
    if is_blank(flat):
        return [(flat, "; ".join([*notes, "blank page"]))]
    flat, degrees = upright(flat)
    if degrees:
        notes.append(f"turned {degrees}°")
    pages = split_two_up(flat)
    for page in pages:
        page.info[DETAIL] = detail * page.info.get(DETAIL, 1.0) if page is not flat else detail
    if len(pages) == 1:
        return [(pages[0], "; ".join(notes))]
    sides = ("2 pages on one sheet, left", "2 pages on one sheet, right")
    return [(page, "; ".join([*notes, side])) for page, side in zip(pages, sides, strict=True)]
