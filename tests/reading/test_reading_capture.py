"""Captured pages made upright, flat and one page each: turned pages, phone
photos, pale prints, 2-up sheets and blank separator sheets, all made from a
real form page rendered as the OCR path renders it.
"""

from __future__ import annotations

import io
import pathlib

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from intake.reading import capture
from intake.reading.raster import binarise, estimate_skew

FORMS = pathlib.Path(__file__).resolve().parents[2] / "sample_forms"


def render(name: str, index: int = 0) -> Image.Image:
    """A page of a committed sample PDF as the OCR path renders it (200 dpi grey)."""
    document = pdfium.PdfDocument(FORMS / name)
    try:
        bitmap = document[index].render(scale=capture.DPI / 72, grayscale=True)
        return bitmap.to_pil().convert("L")
    finally:
        document.close()


@pytest.fixture(scope="module")
def form() -> Image.Image:
    return render("applied_gp_partner.pdf")


@pytest.fixture(scope="module")
def letter() -> Image.Image:
    return render("applied_icb_with_covering_letter.pdf")


def turned(page: Image.Image, degrees: int) -> Image.Image:
    """The page's content turned ``degrees`` clockwise."""
    return page.rotate(-degrees, expand=True)


DESK_QUAD = ((260, 190), (1290, 250), (1400, 1860), (110, 1790))


def photographed(
    page: Image.Image,
    seed: int = 0,
    frame: tuple[int, int] = (1500, 2000),
    quad: tuple[tuple[int, int], ...] = DESK_QUAD,
    shade: float = 0.55,
) -> Image.Image:
    """A phone photo of the page: on a dark desk at ``quad`` (keystoned), in
    light falling off to ``shade`` across the frame, about 130 dpi on the
    paper, a little blurred and noisy, JPEG at quality 60.
    """
    rng = np.random.default_rng(seed)
    frame_w, frame_h = frame
    corners = np.float32([[0, 0], [page.width, 0], [page.width, page.height], [0, page.height]])
    warp = cv2.getPerspectiveTransform(corners, np.float32(quad))
    paper = cv2.warpPerspective(
        np.asarray(page), warp, (frame_w, frame_h), flags=cv2.INTER_AREA, borderValue=0
    )
    inside = cv2.warpPerspective(
        np.full(page.size[::-1], 255, np.uint8), warp, (frame_w, frame_h), borderValue=0
    )
    desk = 60 + rng.normal(0, 8, (frame_h, frame_w))
    pixels = np.where(inside > 127, paper.astype(np.float64) * 0.93, desk)
    xs = np.linspace(1.0, shade, frame_w)[None, :]
    ys = np.linspace(1.0, 0.85, frame_h)[:, None]
    pixels = cv2.GaussianBlur(pixels * xs * ys, (3, 3), 0) + rng.normal(0, 3, (frame_h, frame_w))
    return jpeg(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)), 60)


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


