"""A fillable field's value counts only as the page shows it (SPEC §2).

Each test draws a small fillable form with reportlab (which writes each
field's value and an appearance that draws it), then, with pypdf, makes the
stored value and the drawn page disagree the way a file can: another value
in ``/V``, a hidden or off-page widget, no appearance, text no one can see,
a check box whose stored state is not the one drawn. The stored value must
never decide at full confidence; what the page shows may, at low confidence.
"""

from __future__ import annotations

import io
import pathlib

import pypdf
import pytest
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from intake.forms.blank import blank_form
from intake.reading import FIELD_KEYS, read_document
from intake.reading.model import FieldReading
from sample_forms.scenarios import RECEIVED
from tests.intake.forms.filler import fill
from tests.intake.forms.test_blank import SCENARIOS, directory
from verification.normalise import LOW_CONFIDENCE_THRESHOLD
from verification.rules import verify

TITLE = "PCSE Online User Administrator Authorisation Form"
VALUES = {
    "org_name": "Riverside Surgery",
    "org_code": "A81001",
    "role": "Main Contact",
    "nominee_email": "bob@nhs.net",
    "nominee_name": "Bob Evans",
}
#: Annotation flags.
HIDDEN, PRINT, NO_VIEW = 1 << 1, 1 << 2, 1 << 5


def _drawn(values: dict[str, str] = VALUES, ticked: bool = True) -> bytes:
    """A titled page of printed labels with a filled text field beside each
    and a declaration check box."""
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, invariant=1)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(60, 780, TITLE)
    c.setFont("Helvetica", 10)
    labels = {
        "org_name": "Organisation name",
        "org_code": "Organisation code (ODS)",
        "role": "User Administrator role",
        "nominee_email": "Nominee email address",
        "nominee_name": "Nominee full name",
    }
    y = 740.0
    for key, value in values.items():
        c.drawString(60, y, labels[key])
        c.acroForm.textfield(
            name=key, value=value, x=255, y=y - 5, width=250, height=16, borderWidth=0
        )
        y -= 30
    c.acroForm.checkbox(
        name="declaration", x=58, y=y - 2, size=12, checked=ticked, buttonStyle="check"
    )
    c.drawString(76, y, "I confirm that the role requested is appropriate for the organisation.")
    c.showPage()
    c.save()
    return buffer.getvalue()


