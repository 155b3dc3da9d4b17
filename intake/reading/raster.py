"""A scanned page as pixels: binarise, deskew, lift out table rules, count ink.

Everything here is cheap next to the OCR call it prepares (a few box filters
and one rotation of a 200 dpi page). The steps:

1. :func:`binarise` the rendered grey page (Otsu's threshold);
2. :func:`estimate_skew` by a projection-profile search: the angle that
   makes the rows of a reduced copy most uneven (text lines and rules
   lined up) within :data:`MAX_SKEW` degrees; the page is turned back by it;
3. :func:`rules` finds long horizontal and vertical runs (table borders,
   ruled lines). They are lifted out before OCR, which reads text in boxed
   cells far better without them, and before counting ink in a box;
4. specks up to 2x2 pixels are dropped (a pixel with fewer than 5 of its 3x3
   neighbourhood dark), so scanner dust is not ink.

A :class:`Raster` keeps the cleaned pixels and answers "how much ink lies in
this box?" in PDF points, the coordinates every reader step uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from intake.reading.geometry import Box

#: Largest skew searched for, in degrees either way.
MAX_SKEW = 2.0
#: Ink is counted in cells this size (points); a cell with less ink than
#: :data:`CELL_INK_PT2` holds only dust, however many specks the area has.
CELL_PT = 8.0
CELL_INK_PT2 = 1.2
#: A straight run this long (points) is a rule: longer than any letter stroke,
#: and than a bold word whose letters ran together in a blurred photo or fax.
RULE_H_PT = 100.0
RULE_V_PT = 16.0


@dataclass(frozen=True, eq=False)
class Raster:
    """The cleaned pixels of one page: ``ink[y, x]`` is True where ink lies.

    ``scale`` is pixels per PDF point; rules (table borders) are not ink.
    ``gray`` is the same page, straightened, before anything was taken out
    (for a second reading of a value, which needs its letters whole).
    ``detail`` says how sharp those pixels really are.
    """

    ink: np.ndarray
    scale: float
    gray: np.ndarray | None = None
    #: How much of its source's own detail each pixel holds (1.0, or less
    #: where a coarser image was rendered or a photo upscaled).
    detail: float = 1.0

    def gray_crop(self, box: Box) -> Image.Image | None:
        """The grey pixels inside ``box``, or ``None`` (kept no grey, or empty)."""
        if self.gray is None:
            return None
        x0, y0, x1, y1 = self._pixels(box)
        if x1 <= x0 or y1 <= y0:
            return None
        return Image.fromarray(self.gray[y0:y1, x0:x1])

    def dark_area(self, box: Box, exclude: tuple[Box, ...] = ()) -> float:
        """The ink inside ``box`` but outside every ``exclude`` box, in square points.

        Only cells (:data:`CELL_PT` square) holding a stroke's worth of ink
        count, so dust spread over a large area adds up to nothing.
        """
        x0, y0, x1, y1 = self._pixels(box)
        if x1 <= x0 or y1 <= y0:
            return 0.0
        window = self.ink[y0:y1, x0:x1].copy()
        for other in exclude:
            ex0, ey0, ex1, ey1 = self._pixels(other)
            window[max(ey0 - y0, 0) : max(ey1 - y0, 0), max(ex0 - x0, 0) : max(ex1 - x0, 0)] = False
        cell = max(int(CELL_PT * self.scale), 1)
        rows, cols = -(-window.shape[0] // cell), -(-window.shape[1] // cell)
        padded = np.zeros((rows * cell, cols * cell), dtype=np.int32)
        padded[: window.shape[0], : window.shape[1]] = window
        sums = padded.reshape(rows, cell, cols, cell).sum(axis=(1, 3)) / self.scale**2
        return float(sums[sums >= CELL_INK_PT2].sum())

    def share(self, box: Box) -> float:
        """The share of ``box`` that is ink (0..1), every pixel counted."""
        window = self.crop(box)
        return float(window.mean()) if window.size else 0.0

    def crop(self, box: Box) -> np.ndarray:
        """The ink pixels inside ``box`` (rows top to bottom)."""
        x0, y0, x1, y1 = self._pixels(box)
        return self.ink[y0:y1, x0:x1]

    def area(self, box: Box) -> int:
        """How many pixels ``box`` covers on the page."""
        x0, y0, x1, y1 = self._pixels(box)
        return max(x1 - x0, 0) * max(y1 - y0, 0)

    def _pixels(self, box: Box) -> tuple[int, int, int, int]:
        h, w = self.ink.shape
        s = self.scale
        return (
            min(max(int(box.x0 * s), 0), w),
            min(max(int(box.top * s), 0), h),
            min(max(int(box.x1 * s + 0.999), 0), w),
            min(max(int(box.bottom * s + 0.999), 0), h),
        )


def binarise(gray: Image.Image) -> Image.Image:
    """Ink as 255 and paper as 0 (mode ``L``), split at Otsu's threshold."""
    histogram = gray.histogram()
    total = sum(histogram)
    sum_all = sum(i * n for i, n in enumerate(histogram))
    weight = sum_below = 0.0
    best, threshold = -1.0, 128
    for level, count in enumerate(histogram):
        weight += count
        if weight == 0 or weight == total:
            continue
        sum_below += level * count
        mean_low = sum_below / weight
        mean_high = (sum_all - sum_below) / (total - weight)
        between = weight * (total - weight) * (mean_low - mean_high) ** 2
        if between > best:
            best, threshold = between, level
    threshold = min(max(threshold, 96), 208)
    return gray.point(lambda v: 255 if v <= threshold else 0)


