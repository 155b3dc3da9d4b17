"""What happens to a printed page on its way in: photographed, faxed, printed
pale, printed two to a sheet, turned, or left blank between forms.

Each function takes page images (grey, as :func:`scans.rendered` makes them)
or PDF bytes and a seeded generator, so the same seed gives the same pixels.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
import pypdf
from PIL import Image, ImageDraw, ImageFont

from sample_forms.producers.scans import SCANNED_ON

#: A phone photo's pixels (3:4, as phone cameras take them).
PHOTO_SIZE = (1560, 2080)
#: A fax's resolution in "standard" mode: 204 dpi across, 98 dpi down.
FAX_DPI = (204, 98)


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cell: int) -> np.ndarray:
    """Noise in [0, 1] that changes over about ``cell`` pixels."""
    coarse = rng.random((shape[0] // cell + 2, shape[1] // cell + 2)).astype(np.float32)
    return cv2.resize(coarse, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC).clip(0, 1)


def _desk(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """A wooden desk top: a brown base, broad light changes and long grain."""
    height, width = shape
    grain = rng.random((height, max(width // 40, 2))).astype(np.float32)
    grain = cv2.resize(grain, (width, height), interpolation=cv2.INTER_CUBIC)
    grain = cv2.GaussianBlur(grain, (0, 0), 2.5)
    light = 0.75 + 0.35 * _smooth_noise(rng, shape, 400)
    base = np.array([96, 68, 46], np.float32)
    desk = base * (light * (0.85 + 0.3 * grain))[..., None]
    return desk.clip(0, 255)


def _soft_shadow(rng: np.random.Generator, shape: tuple[int, int], depth: float) -> np.ndarray:
    """A multiplier darkening one side of a soft straight edge (a hand or phone's shadow)."""
    height, width = shape
    angle = rng.uniform(0.2, 1.2) + (np.pi if rng.random() < 0.5 else 0.0)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    centre_x, centre_y = width * rng.uniform(0.35, 0.65), height * rng.uniform(0.45, 0.75)
    distance = (xs - centre_x) * np.cos(angle) + (ys - centre_y) * np.sin(angle)
    softness = 0.03 * max(shape)
    inside = 1 / (1 + np.exp(-distance / softness))
    return 1 - depth * inside


def photo(
    sheet: Image.Image, rng: np.random.Generator, fill: float, tilt: float, shadow: float
) -> Image.Image:
    """A phone photo of a printed ``sheet`` (a grey page image) lying on a desk.

    The sheet takes ``fill`` of the photo's width (0.7 puts an A4 sheet at
    about 130 dpi) and is warped in perspective: ``tilt`` is how far the top
    edge shrinks towards the camera's horizon (a share of the width) and also
    sets how far the sheet is turned. A soft shadow of depth ``shadow`` falls
    over part of it; then a little blur, sensor noise and a warm cast.
    """
    width, height = PHOTO_SIZE
    fit = (round(fill * width), round(fill * width * sheet.height / sheet.width))
    paper = np.array(sheet.convert("L").resize(fit, Image.LANCZOS), np.float32) / 255
    tint = np.array([246, 243, 234], np.float32)
    page = paper[..., None] * tint
    sheet_h, sheet_w = paper.shape
    half_w, half_h = sheet_w / 2, sheet_h / 2
    inset = tilt * sheet_w
    corners = np.array(
        [
            [-half_w + inset, -half_h],
            [half_w - inset * rng.uniform(0.6, 1.0), -half_h],
            [half_w, half_h],
            [-half_w, half_h],
        ],
        np.float32,
    )
    turn = np.deg2rad(rng.uniform(0.6, 1.0) * tilt * 60 * rng.choice([-1, 1]))
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]], np.float32)
    corners = corners @ rotation.T
    corners += rng.normal(0, 6, corners.shape).astype(np.float32)
    corners += np.array([width / 2 + rng.normal(0, 20), height / 2 + rng.normal(0, 20)], np.float32)
    source = np.array([[0, 0], [sheet_w, 0], [sheet_w, sheet_h], [0, sheet_h]], np.float32)
    warp = cv2.getPerspectiveTransform(source, corners)
    size = (width, height)
    flat = cv2.warpPerspective(page, warp, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones(paper.shape, np.float32), warp, size)
    desk = _desk(rng, (height, width))
    drop = cv2.GaussianBlur(np.roll(mask, (14, 10), axis=(0, 1)), (0, 0), 12)
    desk *= (1 - 0.55 * drop)[..., None]
    image = desk * (1 - mask[..., None]) + flat * mask[..., None]
    light = 0.88 + 0.18 * _smooth_noise(rng, (height, width), 700)
    image *= (light * _soft_shadow(rng, (height, width), shadow))[..., None]
    image *= np.array([1.0, 0.99, 0.97], np.float32)
    image = cv2.GaussianBlur(image, (0, 0), 0.6 + 0.6 * shadow)
    image += rng.normal(0, 2.5, image.shape).astype(np.float32)
    return Image.fromarray(image.clip(0, 255).astype(np.uint8), "RGB")


