"""Drawing sample forms with reportlab, the way a real PCSE form looks.

A title, a short introduction, label/value rows (a bordered table with the
value right of the label, or the value under the label on a ruled line), a
signature box, a "Date signed" row and the declaration with its tick box.
Everything is drawn at fixed positions, so the output is byte-for-byte
repeatable with ``invariant=1``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from sample_forms.scenarios import Request, Style
from verification.fields import FIELD_LABELS

TITLE = "PCSE Online User Administrator Authorisation Form"
DECLARATION = (
    "I confirm that the role requested is appropriate for the organisation, that the "
    "nominee has a legitimate reason to access PCSE Online, and that this request aligns "
    "with information governance requirements."
)
#: The labels our forms print: the SPEC's, the ICB code's with its condition.
LABELS = {
    key: "ICB code (ICB authorisers only)" if key == "icb_code" else label
    for key, label in FIELD_LABELS.items()
    if key != "declaration"
}
SECTIONS = {
    "org_name": "Organisation",
    "nominee_name": "Nominee",
    "requester_name": "Requester",
    "authoriser_name": "Authoriser",
}
SPEC_ORDER = tuple(LABELS)
SHUFFLED_ORDER = (
    "nominee_name",
    "nominee_email",
    "nominee_job_title",
    "org_code",
    "org_name",
    "role",
    "request_type",
    "authoriser_name",
    "authoriser_capacity",
    "authoriser_email",
    "icb_code",
    "requester_email",
    "requester_name",
    "signature",
    "date_signed",
)

WIDTH, HEIGHT = A4
LEFT, RIGHT = 50.0, 545.0
VALUE_X = 265.0  # table layout: left edge of the value column
FONT, BOLD, SIZE = "Helvetica", "Helvetica-Bold", 10
SCRIPT = "Times-BoldItalic"
BOTTOM = 70.0


@dataclass
class Pen:
    """A canvas and the current y (the top of the next row, in PDF points)."""

    canvas: Canvas
    y: float = HEIGHT - 60
    page: int = 1

    def turn(self) -> None:
        """Start a new page (the caller has drawn the footer)."""
        self.canvas.showPage()
        self.page += 1
        self.y = HEIGHT - 60

    def new_page(self, header: str | None = None) -> None:
        """Footer, new page, and an optional running header."""
        self.footer()
        self.turn()
        if header:
            self.canvas.setFont(BOLD, 12)
            self.canvas.drawString(LEFT, self.y, header)
            self.y -= 30

    def ensure(self, height: float) -> None:
        """Turn the page unless ``height`` more points fit above the bottom margin."""
        if self.y - height < BOTTOM:
            self.new_page()

    def footer(self) -> None:
        self.canvas.setFont(FONT, 8)
        self.canvas.drawString(
            LEFT, 40, f"Primary Care Support England - form UA1 - page {self.page}"
        )


def label_text(key: str, style: Style, number: int) -> str:
    """The printed label of ``key`` in the style's spelling."""
    text = "Declaration" if key == "declaration" else LABELS[key]
    if style.labels == "upper":
        return text.upper()
    if style.labels == "email-hyphen":
        return text.replace("email", "E-mail") + ":"
    if style.labels == "numbered":
        return f"{number}. {text}"
    if style.labels == "colon":
        return text + ":"
    return text


def draw_title(pen: Pen) -> None:
    c = pen.canvas
    c.setFont(BOLD, 15)
    c.drawString(LEFT, pen.y, TITLE)
    c.setFont(FONT, 9)
    intro = (
        "Use this form to ask PCSE to set up a User Administrator for your organisation. "
        "Complete every section in capitals; the person authorising must be a GP partner, "
        "the Caldicott Guardian, on the Authorised Email List, or a named ICB contact."
    )
    y = pen.y - 18
    for line in simpleSplit(intro, FONT, 9, RIGHT - LEFT):
        c.drawString(LEFT, y, line)
        y -= 11
    pen.y = y - 10


