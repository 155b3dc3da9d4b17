"""Cleaning a scanned page: skew, table rules, specks, and ink in a box."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from intake.reading import raster
from intake.reading.geometry import Box

SCALE = 200 / 72


def page_of_lines() -> Image.Image:
    """A grey page with rows of "text" (short dashes) and a table rule."""
    image = Image.new("L", (1200, 1600), 255)
    pen = ImageDraw.Draw(image)
    for row in range(200, 1400, 60):
        for x in range(120, 1000, 70):
            pen.rectangle((x, row, x + 50, row + 14), fill=0)
    pen.line((100, 1450, 1100, 1450), fill=0, width=3)
    return image


@pytest.mark.parametrize("angle", [-0.9, -0.4, 0.0, 0.6, 1.0])
def test_it_finds_the_skew_of_a_page_turned_under_a_degree(angle: float) -> None:
    turned = page_of_lines().rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    found = raster.estimate_skew(raster.binarise(turned))
    assert found == pytest.approx(-angle, abs=0.15)


def test_it_lifts_table_rules_out_and_keeps_the_text() -> None:
    _, cleaned, _ = raster.prepare(page_of_lines(), SCALE)
    rule = Box(100 / SCALE, 1440 / SCALE, 1100 / SCALE, 1460 / SCALE)
    text = Box(120 / SCALE, 200 / SCALE, 170 / SCALE, 214 / SCALE)
    assert cleaned.dark_area(rule) == 0
    assert cleaned.share(text) > 0.8


def test_dust_spread_over_a_box_is_not_ink() -> None:
    rng = np.random.default_rng(0)
    pixels = np.full((600, 600), 255, dtype=np.uint8)
    pixels[rng.random(pixels.shape) < 0.003] = 0
    _, cleaned, _ = raster.prepare(Image.fromarray(pixels), SCALE)
    assert cleaned.dark_area(Box(0, 0, 600 / SCALE, 600 / SCALE)) < 1.0
