"""Layouts the sample corpus does not cover, drawn small for each test."""

from __future__ import annotations

import io

import pypdf
import pytest
from PIL import Image, ImageDraw
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from intake.reading import read_document
from intake.reading.layout import INK_ONLY_CONFIDENCE
from intake.reading.lines import Line
from intake.reading.marks import read_tick
from intake.reading.pages import PageContent, Word

TITLE = "PCSE Online User Administrator Authorisation Form"
SENTENCE = "I confirm that the role requested is appropriate for the organisation."


def rows(c: Canvas, pairs: list[tuple[str, str]], y: float = 740, value_x: float = 260) -> float:
    """Label/value pairs, one per line; returns the y below the last."""
    c.setFont("Helvetica", 10)
    for label, value in pairs:
        c.drawString(60, y, label)
        if value:
            c.drawString(value_x, y, value)
        y -= 24
    return y


def titled(c: Canvas, title: str = TITLE) -> None:
    c.setFont("Helvetica-Bold", 14)
    c.drawString(60, 780, title)


def test_it_reads_label_and_value_in_one_cell_after_a_colon(make_pdf) -> None:
    def page(c: Canvas) -> None:
        titled(c)
        c.setFont("Helvetica", 10)
        c.drawString(60, 740, "ORGANISATION CODE (ODS): B82005")
        c.drawString(60, 716, "Nominee e-mail address: Jo.Bloggs@NHS.net")

    form = read_document(make_pdf(page)).forms[0]
    assert form.value("org_code") == "B82005"
    assert form.value("nominee_email") == "Jo.Bloggs@NHS.net"


def test_it_does_not_let_a_shorter_label_steal_a_longer_one(make_pdf) -> None:
    def page(c: Canvas) -> None:
        titled(c)
        rows(
            c,
            [
                ("Authoriser email address", "a@b.nhs.uk"),
                ("Authoriser full name", "Al Bee"),
                ("Requester email address", "r@b.nhs.uk"),
                ("Nominee email address", "n@b.uk"),
            ],
        )

    form = read_document(make_pdf(page)).forms[0]
    assert form.value("authoriser_email") == "a@b.nhs.uk"
    assert form.value("authoriser_name") == "Al Bee"
    assert form.value("requester_email") == "r@b.nhs.uk"
    assert form.value("nominee_email") == "n@b.uk"


def test_it_finds_a_title_wrapped_over_two_lines(make_pdf) -> None:
    def page(c: Canvas) -> None:
        c.setFont("Helvetica-Bold", 18)
        c.drawString(60, 790, "PCSE Online User Administrator")
        c.drawString(60, 768, "Authorisation Form")
        rows(c, [("Organisation code (ODS)", "A81001")], y=720)

    assert read_document(make_pdf(page)).forms[0].value("org_code") == "A81001"


def test_a_letter_mentioning_the_form_is_not_a_form(make_pdf) -> None:
    def page(c: Canvas) -> None:
        c.setFont("Helvetica", 10)
        c.drawString(60, 740, f"Please find enclosed the {TITLE} for Riverside Medical Centre.")
        c.drawString(60, 716, "Organisation code (ODS)")

    assert read_document(make_pdf(page)).forms == ()


def test_it_reports_handwriting_without_text_as_low_confidence(make_pdf) -> None:
    def page(c: Canvas) -> None:
        titled(c)
        rows(
            c,
            [
                ("Organisation name", "Riverside"),
                ("Nominee full name", ""),
                ("Request type", "New"),
            ],
        )
        path = c.beginPath()
        path.moveTo(262, 716)
        path.curveTo(280, 730, 300, 710, 330, 722)
        c.drawPath(path, stroke=1, fill=0)

    form = read_document(make_pdf(page)).forms[0]
    field = form.fields["nominee_name"]
    assert field.value is None
    assert field.confidence == INK_ONLY_CONFIDENCE
    assert "ink" in field.note
    assert form.fields["request_type"].value == "New"


def test_it_sees_an_image_in_the_signature_box(make_pdf) -> None:
    picture = Image.new("L", (60, 20), 255)
    ImageDraw.Draw(picture).line([(2, 15), (20, 3), (40, 17), (58, 4)], fill=0, width=2)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")

    def page(c: Canvas) -> None:
        titled(c)
        rows(c, [("Authoriser signature", "")])
        c.rect(250, 725, 200, 40)
        c.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 260, 730, 120, 30)

    field = read_document(make_pdf(page)).forms[0].fields["signature"]
    assert field.value is True
    assert "image" in field.note


def test_it_reads_an_empty_signature_box_as_unsigned(make_pdf) -> None:
    def page(c: Canvas) -> None:
        titled(c)
        rows(c, [("Authoriser signature", ""), ("Date signed", "1 Nov 2026")])
        c.rect(250, 725, 200, 40)

    form = read_document(make_pdf(page)).forms[0]
    assert form.value("signature") is False
    assert form.value("date_signed") == "1 Nov 2026"