def draw_request(pen: Pen, request: Request) -> None:
    """Draw one whole form from the current position (title to declaration)."""
    style, values = request.style, request.values
    draw_title(pen)
    order = SHUFFLED_ORDER if style.order == "shuffled" else SPEC_ORDER
    split_after = order.index("requester_email") if style.split else None
    for number, key in enumerate(order, start=1):
        if key in SECTIONS and style.order == "spec":
            _section(pen, SECTIONS[key])
        label = label_text(key, style, number)
        if key == "signature":
            _signature_row(pen, label, style, values)
        else:
            _text_row(pen, key, label, values.get(key), style)
        if split_after is not None and order.index(key) == split_after:
            pen.new_page(TITLE + " (continued)")
    _declaration(pen, style, bool(values["declaration"]), len(order) + 1)
    pen.footer()


def _section(pen: Pen, title: str) -> None:
    pen.ensure(60.0)
    pen.y -= 6
    pen.canvas.setFont(BOLD, 11)
    pen.canvas.drawString(LEFT, pen.y - 12, title)
    pen.y -= 22


def _text_row(pen: Pen, key: str, label: str, value: object, style: Style) -> None:
    c = pen.canvas
    text = value if isinstance(value, str) else ""
    if style.layout == "table":
        lines = simpleSplit(text, FONT, SIZE, RIGHT - VALUE_X - 14) or [""]
        height = max(22.0, 12.0 * len(lines) + 10)
        pen.ensure(height)
        c.rect(LEFT, pen.y - height, VALUE_X - LEFT, height)
        c.rect(VALUE_X, pen.y - height, RIGHT - VALUE_X, height)
        c.setFont(BOLD, SIZE)
        c.drawString(LEFT + 5, pen.y - 14, label)
        _value(
            c,
            key,
            label,
            lines,
            VALUE_X + 7,
            pen.y - 14,
            style,
            (VALUE_X, pen.y - height, RIGHT - VALUE_X, height),
        )
        pen.y -= height
    else:
        lines = simpleSplit(text, FONT, SIZE, RIGHT - LEFT - 10) or [""]
        pen.ensure(32.0 + 12 * len(lines))
        c.setFont(BOLD, SIZE)
        c.drawString(LEFT, pen.y - 10, label)
        base = pen.y - 22
        rule = base - 12.0 * (len(lines) - 1) - 3
        _value(c, key, label, lines, LEFT + 2, base, style, (LEFT, rule, RIGHT - LEFT, 16))
        c.setLineWidth(0.5)
        c.line(LEFT, rule, RIGHT, rule)
        c.setLineWidth(1)
        pen.y = rule - 7


def _value(
    c: Canvas,
    key: str,
    label: str,
    lines: list[str],
    x: float,
    y: float,
    style: Style,
    field_box: tuple[float, float, float, float],
) -> None:
    if style.acroform:
        name = key if style.acroform == "key" else LABELS[key]
        fx, fy, fw, fh = field_box
        c.acroForm.textfield(
            name=name,
            value=" ".join(lines).strip(),
            x=fx + 3,
            y=fy + 3,
            width=fw - 6,
            height=min(fh - 6, 16),
            borderWidth=0,
            fillColor=None,
            fontName=FONT,
            fontSize=SIZE,
            maxlen=200,
        )
        return
    c.setFont(FONT, SIZE)
    for i, line in enumerate(lines):
        c.drawString(x, y - 12 * i, line)


def _signature_row(pen: Pen, label: str, style: Style, values: Mapping[str, object]) -> None:
    c = pen.canvas
    pen.ensure(72.0)
    if style.layout == "table":
        height = 48.0
        c.rect(LEFT, pen.y - height, VALUE_X - LEFT, height)
        c.setFont(BOLD, SIZE)
        c.drawString(LEFT + 5, pen.y - 14, label)
        box = (VALUE_X, pen.y - height, RIGHT - VALUE_X, height)
        pen.y -= height
    else:
        c.setFont(BOLD, SIZE)
        c.drawString(LEFT, pen.y - 10, label)
        box = (LEFT, pen.y - 62, 250.0, 46.0)
        pen.y -= 72
    x, y, w, h = box
    c.rect(x, y, w, h)
    name = str(values.get("authoriser_name") or "")
    if style.acroform:
        field = "signature" if style.acroform == "key" else LABELS["signature"]
        typed = name if style.signature == "typed" else ""
        c.acroForm.textfield(
            name=field,
            value=typed,
            x=x + 4,
            y=y + 12,
            width=w - 8,
            height=22,
            borderWidth=0,
            fillColor=None,
            fontName=SCRIPT,
            fontSize=16,
        )
    elif style.signature == "typed":
        c.setFont(SCRIPT, 18)
        c.drawString(x + 12, y + h / 2 - 6, name)
    elif style.signature == "strokes":
        _strokes(c, x + 14, y + 10)


