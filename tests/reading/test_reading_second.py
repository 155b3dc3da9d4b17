"""The second recogniser: reads a cropped value, loads its model from the package."""

from __future__ import annotations

import pathlib

import pdfplumber
import pypdfium2
import pytest
import rapidocr_onnxruntime
from PIL import Image

from intake.reading import second

SAMPLES = pathlib.Path(__file__).resolve().parents[2] / "sample_forms"
DPI = 200


def _crop(pdf: pathlib.Path, text: str, slack: float = 24.0) -> Image.Image:
    """The rendered page around ``text`` (found in the text layer), with room to its right."""
    with pdfplumber.open(pdf) as document:
        (found, *_rest) = document.pages[0].search(text)
    page = pypdfium2.PdfDocument(str(pdf))[0]
    image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    s = DPI / 72
    box = (found["x0"] - 4, found["top"] - 4, found["x1"] + slack, found["bottom"] + 4)
    return image.crop(tuple(int(round(v * s)) for v in box))


def test_it_is_available() -> None:
    assert second.available()


def test_it_reads_a_typed_ods_code_from_a_rendered_form() -> None:
    reading = second.read_line(_crop(SAMPLES / "applied_gp_partner.pdf", "A81001"))

    assert reading is not None
    text, confidence = reading
    assert text == "A81001"
    assert 0.9 <= confidence <= 1.0


def test_it_reads_an_email_address_whole() -> None:
    reading = second.read_line(_crop(SAMPLES / "applied_gp_partner.pdf", "emma.wilson@nhs.net"))

    assert reading is not None
    assert reading[0].casefold() == "emma.wilson@nhs.net"


def test_it_reads_nothing_from_a_blank_area() -> None:
    assert second.read_line(Image.new("L", (400, 60), 255)) is None


def test_it_reads_a_value_written_on_a_ruled_line() -> None:
    crop = _crop(SAMPLES / "applied_gp_partner.pdf", "A81001")
    ruled = crop.copy()
    ruled.paste(0, (0, crop.height - 6, crop.width, crop.height - 4))

    reading = second.read_line(ruled)

    assert reading is not None and reading[0] == "A81001"


def test_it_loads_its_model_from_inside_the_installed_package() -> None:
    path = second.model_path()

    assert path is not None
    package = pathlib.Path(rapidocr_onnxruntime.__file__).resolve().parent
    assert pathlib.Path(path).resolve().is_relative_to(package)
    assert pathlib.Path(path).is_file()


def test_it_loads_and_reads_without_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the recogniser tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    second._loaded.clear()

    assert second.read_line(_crop(SAMPLES / "applied_gp_partner.pdf", "A81001")) is not None


def test_it_runs_one_inference_thread() -> None:
    assert second.available()
    options = second._recogniser().session.session.get_session_options()

    assert options.intra_op_num_threads == 1
    assert options.inter_op_num_threads == 1


@pytest.mark.parametrize(
    ("a", "b", "key"),
    [
        ("VALE VIEW  SURGERY", "Vale View Surgery", "org_name"),
        ("14/11/2026", "14 11 2026", "date_signed"),
        ("Dr. Alice Gray", "DR ALICE GRAY", "authoriser_name"),
        ("Chris Wood", "ChrisWood", "requester_name"),
        ("JOHN.DAVIES@NHS.NET", "john.davies@nhs.net", "nominee_email"),
        ("john.davies @nhs.net", "john.davies@nhs.net", "requester_email"),
    ],
)
def test_it_agrees_when_only_case_spacing_or_punctuation_differ(a: str, b: str, key: str) -> None:
    assert second.agree(a, b, key)


@pytest.mark.parametrize(
    ("a", "b", "key"),
    [
        ("B84061", "B8406I", "org_code"),
        ("A81001", "A81O01", "org_code"),
        ("14/11/2026", "14/11/2024", "date_signed"),
        ("SARA OKAFOR", "SARA OKAF0R", "nominee_name"),
        ("JOHN.DAVIES@NHS.NET", "JOHNDAVIES@NHS.NET", "nominee_email"),
        ("julia.scott@nhs.net", "juliascott@nhs.net", "requester_email"),
        ("JOHN.DAVIES@NHS.NET", "JOHN.DAVIES@NHS.NE", "nominee_email"),
        ("NEW", "", "request_type"),
    ],
)
def test_it_disagrees_when_a_letter_or_digit_differs(a: str, b: str, key: str) -> None:
    assert not second.agree(a, b, key)