def test_an_image_only_page_sets_ocr_unavailable_and_gives_no_form(make_pdf, monkeypatch) -> None:
    monkeypatch.setattr("intake.reading.ocr.engine", lambda: None)
    scan = Image.new("L", (200, 280), 230)
    buffer = io.BytesIO()
    scan.save(buffer, format="PNG")

    def page(c: Canvas) -> None:
        c.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, 595, 842)

    document = read_document(make_pdf(page))
    assert document.ocr_unavailable is True
    assert document.forms == ()


def _acroform_page(c: Canvas, *, filled: bool) -> None:
    titled(c)
    rows(
        c,
        [
            ("Organisation code (ODS)", "" if filled else "A81001"),
            ("Nominee full name", "" if filled else "Emma Wilson"),
        ],
    )
    c.acroForm.textfield(
        name="org_code", value="A81002" if filled else "", x=255, y=735, width=150, height=16
    )
    c.acroForm.textfield(
        name="Nominee full name:",
        value="Mark Evans" if filled else "",
        x=255,
        y=711,
        width=150,
        height=16,
    )


def test_it_falls_back_to_the_text_layer_when_fillable_fields_are_empty(make_pdf) -> None:
    form = read_document(make_pdf(lambda c: _acroform_page(c, filled=False))).forms[0]
    assert (form.method, form.value("org_code"), form.value("nominee_name")) == (
        "text",
        "A81001",
        "Emma Wilson",
    )


def test_it_prefers_filled_fields_over_the_text_layer(make_pdf) -> None:
    form = read_document(make_pdf(lambda c: _acroform_page(c, filled=True))).forms[0]
    assert (form.method, form.value("org_code"), form.value("nominee_name")) == (
        "acroform",
        "A81002",
        "Mark Evans",
    )


def test_it_reads_a_fillable_form_without_a_printed_title(make_pdf) -> None:
    def page(c: Canvas) -> None:
        for i, (name, value) in enumerate(
            [("org_code", "A81001"), ("org_name", "Riverside"), ("role", "Main Contact")]
        ):
            c.acroForm.textfield(name=name, value=value, x=100, y=700 - 30 * i, width=200)

    form = read_document(make_pdf(page)).forms[0]
    assert (form.method, form.value("role"), form.value("nominee_name")) == (
        "acroform",
        "Main Contact",
        None,
    )


def test_a_signed_signature_field_counts_as_a_signature(make_pdf, tmp_path) -> None:
    source = make_pdf(lambda c: (titled(c), rows(c, [("Authoriser signature", "")])))
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(source))
    field = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject("Authoriser signature"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (250, 725, 450, 765)]),
            NameObject("/V"): DictionaryObject({NameObject("/Type"): NameObject("/Sig")}),
        }
    )
    ref = writer._add_object(field)
    writer.pages[0][NameObject("/Annots")] = ArrayObject([ref])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([ref])}
    )
    signed = tmp_path / "signed.pdf"
    with signed.open("wb") as handle:
        writer.write(handle)
    field_reading = read_document(signed).forms[0].fields["signature"]
    assert (field_reading.value, field_reading.note) == (True, "signature field")


def _tick_line(*marks: str) -> tuple[Line, PageContent]:
    words, x = [], 60.0
    for text in (*marks, "I", "confirm", "that"):
        words.append(Word(text, x, 100.0, x + 8.0, 110.0))
        x += 12.0
    page = PageContent(0, 595, 842, tuple(words), (), (), (), ())
    return Line(0, tuple(words)), page


@pytest.mark.parametrize(
    ("marks", "value"),
    [
        (("☒",), True),
        (("☑",), True),
        (("✓",), True),
        (("[x]",), True),
        (("X",), True),
        (("[", "x", "]"), True),
        (("☐",), False),
        (("[", "]"), False),
        ((), False),
        (("(cid:9)",), None),
    ],
)
def test_it_reads_tick_characters_before_the_declaration(marks, value) -> None:
    line, page = _tick_line(*marks)
    assert read_tick(line, len(marks), page)[0] is value


@pytest.mark.parametrize(
    ("place", "signed"),
    [("right", True), ("under", True), ("nowhere", False)],
)
def test_it_finds_a_typed_signature_without_a_box(make_pdf, place: str, signed: bool) -> None:
    def page(c: Canvas) -> None:
        titled(c)
        rows(c, [("Authoriser signature", ""), ("", ""), ("Date signed", "1 Nov 2026")])
        c.setFont("Times-BoldItalic", 16)
        if place == "right":
            c.drawString(260, 740, "Sarah Collins")
        elif place == "under":
            c.drawString(60, 722, "Sarah Collins")

    form = read_document(make_pdf(page)).forms[0]
    assert form.value("signature") is signed
    assert form.value("date_signed") == "1 Nov 2026"