def _strokes(c: Canvas, x: float, y: float) -> None:
    """A scribbled signature: three joined bezier curves and a flourish."""
    path = c.beginPath()
    path.moveTo(x, y + 8)
    path.curveTo(x + 10, y + 30, x + 22, y - 2, x + 34, y + 16)
    path.curveTo(x + 44, y + 30, x + 52, y + 2, x + 66, y + 12)
    path.curveTo(x + 78, y + 22, x + 90, y + 4, x + 110, y + 10)
    c.setLineWidth(1.2)
    c.drawPath(path, stroke=1, fill=0)
    flourish = c.beginPath()
    flourish.moveTo(x + 6, y + 2)
    flourish.curveTo(x + 40, y - 2, x + 80, y + 4, x + 120, y)
    c.drawPath(flourish, stroke=1, fill=0)
    c.setLineWidth(1)


def _declaration(pen: Pen, style: Style, ticked: bool, number: int) -> None:
    c = pen.canvas
    if pen.y < BOTTOM + 90:
        pen.new_page()
    pen.y -= 16
    c.setFont(BOLD, 11)
    c.drawString(LEFT, pen.y - 12, label_text("declaration", style, number))
    pen.y -= 32
    text_x = LEFT + 18
    lines = simpleSplit(DECLARATION, FONT, SIZE, RIGHT - text_x)
    c.setFont(FONT, SIZE)
    for i, line in enumerate(lines):
        c.drawString(text_x, pen.y - 12 * i, line)
    bx, by, size = LEFT + 2, pen.y - 2, 10.0
    if style.tick == "acroform":
        name = "declaration" if style.acroform == "key" else "Declaration"
        c.acroForm.checkbox(
            name=name, x=bx, y=by, size=size, checked=ticked, buttonStyle="cross", borderWidth=1
        )
    elif style.tick == "bracket_x":
        c.drawString(LEFT, pen.y, "[x]" if ticked else "[ ]")
    else:
        c.rect(bx, by, size, size)
        _tick(c, style.tick if ticked else "empty", bx, by, size)
    pen.y -= 12 * len(lines) + 10


def _tick(c: Canvas, kind: str, x: float, y: float, size: float) -> None:
    if kind == "drawn_x":
        c.setLineWidth(1.3)
        c.line(x + 2, y + 2, x + size - 2, y + size - 2)
        c.line(x + 2, y + size - 2, x + size - 2, y + 2)
        c.setLineWidth(1)
    elif kind == "check":
        path = c.beginPath()
        path.moveTo(x + 1.5, y + 5)
        path.lineTo(x + 4, y + 1.5)
        path.lineTo(x + size + 1, y + size + 2)
        c.setLineWidth(1.5)
        c.drawPath(path, stroke=1, fill=0)
        c.setLineWidth(1)
    elif kind == "char_x":
        c.setFont(BOLD, 9)
        c.drawString(x + 2, y + 2, "X")
        c.setFont(FONT, SIZE)


def draw_covering_letter(pen: Pen, request: Request) -> None:
    """A practice's covering letter, which mentions the form by name."""
    c = pen.canvas
    org = str(request.values.get("org_name") or "")
    c.setFont(BOLD, 12)
    c.drawString(LEFT, pen.y, "NHS North Riverside Integrated Care Board")
    c.setFont(FONT, SIZE)
    body = (
        "Dear PCSE team,",
        "",
        f"Please find enclosed the {TITLE} for {org}. The practice currently has no GP "
        "partner, Caldicott Guardian or Authorised Email List entry who can authorise the "
        "request, so the ICB has authorised it as the named ICB contact.",
        "",
        "Please contact me if you need anything further.",
        "",
        "Yours faithfully,",
        "Anita Rao, Primary Care Contracting Manager",
    )
    y = pen.y - 40
    for paragraph in body:
        for line in simpleSplit(paragraph, FONT, SIZE, RIGHT - LEFT) or [""]:
            c.drawString(LEFT, y, line)
            y -= 14
    pen.footer()
    pen.turn()
