"""Scanned paper: a form PDF printed to pixels, turned a little, dusted, re-wrapped.

Each page is rendered with pypdfium2 (fillable fields drawn) at the scan's
resolution, rotated by under a degree, sprinkled with specks (single dark
pixels and a few 2x2 dots, from a seeded generator), and saved as a JPEG
inside an image-only PDF, the way an office scanner writes one.
"""

from __future__ import annotations

import io
import time

import numpy as np
import pypdfium2
from PIL import Image

#: Share of pixels turned into specks.
SPECKLE = 0.002


def rendered(pdf: bytes, dpi: int) -> list[Image.Image]:
    """Every page of ``pdf`` in grey at ``dpi``, fillable fields drawn."""
    document = pypdfium2.PdfDocument(pdf)
    document.init_forms()
    pages = [
        page.render(scale=dpi / 72, grayscale=True, may_draw_forms=True).to_pil().convert("L")
        for page in document
    ]
    document.close()
    return pages


def scanned(
    image: Image.Image, angle: float, rng: np.random.Generator, speckle: float = SPECKLE
) -> Image.Image:
    """A grey page image as the scanner sees it: turned by ``angle`` degrees, dusted."""
    image = image.convert("L").rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    pixels = np.array(image)
    pixels[rng.random(pixels.shape) < speckle] = 0
    dots = rng.random(pixels.shape) < speckle / 20
    for dy, dx in ((0, 1), (1, 0), (1, 1)):
        pixels[np.roll(np.roll(dots, dy, axis=0), dx, axis=1)] = 0
    pixels[dots] = 0
    return Image.fromarray(pixels)


def scan_pages(pdf: bytes, dpi: int, angle: float, seed: int) -> list[Image.Image]:
    """Every page of ``pdf`` as a grey "scan" at ``dpi``, turned by ``angle`` degrees."""
    rng = np.random.default_rng(seed)
    return [scanned(page, angle, rng) for page in rendered(pdf, dpi)]


#: The date written into every scan's PDF, so that the generator makes the
#: same bytes each run (Pillow writes the time of day otherwise).
SCANNED_ON = time.strptime("2026-11-14 09:42", "%Y-%m-%d %H:%M")


def image_pdf(pages: list[Image.Image], dpi: int, quality: int = 80) -> bytes:
    """The images as an image-only PDF (one JPEG per page)."""
    out = io.BytesIO()
    pages[0].save(
        out,
        "PDF",
        resolution=float(dpi),
        save_all=True,
        append_images=pages[1:],
        quality=quality,
        creationDate=SCANNED_ON,
        modDate=SCANNED_ON,
    )
    return out.getvalue()


def scanned_pdf(pdf: bytes, dpi: int, angle: float, seed: int) -> bytes:
    """``pdf`` as it comes back from a scanner."""
    return image_pdf(scan_pages(pdf, dpi, angle, seed), dpi)
