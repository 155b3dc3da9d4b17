"""How sure an OCR value is: a near miss read again by both engines is settled;
what the page's hidden layer contradicts never is."""

from __future__ import annotations

import dataclasses

import pytest
from PIL import Image, ImageDraw, ImageFont

from intake.reading import scanned
from intake.reading.geometry import Box
from intake.reading.model import FieldReading
from intake.reading.pages import PageContent, Word
from intake.reading.raster import prepare
from intake.reading.visible import DISAGREES_CONFIDENCE
from verification.normalise import LOW_CONFIDENCE_THRESHOLD

SCALE = 200 / 72  # pixels per point, as the reader renders
FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"


def _typed_page(
    text: str, misread: str, confidence: float, size: float = 11, detail: float = 1.0
) -> tuple[PageContent, Box, FieldReading, Word]:
    """A page with ``text`` typed at ``size`` pt at (100, 100) points, its
    value area, and what a first OCR pass might have said there
    (``misread``), as a reading and the page's one word."""
    width, height = 400.0, 200.0
    image = Image.new("L", (int(width * SCALE), int(height * SCALE)), 255)
    font = ImageFont.truetype(FONT, int(size * SCALE))
    ImageDraw.Draw(image).text((100 * SCALE, 100 * SCALE), text, font=font, fill=0)
    _cleaned, raster, _angle = prepare(image, SCALE)
    raster = dataclasses.replace(raster, detail=detail)
    word = Word(
        misread, 100, 100 + size / 11, 100 + size / 2 * len(text), 100 + size * 13 / 11, confidence
    )
    page = PageContent(0, width, height, (word,), (), (), (), (), raster)
    reading = FieldReading(misread, confidence, 0, "read by OCR")
    return page, Box(98, 97, 390, 100 + size * 1.6), reading, word


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
    page, area, reading, word = _typed_page(typed, misread, 0.85)

    result = scanned.checked(key, reading, [word], area, page)

    assert result.value == typed
    assert result.confidence >= LOW_CONFIDENCE_THRESHOLD
    assert "read again" in (result.note or "")


def test_a_value_the_hidden_layer_contradicts_is_never_settled() -> None:
    page, area, reading, word = _typed_page("B84041", "B84047", DISAGREES_CONFIDENCE)

    result = scanned.checked("org_code", reading, [word], area, page)

    assert result.confidence < LOW_CONFIDENCE_THRESHOLD


def test_two_readings_again_that_agree_only_with_each_other_settle_nothing() -> None:
    # Both engines read it again the same, but neither first reading said it.
    assert scanned._settled("org_code", "CR4N62", "CI9:4062", ("C4062", "C4062")) is None
    assert scanned._settled("org_code", "CR4N62", "C84062", ("C84062", "C84O62")) == "C84062"


def test_a_first_reading_the_second_engine_was_sure_of_is_never_overturned() -> None:
    again = ("tuth.lowe@nhs.net", "tuth.lowe@nhs.net")
    first, said = "tuth.lowe@nhs.net", "ruth.lowe@nhs.net"

    assert scanned._settled("authoriser_email", first, said, again, second_sure=True) is None
    assert scanned._settled("authoriser_email", first, said, again) == "tuth.lowe@nhs.net"


def test_an_address_is_settled_only_when_every_dot_agrees() -> None:
    # A gap where the other engine read a dot is not the same address.
    settled = scanned._settled
    assert (
        settled("nominee_email", "hugo bennett@nhs.net", "x", (None, "hugo bennett@nhs.net"))
        is None
    )
    assert (
        settled(
            "nominee_email",
            "peter.shaw@nhs.net",
            "peter.shaw@nhis.net",
            (None, "peter.shaw@ nhs.net"),
        )
        == "peter.shaw@nhs.net"
    )


def test_two_different_values_each_confirmed_by_the_other_engine_settle_nothing() -> None:
    assert scanned._settled("org_code", "B84041", "B84047", ("B84047", "B84041")) is None


@pytest.mark.parametrize(("size", "detail"), [(5, 1.0), (11, 0.5)])
def test_small_type_is_never_settled_by_reading_again(size, detail) -> None:
    # Type small on the page, or rendered from a coarser source (a fax).
    page, area, reading, word = _typed_page(
        "rachel.stone@nhs.net", "tachel.stone@nhs.net", 0.85, size, detail
    )

    result = scanned.checked("nominee_email", reading, [word], area, page)

    assert result.confidence < LOW_CONFIDENCE_THRESHOLD


@pytest.mark.parametrize(("size", "detail"), [(5, 1.0), (11, 0.5)])
def test_a_sure_reading_of_small_type_is_still_read_by_both_engines(size, detail) -> None:
    page, area, reading, word = _typed_page("Hugo Bennett", "Huge Bennett", 0.97, size, detail)

    result = scanned.checked("nominee_name", reading, [word], area, page)

    assert result.confidence < LOW_CONFIDENCE_THRESHOLD
    assert "second reading" in (result.note or "")


def test_nothing_read_in_tiny_type_is_sure() -> None:
    # Type under about 100 dpi: both engines may agree on "byme" for "byrne".
    page, area, reading, word = _typed_page("Hugo Bennett", "Hugo Bennett", 0.97, detail=0.3)

    result = scanned.checked("nominee_name", reading, [word], area, page)

    assert result.confidence < LOW_CONFIDENCE_THRESHOLD
    assert "too small" in (result.note or "")


def test_a_sure_reading_of_ordinary_type_stands_alone() -> None:
    page, area, reading, word = _typed_page("Hugo Bennett", "Hugo Bennett", 0.97)

    assert scanned.checked("nominee_name", reading, [word], area, page) == reading


def test_another_fields_label_inside_a_value_is_not_well_formed() -> None:
    assert not scanned.well_formed(
        "nominee_job_title", "Practice Manager Requester name Ellie Vaughan"
    )
    assert scanned.well_formed("nominee_job_title", "Practice Manager")


@pytest.mark.parametrize(
    ("key", "read", "sure"),
    [
        ("authoriser_name", "Or Claire Foster", False),
        ("authoriser_name", "Dr Claire Foster", True),
        ("nominee_name", "Farahlqbal", False),
    ],
)
def test_a_name_must_look_like_a_full_name(key, read, sure) -> None:
    assert scanned.well_formed(key, read) is sure


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