def _changed(data: bytes, change) -> bytes:
    """``data`` with ``change(writer, widgets by field name)`` applied."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    widgets = {
        str(annot.get_object()["/T"]): annot.get_object()
        for annot in writer.pages[0]["/Annots"]
        if "/T" in annot.get_object()
    }
    change(writer, widgets)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _read(data: bytes, folder: pathlib.Path) -> dict[str, FieldReading]:
    path = folder / "form.pdf"
    path.write_bytes(data)
    (form,) = read_document(path).forms
    return dict(form.fields)


def _unsure(field: FieldReading) -> bool:
    return field.confidence < LOW_CONFIDENCE_THRESHOLD


def _need_appearances(writer: pypdf.PdfWriter, on: bool) -> None:
    writer._root_object["/AcroForm"][NameObject("/NeedAppearances")] = BooleanObject(on)


def test_an_honest_filled_field_is_read_at_full_confidence(tmp_path) -> None:
    fields = _read(_drawn(), tmp_path)
    for key, value in VALUES.items():
        assert (fields[key].value, fields[key].confidence) == (value, 1.0), key
    assert (fields["declaration"].value, fields["declaration"].confidence) == (True, 1.0)


def test_an_honest_unticked_box_is_unticked_at_full_confidence(tmp_path) -> None:
    field = _read(_drawn(ticked=False), tmp_path)["declaration"]
    assert (field.value, field.confidence) == (False, 1.0)


def test_a_stored_value_the_appearance_does_not_draw_never_decides(tmp_path) -> None:
    def lie(writer, widgets) -> None:
        widgets["nominee_email"][NameObject("/V")] = TextStringObject("alice@nhs.net")

    field = _read(_changed(_drawn(), lie), tmp_path)["nominee_email"]
    # What the page shows is read, and a caseworker looks.
    assert field.value == "bob@nhs.net"
    assert _unsure(field)
    assert "alice@nhs.net" in field.note


def test_a_stored_value_differing_only_in_case_and_spaces_stands(tmp_path) -> None:
    def respell(writer, widgets) -> None:
        widgets["nominee_email"][NameObject("/V")] = TextStringObject("  BOB@nhs.net ")

    field = _read(_changed(_drawn(), respell), tmp_path)["nominee_email"]
    assert (field.value, field.confidence) == ("BOB@nhs.net", 1.0)


@pytest.mark.parametrize(
    "how",
    ["hidden flag", "no-view flag", "off the page", "no area"],
)
def test_a_widget_no_one_can_see_gives_no_confident_value(how, tmp_path) -> None:
    def hide(writer, widgets) -> None:
        widget = widgets["org_code"]
        if how == "hidden flag":
            widget[NameObject("/F")] = NumberObject(HIDDEN | PRINT)
        elif how == "no-view flag":
            widget[NameObject("/F")] = NumberObject(NO_VIEW | PRINT)
        elif how == "off the page":
            widget[NameObject("/Rect")] = ArrayObject(
                [FloatObject(v) for v in (700, 705, 950, 721)]
            )
        else:
            widget[NameObject("/Rect")] = ArrayObject(
                [FloatObject(v) for v in (255, 300, 255, 300)]
            )

    fields = _read(_changed(_drawn(), hide), tmp_path)
    assert fields["org_code"].value is None
    assert _unsure(fields["org_code"])
    assert "A81001" in fields["org_code"].note
    # The other fields are untouched.
    assert (fields["org_name"].value, fields["org_name"].confidence) == ("Riverside Surgery", 1.0)


def test_a_value_drawn_so_no_one_can_see_it_is_not_seen(tmp_path) -> None:
    # The appearance draws the stored value in text render mode 3 (invisible).
    def invisible(writer, widgets) -> None:
        widget = widgets["org_code"]
        stream = StreamObject()
        stream.set_data(b"/Tx BMC BT /Helv 10 Tf 3 Tr 2 4 Td (A81001) Tj ET EMC")
        stream.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (0, 0, 250, 16)]),
                NameObject("/Resources"): DictionaryObject(
                    {
                        NameObject("/Font"): DictionaryObject(
                            {
                                NameObject("/Helv"): DictionaryObject(
                                    {
                                        NameObject("/Type"): NameObject("/Font"),
                                        NameObject("/Subtype"): NameObject("/Type1"),
                                        NameObject("/BaseFont"): NameObject("/Helvetica"),
                                    }
                                )
                            }
                        )
                    }
                ),
            }
        )
        widget[NameObject("/AP")] = DictionaryObject({NameObject("/N"): writer._add_object(stream)})

    field = _read(_changed(_drawn(), invisible), tmp_path)["org_code"]
    assert field.value is None
    assert _unsure(field)


def test_a_value_under_an_opaque_annotation_is_not_seen(tmp_path) -> None:
    # A white square drawn over the field after it: the value is stored,
    # drawn, and covered.
    def cover(writer, widgets) -> None:
        stream = StreamObject()
        stream.set_data(b"1 g 0 0 260 24 re f")
        stream.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject([FloatObject(v) for v in (0, 0, 260, 24)]),
            }
        )
        square = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Square"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (250, 701, 510, 725)]),
                NameObject("/F"): NumberObject(PRINT),
                NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(stream)}),
            }
        )
        writer.pages[0]["/Annots"].append(writer._add_object(square))

    field = _read(_changed(_drawn(), cover), tmp_path)["org_code"]
    assert field.value is None
    assert _unsure(field)


def _without_appearance(need: bool):
    def change(writer, widgets) -> None:
        del widgets["org_code"]["/AP"]
        _need_appearances(writer, need)

    return change


def test_no_appearance_and_no_need_appearances_shows_nothing(tmp_path) -> None:
    field = _read(_changed(_drawn(), _without_appearance(False)), tmp_path)["org_code"]
    assert field.value is None
    assert _unsure(field)
    assert "no appearance" in field.note


def test_no_appearance_with_need_appearances_is_drawn_from_the_value(tmp_path) -> None:
    # The decision taken: a viewer draws a field without an appearance from
    # its value when NeedAppearances is set, so a visible widget shows it.
    field = _read(_changed(_drawn(), _without_appearance(True)), tmp_path)["org_code"]
    assert (field.value, field.confidence) == ("A81001", 1.0)


def test_no_appearance_with_need_appearances_on_a_hidden_widget_is_not_seen(tmp_path) -> None:
    def change(writer, widgets) -> None:
        _without_appearance(True)(writer, widgets)
        widgets["org_code"][NameObject("/F")] = NumberObject(HIDDEN)

    field = _read(_changed(_drawn(), change), tmp_path)["org_code"]
    assert field.value is None
    assert _unsure(field)


def test_a_stale_appearance_with_need_appearances_never_decides(tmp_path) -> None:
    # Some viewers redraw from /V, others show the appearance: they differ.
    def change(writer, widgets) -> None:
        widgets["org_code"][NameObject("/V")] = TextStringObject("B82002")
        _need_appearances(writer, True)

    field = _read(_changed(_drawn(), change), tmp_path)["org_code"]
    assert field.value == "A81001"
    assert _unsure(field)


def _box_drawn_as(state: str, stored: str):
    """The declaration box stored as ``stored`` (``/V`` and ``/AS``) while its
    appearance for that state draws what the ``state`` one does."""

    def change(writer, widgets) -> None:
        widget = widgets["declaration"]
        normal = widget["/AP"]["/N"]
        drawing = normal.raw_get(f"/{state}")
        for name in list(normal):
            normal[NameObject(name)] = drawing
        widget[NameObject("/V")] = NameObject(f"/{stored}")
        widget[NameObject("/AS")] = NameObject(f"/{stored}")

    return change


def test_a_box_stored_ticked_but_drawn_empty_is_not_ticked(tmp_path) -> None:
    field = _read(_changed(_drawn(), _box_drawn_as("Off", "Yes")), tmp_path)["declaration"]
    assert field.value is False
    assert _unsure(field)


def test_a_box_stored_empty_but_drawn_ticked_is_flagged(tmp_path) -> None:
    field = _read(_changed(_drawn(ticked=False), _box_drawn_as("Yes", "Off")), tmp_path)
    assert field["declaration"].value is True
    assert _unsure(field["declaration"])


def test_a_box_whose_value_and_drawn_state_disagree_is_read_as_drawn(tmp_path) -> None:
    # /V says ticked, /AS (the appearance drawn) says not.
    def change(writer, widgets) -> None:
        widgets["declaration"][NameObject("/V")] = NameObject("/Yes")
        widgets["declaration"][NameObject("/AS")] = NameObject("/Off")

    field = _read(_changed(_drawn(), change), tmp_path)["declaration"]
    assert field.value is False
    assert _unsure(field)


def test_a_hidden_ticked_box_is_not_ticked(tmp_path) -> None:
    def change(writer, widgets) -> None:
        widgets["declaration"][NameObject("/F")] = NumberObject(HIDDEN)

    field = _read(_changed(_drawn(), change), tmp_path)["declaration"]
    assert field.value is False
    assert _unsure(field)


def test_the_published_form_with_a_lying_value_is_never_applied(tmp_path) -> None:
    # The service's own form filled by the tests' filler reads exactly; the
    # same file with one identity field's stored value changed afterwards
    # (the page still drawing the original) goes to a caseworker.
    (request,) = [r for r in SCENARIOS.values() if r.status == "applied"][:1]
    blank = blank_form("https://pcse-intake.example.nhs.uk/", "pcse.forms@nhs.net")
    honest = fill(blank, request.values)
    fields = _read(honest, tmp_path)
    assert {fields[key].confidence for key in FIELD_KEYS} == {1.0}

    def lie(writer, widgets) -> None:
        widgets["nominee_email"][NameObject("/V")] = TextStringObject("mallory@nhs.net")

    fields = _read(_changed(honest, lie), tmp_path)
    assert fields["nominee_email"].value == request.values["nominee_email"]
    assert _unsure(fields["nominee_email"])
    read = {key: fields[key].value for key in FIELD_KEYS}
    confidence = {key: fields[key].confidence for key in FIELD_KEYS}
    assert verify(read, confidence, received=RECEIVED, directory=directory()).outcome != "applied"
