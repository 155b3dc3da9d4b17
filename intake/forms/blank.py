"""The blank authorisation form the service publishes, drawn from its own tables.

Requesters download this form, fill it in (on screen or on paper) and send
it back; the reader must then read it exactly. So nothing on it is written
twice: every row is a field of SPEC §2 taken from
:data:`verification.fields.FIELD_KEYS`, printed with the label the reader
looks for first (:data:`intake.reading.labels.LABELS`), and the choices it
offers are the spellings the rules recognise (:mod:`verification.roles`).

Why a wing of its own: publishing the form is not reading one (``reading/``
turns a PDF into what a person sees; it never writes one), and neither the
web nor the sample generator may own it (the web only serves bytes, and
``sample_forms`` is not part of the installed service). The wing imports the
reader's label table, and nothing in ``intake/`` imports it back.

What is on the page:

- a fillable text field per field, named by its key (``/T``) with its printed
  label as the tooltip (``/TU``), inside the value cell of a bordered table;
  the long free-text fields wrap (multiline), and every value is shrunk to
  fit its box, so what was typed is all on the page;
- drop-down lists for the role, the request type and the capacity, offering
  exactly what the form prints;
- the signature: a box drawn on the page, to sign in ink, draw in, or type a
  name into (a text field in a script face: the reader counts a typed name
  as a signature, SPEC §2);
- the declaration: a tick box drawn on the page before the sentence, with a
  check box over it;
- guidance on who may authorise and where to send the form, in words that
  are none of the labels (the reader would take a label in a sentence for
  the field).

The fields are empty and have empty appearances, and ``NeedAppearances`` is
off: a viewer draws a value only once someone enters it, so the blank form
shows (and reads as) nothing filled in. The output is deterministic: the
same arguments give the same bytes.
"""

from __future__ import annotations

import functools
import io

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from intake.forms.drawing import (
    BOLD,
    FONTS,
    LOGO,
    MULTILINE,
    NHS_BLUE,
    REGULAR,
    WHITE,
    WIDGET_FONTS,
    Canvas,
    Widget,
    add_widget,
    font_resources,
    text_width,
    wrap,
)
from intake.reading.labels import LABELS
from intake.reading.model import FORM_TITLE
from verification.fields import BOOLEAN_KEYS, FIELD_KEYS
from verification.roles import (
    AEL_USER,
    CALDICOTT_GUARDIAN,
    GP_PARTNER,
    ICB,
    NEW,
    REMOVE,
    ROLES,
    UPDATE,
)

#: The name the form is downloaded under.
FILENAME = "pcse-user-administrator-authorisation-form.pdf"

DECLARATION = (
    "I confirm that the role requested is appropriate for the organisation, that the "
    "nominee has a legitimate reason to access PCSE Online, and that this request aligns "
    "with information governance requirements."
)

#: The choices of the drop-down fields: the spellings the form prints.
OPTIONS: dict[str, tuple[str, ...]] = {
    "role": tuple(role.name for role in ROLES.values()),
    "request_type": (NEW, UPDATE, REMOVE),
    "authoriser_capacity": (GP_PARTNER, CALDICOTT_GUARDIAN, AEL_USER, ICB),
}
#: Free-text fields whose values may run long: two lines, wrapped.
MULTILINE_KEYS = frozenset({"org_name", "nominee_job_title"})
#: The section heading printed above the field that opens it.
SECTIONS = {
    "org_name": "1. Organisation and role",
    "nominee_name": "2. Nominee: the person who will hold the role",
    "requester_name": "3. Requester: the person we send the outcome to",
    "authoriser_name": "4. Authoriser",
}

WIDTH, HEIGHT = 595.276, 841.89  # A4
LEFT, VALUE_X, RIGHT = 50.0, 250.0, 545.0
ROW, TALL_ROW, SIGNATURE_ROW = 20.0, 24.0, 40.0
SIZE, LEADING = 9.0, 11.5

INTRO = (
    "Use this form to ask Primary Care Support England (PCSE) to set up a User "
    "Administrator for PCSE Online when your organisation has none: one role for one "
    "person. Fill it in on screen, or print it and write in black ink in BLOCK CAPITALS."
)
WHO = (
    "The authoriser must be a GP Partner or the Caldicott Guardian of the organisation, "
    "or an Authorised Email List (AEL) user: their email address is on its list. Only when the "
    "organisation has none of these may a named contact at its Integrated Care Board "
    "(ICB) authorise, giving the ICB's code."
)
ROLES_TEXT = (
    "GPP Practice User Administrator (GP practices), PL Organisation User Administrator "
    "(GP, optometry and dental practices), Opto User Management (Organisation) (optometry "
    "practices), Main Contact (GP practices). Ask for New; or, for the Main Contact only, "
    "Update (the nominee replaces the current one) or Remove."
)


def _label(key: str) -> str:
    """The printed label: the first the reader looks for."""
    return LABELS[key][0]


def _send_text(upload_url: str, mailbox: str | None) -> str:
    where = f"upload it at {upload_url}"
    if mailbox:
        where += f", or email it as an attachment to {mailbox}"
    return (
        f"Send the signed form to PCSE as a PDF: {where}. A scan or photo of a printed "
        "form is fine, saved as a PDF. PCSE checks it against the organisation's records "
        "and emails the outcome to the requester."
    )