def estimate_skew(ink: Image.Image) -> float:
    """The angle (degrees, PIL's sense) that turns the page's lines level.

    A coarse then a fine search over a 4x reduced copy: cheap, and close to a
    tenth of a degree, which is all line grouping needs.
    """
    small = np.asarray(ink.reduce(4), dtype=np.uint8)
    height, width = small.shape
    centre = (width / 2, height / 2)

    def score(angle: float) -> float:
        # Anticlockwise, as PIL's rotate, about the centre.
        matrix = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        turned = cv2.warpAffine(small, matrix, (width, height), flags=cv2.INTER_NEAREST)
        rows = turned.sum(axis=1, dtype=np.float64)
        return float(np.square(rows).sum())

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.25), key=lambda a: (score(a), -abs(a)))
    fine = {float(a): score(a) for a in np.arange(coarse - 0.2, coarse + 0.21, 0.05)}
    # Thick lines give a plateau of equal scores: take its middle.
    best = max(fine.values())
    plateau = [a for a, value in fine.items() if value >= best * 0.9995]
    return round(sum(plateau) / len(plateau), 2)


def _runs(ink: np.ndarray, length: int, horizontal: bool) -> np.ndarray:
    """Pixels in straight runs at least ``length`` long (a morphological opening)."""
    reach = 2 * max(length // 2, 1) + 1
    line = np.ones((1, reach) if horizontal else (reach, 1), np.uint8)
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, line)


def rules(ink: Image.Image, scale: float) -> Image.Image:
    """Long horizontal and vertical runs (table borders, ruled lines), a pixel wider.

    Worked on a 2x reduced copy: rules are long, so nothing is lost, and the
    filters cost a quarter.
    """
    half = (np.asarray(ink.reduce(2)) >= 64).astype(np.uint8) * 255
    found = np.maximum(
        _runs(half, int(RULE_H_PT * scale / 2), True),
        _runs(half, int(RULE_V_PT * scale / 2), False),
    )
    found = cv2.dilate(found, np.ones((3, 3), np.uint8))
    return Image.fromarray(found).resize(ink.size, Image.NEAREST)


def despeckle(ink: Image.Image) -> Image.Image:
    """Drop specks: keep a pixel when most (5) of its 3x3 neighbourhood are ink."""
    count = cv2.boxFilter((np.asarray(ink) > 0).astype(np.uint8), -1, (3, 3), normalize=False)
    return Image.fromarray(((count >= 5) * 255).astype(np.uint8))


def prepare(gray: Image.Image, scale: float) -> tuple[Image.Image, Raster, float]:
    """Clean a rendered page for OCR: ``(image for OCR, raster, skew angle)``.

    The OCR image is the deskewed grey page with rules and specks painted
    white (tesseract is surer of grey glyphs than of thresholded ones); the
    raster's ink is the same pixels, binarised.
    """
    angle = estimate_skew(binarise(gray))
    if abs(angle) >= 0.05:
        gray = gray.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
    ink = binarise(gray)
    content = np.asarray(despeckle(ink)) > 0
    content &= np.asarray(rules(ink, scale)) == 0
    straight = np.asarray(gray)
    pixels = straight.copy()
    pixels[~content] = 255
    return Image.fromarray(pixels), Raster(content, scale, straight), angle
