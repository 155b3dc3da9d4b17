"""File names are shown safely: no bidi or control character survives, on
pages, in JSON or in mails."""

from __future__ import annotations

import datetime as dt

import pytest

from intake.mail import texts
from intake.submissions.filekind import not_a_pdf
from intake.submissions.filenames import display_filename


@pytest.mark.parametrize(
    "control",
    [
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u200e",
        "\u200f",
    ],
)
def test_it_removes_every_bidi_control(control):
    assert display_filename(f"x{control}gpj.exe.pdf") == "xgpj.exe.pdf"


def test_it_keeps_a_name_in_another_script():
    assert display_filename("טופס.pdf") == "טופס.pdf"


def test_it_puts_other_control_characters_and_line_breaks_out_of_the_way():
    assert display_filename("form\r\nBcc: x@y\x00.pdf") == "form Bcc: x@y.pdf"


def test_an_acknowledgement_mail_shows_the_name_safely():
    _, body = texts.acknowledgement(
        "Forms",
        dt.date(2026, 11, 20),
        [texts.Taken("x\u202egpj.exe.pdf", ("UA-2026-000001",), "http://x/status/st_1")],
        [texts.NotTaken("y\u2067.pdf", "it is not a PDF")],
    )

    assert "\u202e" not in body and "\u2067" not in body
    assert "xgpj.exe.pdf" in body


@pytest.mark.parametrize(
    ("data", "starts"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "This is a Microsoft Office document"),
        (b"PK\x03\x04 xl/workbook.xml", "This is an Excel spreadsheet"),
        (b"PK\x03\x04 anything", "This is a ZIP archive"),
        (b"<!DOCTYPE html><html>", "This is a web page"),
        (b"", "This is an empty file"),
    ],
)
def test_it_names_what_a_file_that_is_not_a_pdf_is(data, starts):
    assert not_a_pdf(data, "x.bin").startswith(starts)