@pytest.mark.parametrize("value", ["QWE", ""])
def test_it_reads_a_label_wrapped_inside_its_cell(make_pdf, value: str) -> None:
    def page(c: Canvas) -> None:
        titled(c)
        rows(c, [("ICB code (ICB", value)])
        c.drawString(60, 728, "authorisers only)")
        rows(c, [("Date signed", "1 Nov 2026")], y=700)

    form = read_document(make_pdf(page)).forms[0]
    assert form.value("icb_code") == (value or None)
    assert form.value("date_signed") == "1 Nov 2026"


@pytest.mark.parametrize("signed", [True, False])
def test_it_reads_a_signature_cell_ruled_with_lines_like_a_word_processor(
    make_pdf, signed: bool
) -> None:
    def page(c: Canvas) -> None:
        titled(c)
        c.setLineWidth(0.5)
        for y in (755, 731, 683, 659):  # row rules; the signature row is 48pt tall
            c.line(55, y, 545, y)
        for x in (55, 255, 545):
            c.line(x, 755, x, 659)
        rows(c, [("Authoriser full name", "Sarah Collins")], y=740)
        rows(c, [("Authoriser signature", "")], y=716)
        rows(c, [("Date signed", "01/11/2026")], y=666)
        if signed:
            path = c.beginPath()
            path.moveTo(270, 695)
            path.curveTo(300, 725, 330, 690, 380, 710)
            c.drawPath(path, stroke=1, fill=0)

    form = read_document(make_pdf(page)).forms[0]
    assert form.value("signature") is signed
    assert form.value("authoriser_name") == "Sarah Collins"
    assert form.value("date_signed") == "01/11/2026"


def test_a_label_phrase_opening_a_sentence_does_not_beat_the_real_label(make_pdf) -> None:
    def page(c: Canvas) -> None:
        titled(c)
        c.setFont("Helvetica", 10)
        c.drawString(60, 760, "Request type must be New unless the role is Main Contact.")
        rows(c, [("Request type", "Update")], y=730)

    assert read_document(make_pdf(page)).forms[0].value("request_type") == "Update"


def test_a_scan_under_an_ocr_text_layer_is_not_ink(make_pdf) -> None:
    scan = Image.new("L", (100, 140), 250)
    buffer = io.BytesIO()
    scan.save(buffer, format="PNG")

    def page(c: Canvas) -> None:
        c.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, 595, 842)
        titled(c)
        rows(c, [("Nominee job title", "")], y=430)
        rows(c, [("Authoriser signature", "")], y=400)
        c.rect(250, 385, 200, 40)

    document = read_document(make_pdf(page))
    form = document.forms[0]
    assert (form.value("signature"), form.fields["nominee_job_title"].confidence) == (False, 1.0)
    assert document.ocr_unavailable is False


@pytest.mark.parametrize("footer", ["Page 1 of 2", "Primary Care Support England - page 1", "1/2"])
def test_a_page_footer_is_never_part_of_the_value_that_ends_the_page(make_pdf, footer) -> None:
    def first(c: Canvas) -> None:
        titled(c)
        c.setFont("Helvetica", 10)
        c.drawString(60, 100, "Nominee email address")
        c.drawString(60, 88, "jo.bloggs@nhs.net")
        c.drawString(60, 77, footer)

    def second(c: Canvas) -> None:
        rows(c, [("Date signed", "02/11/2026")])

    form = read_document(make_pdf(first, second)).forms[0]
    assert form.value("nominee_email") == "jo.bloggs@nhs.net"
    assert form.value("date_signed") == "02/11/2026"


def test_the_tick_of_a_flattened_check_box_is_read(tmp_path) -> None:
    import pypdfium2

    buffer = io.BytesIO()
    c = Canvas(buffer)
    titled(c)
    rows(c, [("Organisation code (ODS)", "A81001")])
    c.acroForm.checkbox(name="declaration", x=58, y=598, size=12, checked=True, buttonStyle="check")
    c.drawString(76, 600, SENTENCE)
    c.showPage()
    c.save()
    document = pypdfium2.PdfDocument(buffer.getvalue())
    document.init_forms()
    page = document[0]
    page.flatten()
    page.close()
    path = tmp_path / "flattened.pdf"
    document.save(str(path))
    document.close()
    field = read_document(path).forms[0].fields["declaration"]
    assert (field.value, field.confidence) == (True, 1.0)


@pytest.mark.parametrize("number", ["11.", "11,", "11", "(11)", "b)"])
def test_a_numbered_label_is_found_whatever_mark_ends_its_number(number) -> None:
    # OCR reads the full stop of "11." as a comma as often as not.
    texts = (number, "Authoriser", "email", "address:", "lucy.greaves@nhs.net")
    words, x = [], 60.0
    for text in texts:
        words.append(Word(text, x, 100.0, x + 6.0 * len(text), 110.0, 0.9))
        x += 6.0 * len(text) + 4.0

    hits = Line(0, tuple(words)).hits

    assert [(hit.key, hit.lead) for hit in hits] == [("authoriser_email", 0)]
