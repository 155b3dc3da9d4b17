"""Fixtures for the reader tests: a maker of small PDFs drawn with reportlab."""

from __future__ import annotations

import pathlib
from collections.abc import Callable

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

DrawPage = Callable[[Canvas], None]


@pytest.fixture
def make_pdf(tmp_path: pathlib.Path) -> Callable[..., pathlib.Path]:
    """Draw a PDF, one function of the canvas per page; returns its path."""

    def make(*pages: DrawPage, name: str = "form.pdf") -> pathlib.Path:
        path = tmp_path / name
        canvas = Canvas(str(path), pagesize=A4, invariant=1)
        for draw in pages:
            draw(canvas)
            canvas.showPage()
        canvas.save()
        return path

    return make