def two_up(left: Image.Image, right: Image.Image) -> Image.Image:
    """Two A4 pages printed side by side on one landscape A4 sheet."""
    sheet = Image.new("L", (left.height, left.width), 255)
    half = (sheet.width // 2, sheet.height)
    sheet.paste(left.resize(half, Image.LANCZOS), (0, 0))
    sheet.paste(right.resize(half, Image.LANCZOS), (half[0], 0))
    return sheet


def pale(page: Image.Image, strength: float = 0.35) -> Image.Image:
    """The page printed with ``strength`` of its ink (an ink-saving print)."""
    return page.point(lambda v: round(255 - (255 - v) * strength))


def blank_sheet(seed: int = 0) -> Image.Image:
    """A scanned separator sheet: grey paper with noise, dust and two punch holes."""
    rng = np.random.default_rng(seed)
    pixels = rng.normal(242, 5, (2339, 1654))
    for _ in range(300):
        y, x, size = rng.integers(0, 2336), rng.integers(0, 1651), rng.integers(1, 4)
        pixels[y : y + size, x : x + size] = 40
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    pen = ImageDraw.Draw(image)
    for y in (780, 1560):
        pen.ellipse((70, y - 24, 118, y + 24), fill=90)
    return image


def ink_median(page: Image.Image, where: np.ndarray) -> float:
    return float(np.median(np.asarray(page)[where]))


def read_title(page: Image.Image) -> str:
    """Tesseract's reading of the top eighth of the page."""
    import tesserocr

    strip = page.crop((0, 0, page.width, page.height // 8))
    with tesserocr.PyTessBaseAPI(path=capture.tessdata(), lang="eng") as api:
        api.SetImage(strip)
        return api.GetUTF8Text()


def test_the_tessdata_folder_holds_orientation_data() -> None:
    assert (pathlib.Path(capture.tessdata()) / "osd.traineddata").is_file()


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_tesseract_reads_which_way_a_turned_page_faces(form: Image.Image, degrees: int) -> None:
    found = capture.osd(turned(form, degrees))
    assert found is not None
    assert found[0] == degrees
    assert found[1] >= capture.OSD_MIN_CONF


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_it_turns_a_turned_page_back_upright(form: Image.Image, degrees: int) -> None:
    page = turned(form, degrees)
    assert not capture.looks_upright(page)
    back, found = capture.upright(page)
    assert found == degrees
    assert np.array_equal(np.asarray(back), np.asarray(form))


@pytest.mark.parametrize("page", ["form", "letter"])
def test_an_upright_page_is_left_as_it_is_without_asking_tesseract(
    page: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = request.getfixturevalue(page)
    monkeypatch.setattr(capture, "osd", lambda _image: pytest.fail("tesseract asked"))
    assert capture.upright(image) == (image, 0)


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_turned_page_its_lines_cannot_tell_is_read_by_tesseract(
    form: Image.Image, degrees: int
) -> None:
    page = turned(form.rotate(3.5, resample=Image.BILINEAR, fillcolor=255), degrees)
    assert capture.line_orientation(page) is None
    assert capture.orientation(page) == degrees


def test_a_page_skewed_by_a_degree_still_reads_as_upright(form: Image.Image) -> None:
    assert capture.looks_upright(form.rotate(1.0, resample=Image.BILINEAR, fillcolor=255))


def test_a_page_with_no_text_is_not_turned() -> None:
    assert capture.orientation(blank_sheet()) == 0


def test_a_clean_scan_passes_through_straighten_unchanged(form: Image.Image) -> None:
    assert capture.find_sheet(form) is None
    assert capture.straighten(form) is form


def test_it_finds_the_corners_of_a_photographed_sheet(form: Image.Image) -> None:
    corners = capture.find_sheet(photographed(form))
    assert corners is not None
    assert np.abs(corners - DESK_QUAD).max() < 15


def test_a_photographed_sheet_comes_out_flat_square_on_and_readable(form: Image.Image) -> None:
    flat = capture.flatten_light(capture.straighten(photographed(form)))
    assert flat.size == (1654, 2339)
    assert abs(estimate_skew(binarise(flat))) <= 0.3
    paper = np.asarray(flat)[300:2200:50, 100:1550:50]
    assert np.median(paper[:, :5]) > 230 and np.median(paper[:, -5:]) > 230  # shadow gone
    assert "Authorisation" in read_title(flat)


def test_a_photo_taken_upside_down_is_straightened_and_turned(form: Image.Image) -> None:
    [(page, note)] = capture.prepare_capture(photographed(turned(form, 180), seed=1))
    assert note == "photo straightened; turned 180°"
    assert capture.looks_upright(page)


def test_a_sideways_photo_in_deep_shadow_is_straightened_and_turned(form: Image.Image) -> None:
    quad = ((150, 200), (1850, 120), (1900, 1350), (100, 1400))
    photo = photographed(turned(form, 90), seed=3, frame=(2000, 1500), quad=quad, shade=0.4)
    [(page, note)] = capture.prepare_capture(photo)
    assert note == "photo straightened; turned 90°"
    assert page.size == (1654, 2339)
    assert "Authorisation" in read_title(page)


def test_flattening_leaves_a_clean_scan_as_it_was(form: Image.Image) -> None:
    flat = np.asarray(capture.flatten_light(form)).astype(int)
    assert np.abs(flat - np.asarray(form)).max() <= 2


def test_flattening_darkens_pale_print_to_the_original_ink(form: Image.Image) -> None:
    text = np.asarray(form) < 128
    faint = pale(form)
    assert ink_median(faint, text) > 150
    flat = capture.flatten_light(faint)
    assert ink_median(flat, text) <= ink_median(form, text) + 50
    assert ink_median(flat, ~text) >= 250


def test_flattening_does_not_grow_specks_into_ink() -> None:
    sheet = blank_sheet()
    before = (np.asarray(sheet) < 128).sum()
    after = (np.asarray(capture.flatten_light(sheet)) < 128).sum()
    assert after <= before * 1.1


def test_a_noisy_blank_sheet_is_blank_and_a_form_is_not(form: Image.Image) -> None:
    assert capture.is_blank(capture.flatten_light(blank_sheet()))
    assert not capture.is_blank(capture.flatten_light(form))
    assert not capture.is_blank(pale(form))


def test_a_blank_sheet_is_noted_and_not_turned_or_split() -> None:
    [(_, note)] = capture.prepare_capture(blank_sheet(seed=2))
    assert note == "blank page"


def similarity(a: Image.Image, b: Image.Image) -> float:
    """Correlation of two pages' print, each trimmed to its ink and shrunk alike."""

    def small(page: Image.Image) -> np.ndarray:
        ink = (np.asarray(page) < 128).astype(np.uint8)
        box = capture._content_box(ink, 0)
        cut = page.crop(box).resize((120, 160), Image.BOX)
        return np.asarray(cut, np.float64).ravel()

    return float(np.corrcoef(small(a), small(b))[0, 1])


def print_size(page: Image.Image) -> tuple[int, int]:
    left, top, right, bottom = capture._content_box((np.asarray(page) < 128).astype(np.uint8), 0)
    return right - left, bottom - top


def test_a_two_up_sheet_splits_into_its_two_pages(form: Image.Image, letter: Image.Image) -> None:
    left, right = capture.split_two_up(two_up(form, letter))
    assert left.height > left.width and right.height > right.width
    assert similarity(left, form) > 0.9 and similarity(right, letter) > 0.9
    assert similarity(left, letter) < 0.5
    # Scaled back up: the print is as large as on the page printed alone.
    assert print_size(left) == pytest.approx(print_size(form), rel=0.02)
    assert print_size(right) == pytest.approx(print_size(letter), rel=0.02)


def test_a_landscape_page_without_a_gutter_is_one_page(form: Image.Image) -> None:
    sheet = Image.new("L", (form.height, form.width), 255)
    sheet.paste(form.crop((0, 0, form.width, form.width)), (340, 0))
    assert capture.split_two_up(sheet) == [sheet]


def test_a_portrait_page_is_never_split(form: Image.Image) -> None:
    assert capture.split_two_up(form) == [form]


def test_a_two_up_sheet_scanned_sideways_is_turned_then_split(
    form: Image.Image, letter: Image.Image
) -> None:
    pages = capture.prepare_capture(turned(two_up(form, letter), 90))
    assert [note for _, note in pages] == [
        "turned 90°; 2 pages on one sheet, left",
        "turned 90°; 2 pages on one sheet, right",
    ]
    assert similarity(pages[0][0], form) > 0.9


def test_a_clean_scan_goes_through_the_chain_untouched(form: Image.Image) -> None:
    [(page, note)] = capture.prepare_capture(form)
    assert note == ""
    assert np.abs(np.asarray(page).astype(int) - np.asarray(form)).max() <= 2


def test_a_page_that_is_its_own_scan_holds_all_its_detail(form: Image.Image) -> None:
    [(page, _)] = capture.prepare_capture(form)
    assert page.info.get(capture.DETAIL, 1.0) == 1.0


def test_a_photo_upscaled_to_be_read_says_how_much_detail_it_holds(form: Image.Image) -> None:
    photo = photographed(form)
    small = photo.resize((photo.width // 2, photo.height // 2), Image.BILINEAR)

    [(sharp, _)] = capture.prepare_capture(photo)
    [(coarse, _)] = capture.prepare_capture(small)

    assert 0 < coarse.info[capture.DETAIL] < sharp.info[capture.DETAIL] <= 1.0
    assert coarse.info[capture.DETAIL] == pytest.approx(sharp.info[capture.DETAIL] / 2, rel=0.1)


def test_each_page_of_a_two_up_sheet_holds_the_sheets_detail_only(
    form: Image.Image, letter: Image.Image
) -> None:
    pages = capture.prepare_capture(two_up(form, letter))

    assert len(pages) == 2
    for page, _ in pages:
        assert page.info[capture.DETAIL] == pytest.approx(1 / 1.41, abs=0.05)