def fax(page: Image.Image, rng: np.random.Generator, header: str) -> Image.Image:
    """A grey page image at 204 dpi, as a standard-mode fax receives it.

    The sending machine's ``header`` line is printed across the top, the rows
    are squeezed to 98 dpi, and every pixel is made black or white with
    ragged edges and a little line noise.
    """
    page = page.convert("L").copy()
    font = ImageFont.load_default(size=max(page.width // 80, 10))
    ImageDraw.Draw(page).text((page.width // 40, page.height // 140), header, fill=0, font=font)
    rows = round(page.height * FAX_DPI[1] / FAX_DPI[0])
    squeezed = cv2.resize(
        np.array(page, np.float32), (page.width, rows), interpolation=cv2.INTER_AREA
    )
    squeezed += rng.normal(0, 22, squeezed.shape).astype(np.float32)
    black = squeezed < 150
    black |= rng.random(black.shape) < 0.0004
    for row in rng.integers(rows // 8, rows, 3):
        black[row, : page.width // 3] ^= rng.random(page.width // 3) < 0.3
    return Image.fromarray(~black).convert("1")


def bilevel_pdf(pages: list[Image.Image], dpi: tuple[int, int]) -> bytes:
    """1-bit page images as a PDF, each stored CCITT Group 4 at ``dpi`` (x, y)."""
    out = io.BytesIO()
    pages[0].save(
        out,
        "PDF",
        dpi=dpi,
        save_all=True,
        append_images=pages[1:],
        creationDate=SCANNED_ON,
        modDate=SCANNED_ON,
    )
    return out.getvalue()


def pale(page: Image.Image, rng: np.random.Generator, ink: float, uneven: float) -> Image.Image:
    """A grey page printed with ``ink`` of the toner (0.4: black prints at 60 % grey).

    ``uneven`` adds a toner-low fade across the page and lighter vertical bands.
    """
    pixels = np.array(page.convert("L"), np.float32)
    height, width = pixels.shape
    fade = np.linspace(1 + uneven, 1 - uneven, width, dtype=np.float32)[None, :]
    bands = 1 - uneven * 1.5 * (_smooth_noise(rng, (1, width), 60) > 0.75)
    strength = ink * fade * cv2.GaussianBlur(bands.astype(np.float32), (0, 0), 6)
    out = 255 - (255 - pixels) * strength
    return Image.fromarray(out.clip(0, 255).astype(np.uint8))


def blank(size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    """A blank separator sheet as scanned: faint grey mottling and a shadowed top edge."""
    width, height = size
    pixels = 250 - 6 * _smooth_noise(rng, (height, width), 150)
    pixels[: height // 300 + 2] -= 90
    pixels += rng.normal(0, 1.5, pixels.shape)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8))


def two_up(pdf: bytes, scale: float = 0.69) -> bytes:
    """The first two pages of ``pdf`` side by side on one landscape A4 sheet ("2 per sheet")."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    width, height = 842.0, 595.0
    sheet = pypdf.PageObject.create_blank_page(width=width, height=height)
    for i, page in enumerate(reader.pages[:2]):
        box = page.mediabox
        page_w, page_h = float(box.width) * scale, float(box.height) * scale
        x = width / 4 * (1 + 2 * i) - page_w / 2
        y = (height - page_h) / 2
        move = pypdf.Transformation().scale(scale).translate(x, y)
        sheet.merge_transformed_page(page, move)
    writer = pypdf.PdfWriter()
    writer.add_page(sheet)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_rotate(pdf: bytes, degrees: int) -> bytes:
    """``pdf`` with ``/Rotate degrees`` set on every page (the content unchanged)."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        page.rotate(degrees)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
