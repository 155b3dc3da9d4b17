"""The lean page reader gives exactly what pdfplumber's own API gives.

``intake.reading.pages`` reads pdfminer's layout directly instead of going
through ``page.objects``; these tests hold it to pdfplumber's answer
(``page.extract_words()`` and ``page.objects``) on every committed PDF and
on pages built to exercise the awkward cases: form XObjects, rotated text,
a rotated page and a MediaBox that does not start at the origin.
"""

from __future__ import annotations

import io
import pathlib

import pdfplumber
import pypdf
import pytest
from reportlab.lib.pagesizes import A4

from intake.reading.geometry import Box
from intake.reading.pages import PageContent, Shape, Word, page_content
from tests.reading.corpus import SAMPLES


def reference(page, index: int) -> PageContent:
    """The page as pdfplumber's public API describes it."""
    objects = page.objects

    def box(obj) -> Box:
        return Box(float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"]))

    return PageContent(
        index=index,
        width=float(page.width),
        height=float(page.height),
        words=tuple(
            Word(w["text"], float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))
            for w in page.extract_words()
        ),
        rects=tuple(box(o) for o in objects.get("rect", ())),
        lines=tuple(Shape(box(o)) for o in objects.get("line", ())),
        curves=tuple(
            Shape(box(o), any(step[0] == "h" for step in o.get("path") or ()))
            for o in objects.get("curve", ())
        ),
        images=tuple(box(o) for o in objects.get("image", ())),
    )


def assert_same_as_pdfplumber(data: bytes) -> int:
    """Compare every page of ``data``; returns how many words were compared."""
    compared = 0
    with pdfplumber.open(io.BytesIO(data)) as lean, pdfplumber.open(io.BytesIO(data)) as plain:
        for index, (ours, theirs) in enumerate(zip(lean.pages, plain.pages, strict=True)):
            got, want = page_content(ours, index), reference(theirs, index)
            assert got == want, f"page {index + 1} differs"
            compared += len(want.words)
    return compared


def readable_samples() -> list[pathlib.Path]:
    """Every committed PDF that pdfplumber can open."""
    found = []
    for path in sorted(SAMPLES.rglob("*.pdf")):
        try:
            with pdfplumber.open(path) as pdf:
                pdf.pages[0].chars  # noqa: B018 - parse the first page
        except Exception:  # noqa: BLE001 - a sample built to be unreadable
            continue
        found.append(path)
    return found


SAMPLE_PDFS = readable_samples()


def test_the_corpus_is_all_there() -> None:
    # The sample forms and every producer's files (text, AcroForm, scans).
    assert len(SAMPLE_PDFS) >= 35
    assert {p.parent.name for p in SAMPLE_PDFS} >= {
        "sample_forms",
        "chromium",
        "writer",
        "acroform",
        "scan",
    }


@pytest.mark.parametrize("path", SAMPLE_PDFS, ids=lambda p: str(p.relative_to(SAMPLES)))
def test_every_sample_reads_as_pdfplumber_reads_it(path: pathlib.Path) -> None:
    assert_same_as_pdfplumber(path.read_bytes())


def test_awkward_pages_read_as_pdfplumber_reads_them(make_pdf) -> None:
    def xobject_and_rotated_text(canvas) -> None:
        canvas.beginForm("stamp")
        canvas.drawString(10, 10, "Inside a form XObject")
        canvas.rect(5, 5, 200, 20)
        canvas.endForm()
        canvas.doForm("stamp")
        canvas.saveState()
        canvas.translate(300, 400)
        canvas.rotate(90)
        canvas.drawString(0, 0, "Rotated text reads upwards")
        canvas.restoreState()
        canvas.line(50, 700, 500, 700)
        canvas.bezier(50, 600, 100, 650, 150, 550, 200, 600)
        path = canvas.beginPath()
        path.moveTo(300, 600)
        path.lineTo(350, 650)
        path.lineTo(400, 600)
        path.close()
        canvas.drawPath(path)
        canvas.drawString(72, 760, "Organisation name: The Surgery, ODS code: A81001")

    source = make_pdf(xobject_and_rotated_text)
    writer = pypdf.PdfWriter(clone_from=str(source))
    page = writer.pages[0]
    shifted = writer.add_blank_page(*A4)
    shifted.merge_page(page)
    shifted.mediabox = pypdf.generic.RectangleObject([20, 30, A4[0] + 20, A4[1] + 30])
    turned = writer.add_blank_page(*A4)
    turned.merge_page(page)
    turned.rotate(90)
    out = io.BytesIO()
    writer.write(out)
    assert assert_same_as_pdfplumber(out.getvalue()) > 20
