"""How sure an OCR value is: a near miss read again by both engines is settled;
what the page's hidden layer contradicts never is."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

from intake.reading import scanned
from intake.reading.model import FieldReading
from intake.reading.pages import Box, PageContent, Word
from intake.reading.raster import prepare
from intake.reading.visible import DISAGREES_CONFIDENCE
from verification.normalise import LOW_CONFIDENCE_THRESHOLD

SCALE = 200 / 72  # pixels per point, as the reader renders
FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"


def _typed_page(text: str) -> tuple[PageContent, Box]:
    """A page with ``text`` typed at 11 pt at (100, 100) points, and its value area."""
    width, height = 400.0, 200.0
    image = Image.new("L", (int(width * SCALE), int(height * SCALE)), 255)
    font = ImageFont.truetype(FONT, int(11 * SCALE))
    ImageDraw.Draw(image).text((100 * SCALE, 100 * SCALE), text, font=font, fill=0)
    _cleaned, raster, _angle = prepare(image, SCALE)
    page = PageContent(0, width, height, (), (), (), (), (), raster)
    return page, Box(98, 97, 390, 116)


def _read_as(text: str, confidence: float, page: PageContent) -> tuple[FieldReading, Word]:
    """What a first OCR pass might have said: ``text`` at the typed value's place."""
    word = Word(text, 100, 101, 100 + 5.5 * len(text), 113, confidence)
    return FieldReading(text, confidence, 0, "read by OCR"), word


@pytest.mark.parametrize(
    ("key", "typed", "misread"),
    [
        ("nominee_email", "rachel.stone@nhs.net", "tachel.stone@nhs.net"),
        ("requester_email", "zoe.harper@nhs.net", "20e.harper@nhs.net"),
        ("org_code", "B84041", "884041"),
        ("authoriser_name", "Dr Raj Mehta", "Or Raj Mehta"),
    ],
)
def test_a_near_miss_read_again_by_both_engines_is_settled(key, typed, misread) -> None:
    page, area = _typed_page(typed)
    reading, word = _read_as(misread, 0.85, page)

    result = scanned.checked(key, reading, [word], area, page)

    assert result.value == typed
    assert result.confidence >= LOW_CONFIDENCE_THRESHOLD
    assert "read again" in (result.note or "")


def test_a_value_the_hidden_layer_contradicts_is_never_settled() -> None:
    page, area = _typed_page("B84041")
    reading, word = _read_as("B84047", DISAGREES_CONFIDENCE, page)

    result = scanned.checked("org_code", reading, [word], area, page)

    assert result.confidence < LOW_CONFIDENCE_THRESHOLD


def test_a_reading_far_from_both_first_readings_is_not_settled() -> None:
    # Both engines read it again the same, but neither first reading was near.
    assert scanned._settled("org_code", ["CR4N62", "C4062"], ["CI9:4062", "C4062"]) is None
    assert scanned._settled("org_code", ["CR4N62", "C84062"], ["C84O62", "C84062"]) == "C84062"


def test_an_address_settled_only_when_every_dot_agrees() -> None:
    # A gap where the other engine read a dot is not the same address.
    assert (
        scanned._settled("nominee_email", ["hugo bennett@nhs.net"], ["hugo.bennett@nhs.net"])
        is None
    )
    assert (
        scanned._settled(
            "nominee_email", ["peter.shaw@nhs.net"], ["peter.shaw@nhis.net", "peter.shaw@ nhs.net"]
        )
        == "peter.shaw@nhs.net"
    )


def test_two_different_values_each_backed_by_both_engines_settle_nothing() -> None:
    assert scanned._settled("org_code", ["B84041", "B84047"], ["B84047", "B84041"]) is None


@pytest.mark.parametrize(
    ("read", "seen"),
    [
        ("Dr lan Ross", "Dr Ian Ross"),
        ("lan Royle", "Ian Royle"),
        ("Maria de la Cruz", "Maria de la Cruz"),
        ("IAN ROSS", "IAN ROSS"),
        ("lan", "lan"),
    ],
)
def test_a_capital_i_read_as_l_in_a_name_is_a_capital_i(read, seen) -> None:
    assert scanned.capital_i(read) == seen