class _Layout:
    """Draws the page top to bottom and collects the widgets."""

    def __init__(self) -> None:
        self.canvas = Canvas(WIDTH, HEIGHT)
        self.widgets: list[Widget] = []
        self.top = 0.0

    def paragraph(self, text: str, x: float = LEFT, font: str = REGULAR) -> None:
        for line in wrap(text, font, SIZE, RIGHT - x):
            self.top += LEADING
            self.canvas.text(x, self.top, line, font, SIZE)

    def inset(self, heading: str, text: str) -> None:
        """Text beside a blue bar, as NHS inset text is set."""
        start = self.top
        self.top += 4
        self.paragraph(heading, LEFT + 12, BOLD)
        self.paragraph(text, LEFT + 12)
        self.top += 6
        self.canvas.rect(LEFT, start + 2, 4, self.top - start - 2, stroke=None, fill=NHS_BLUE)
        self.top += 6

    def header(self) -> None:
        c = self.canvas
        c.rect(RIGHT - 64, 22, 64, 26, stroke=None, fill=NHS_BLUE)
        c.text(RIGHT - 32 - text_width("NHS", LOGO, 20) / 2, 42.5, "NHS", LOGO, 20, WHITE)
        c.text(LEFT, 34, "Primary Care Support England", BOLD, 11, NHS_BLUE)
        c.text(LEFT, 47, "Form UA1", REGULAR, 9)
        self.top = 71
        c.text(LEFT, self.top, FORM_TITLE, BOLD, 16)
        self.top += 6
        self.paragraph(INTRO)
        self.top += 8
        self.inset("Who can authorise this request", WHO)
        self.inset("Which roles PCSE can set up", ROLES_TEXT)

    def section(self, heading: str, after_row: bool = True) -> None:
        # Far enough below a row that no reader takes the heading for a
        # value written under that row's label.
        self.top += 24 if after_row else 17
        self.canvas.text(LEFT, self.top, heading, BOLD, 11, NHS_BLUE)
        self.top += 5

    def row(self, key: str) -> None:
        height = {"signature": SIGNATURE_ROW}.get(key, TALL_ROW if key in MULTILINE_KEYS else ROW)
        c, top = self.canvas, self.top
        c.rect(LEFT, top, VALUE_X - LEFT, height)
        c.rect(VALUE_X, top, RIGHT - VALUE_X, height)
        c.text(LEFT + 5, top + 14, _label(key), BOLD, 10)
        inner = (VALUE_X + 3, top + 3, RIGHT - VALUE_X - 6, height - 6)
        if key == "signature":
            # A name typed here is set in a script face, as a signature is.
            inner = (VALUE_X + 4, top + 8, RIGHT - VALUE_X - 8, height - 16)
            widget = Widget(key, _label(key), inner, appearance="/TiBI 0 Tf 0 g")
        elif key in OPTIONS:
            widget = Widget(key, _label(key), inner, kind="combo", options=OPTIONS[key])
        else:
            flags = MULTILINE if key in MULTILINE_KEYS else 0
            widget = Widget(key, _label(key), inner, flags=flags)
        self.widgets.append(widget)
        self.top += height

    def declaration(self) -> None:
        self.section("5. " + _label("declaration"), after_row=False)  # a label itself
        text_x, box = LEFT + 22, 11.0
        self.top += 3
        first = self.top + LEADING
        self.paragraph(DECLARATION, text_x, REGULAR)
        box_top = first - 9.5
        self.canvas.rect(LEFT + 3, box_top, box, box, line_width=1)
        self.widgets.append(
            Widget("declaration", _label("declaration"), (LEFT + 3, box_top, box, box), "check")
        )
        self.top += 4

    def footer(self, upload_url: str, mailbox: str | None) -> None:
        self.top += 10
        self.inset("How to send this form", _send_text(upload_url, mailbox))
        self.canvas.text(
            LEFT,
            HEIGHT - 28,
            "Primary Care Support England  |  Form UA1  |  Page 1 of 1",
            REGULAR,
            8,
        )


def _page_content(layout: _Layout) -> StreamObject:
    stream = StreamObject()
    stream.set_data(layout.canvas.content())
    return stream


@functools.lru_cache(maxsize=8)
def blank_form(upload_url: str, mailbox: str | None = None) -> bytes:
    """The blank, fillable form as PDF bytes (one A4 page), telling the
    requester to upload it at ``upload_url`` or mail it to ``mailbox``.

    The same arguments always give the same bytes; they are made once per
    process.
    """
    layout = _Layout()
    layout.header()
    for key in FIELD_KEYS:
        if key in BOOLEAN_KEYS and key != "signature":
            continue
        if key in SECTIONS:
            layout.section(SECTIONS[key], after_row=key != FIELD_KEYS[0])
        layout.row(key)
    layout.declaration()
    layout.footer(upload_url, mailbox)
    if layout.top > HEIGHT - 40:
        raise AssertionError("the form no longer fits on one page")  # a layout change's bug

    writer = PdfWriter()
    page = writer.add_blank_page(WIDTH, HEIGHT)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): font_resources(FONTS)})
    page[NameObject("/Contents")] = writer._add_object(_page_content(layout))
    fields = [add_widget(writer, HEIGHT, widget) for widget in layout.widgets]
    page[NameObject("/Annots")] = ArrayObject(fields)
    writer._root_object.update(
        {
            NameObject("/AcroForm"): DictionaryObject(
                {
                    NameObject("/Fields"): ArrayObject(fields),
                    NameObject("/DR"): DictionaryObject(
                        {NameObject("/Font"): font_resources(WIDGET_FONTS)}
                    ),
                    NameObject("/DA"): TextStringObject("/Helv 0 Tf 0 g"),
                }
            ),
            NameObject("/Lang"): TextStringObject("en-GB"),
            NameObject("/ViewerPreferences"): DictionaryObject(
                {NameObject("/DisplayDocTitle"): BooleanObject(True)}
            ),
        }
    )
    writer.add_metadata(
        {
            "/Title": FORM_TITLE,
            "/Author": "Primary Care Support England",
            "/Subject": "Ask PCSE to set up a User Administrator for PCSE Online",
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
