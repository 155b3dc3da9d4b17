"""A small PDF writer for one form page: standard fonts, text, boxes, widgets.

The service draws its form with the libraries it already runs on (pypdf for
the objects, pdfminer.six's metrics of the standard fonts for text widths),
so publishing the form needs nothing the reader does not. Positions are PDF
points measured *down from the top* of the page, as the reader measures
them; :class:`Canvas` turns them round.

>>> canvas = Canvas(200, 100)
>>> canvas.text(10, 20, "Date signed", BOLD, 10)
>>> canvas.content().decode()
'BT /F2 10 Tf 0.129 0.169 0.196 rg 10 80 Td (Date signed) Tj ET\\n'
>>> wrap("one two three", REGULAR, 10, 40)
['one two', 'three']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pdfminer.fontmetrics import FONT_METRICS
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

#: Page resource names of the fonts the form prints in.
REGULAR, BOLD, LOGO = "/F1", "/F2", "/F3"
FONTS = {REGULAR: "Helvetica", BOLD: "Helvetica-Bold", LOGO: "Helvetica-BoldOblique"}
#: The fonts widgets draw their values in (the form's default resources).
WIDGET_FONTS = {"/Helv": "Helvetica", "/TiBI": "Times-BoldItalic", "/ZaDb": "ZapfDingbats"}

Colour = tuple[float, float, float]
#: NHS identity colours: blue, the text colour, and a grey for rules.
NHS_BLUE: Colour = (0.0, 0.369, 0.722)
TEXT: Colour = (0.129, 0.169, 0.196)
RULE: Colour = (0.3, 0.3, 0.3)
WHITE: Colour = (1.0, 1.0, 1.0)

#: Field flags (PDF 32000-1 §12.7.4): multiline text, a combo box.
MULTILINE = 1 << 12
COMBO = 1 << 17
#: Annotation flag: printed with the page.
PRINT = 4


def _number(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _string(text: str) -> str:
    """A PDF literal string in WinAnsi (the standard fonts' encoding)."""
    raw = text.encode("cp1252", errors="replace").decode("latin-1")
    return "(" + raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def text_width(text: str, font: str, size: float) -> float:
    """The printed width of ``text`` in one of :data:`FONTS`, in points."""
    widths = FONT_METRICS[FONTS.get(font, font)][1]
    return sum(widths.get(char, 556) for char in text) * size / 1000


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (at spaces)."""
    lines: list[str] = []
    for word in text.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(joined, font, size) <= width:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines


@dataclass
class Canvas:
    """The content stream of one page, drawn top-down."""

    width: float
    height: float
    ops: list[str] = field(default_factory=list)

    def _y(self, top: float) -> str:
        return _number(self.height - top)

    def text(
        self, x: float, baseline: float, text: str, font: str, size: float, colour: Colour = TEXT
    ) -> None:
        """``text`` with its baseline ``baseline`` points below the top of the page."""
        rgb = " ".join(map(_number, colour))
        self.ops.append(
            f"BT {font} {_number(size)} Tf {rgb} rg {_number(x)} {self._y(baseline)} Td "
            f"{_string(text)} Tj ET"
        )

    def rect(
        self,
        x: float,
        top: float,
        width: float,
        height: float,
        *,
        stroke: Colour | None = RULE,
        fill: Colour | None = None,
        line_width: float = 0.8,
    ) -> None:
        """A rectangle whose top-left corner is ``(x, top)``."""
        parts = [f"{_number(line_width)} w"]
        if stroke:
            parts.append(" ".join(map(_number, stroke)) + " RG")
        if fill:
            parts.append(" ".join(map(_number, fill)) + " rg")
        paint = "B" if stroke and fill else ("f" if fill else "S")
        box = f"{_number(x)} {self._y(top + height)} {_number(width)} {_number(height)} re"
        self.ops.append(f"q {' '.join(parts)} {box} {paint} Q")

    def content(self) -> bytes:
        """The page's content stream."""
        return ("\n".join(self.ops) + "\n").encode("latin-1")


def font_resources(fonts: dict[str, str]) -> DictionaryObject:
    """A ``/Font`` resource dictionary of standard fonts, the text fonts in
    WinAnsi (a symbol font keeps its own encoding)."""
    resources = DictionaryObject()
    for name, base in fonts.items():
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/" + base),
            }
        )
        if base != "ZapfDingbats":
            font[NameObject("/Encoding")] = NameObject("/WinAnsiEncoding")
        resources[NameObject(name)] = font
    return resources


@dataclass(frozen=True)
class Widget:
    """A fillable field of one widget: where it sits and what kind it is.

    ``box`` is ``(x, top, width, height)`` in top-down points; ``kind`` is
    ``text``, ``combo`` or ``check``.
    """

    name: str
    tooltip: str
    box: tuple[float, float, float, float]
    kind: str = "text"
    flags: int = 0
    appearance: str = "/Helv 0 Tf 0 g"
    options: tuple[str, ...] = ()


def _rect(widget: Widget, page_height: float) -> ArrayObject:
    x, top, width, height = widget.box
    y = page_height - top - height
    return ArrayObject(FloatObject(round(v, 3)) for v in (x, y, x + width, y + height))


def _xobject(writer: PdfWriter, widget: Widget, data: bytes) -> IndirectObject:
    """A form XObject the size of the widget: one of its appearances."""
    _, _, width, height = widget.box
    stream = StreamObject()
    stream.set_data(data)
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]
            ),
            NameObject("/Resources"): DictionaryObject(),
        }
    )
    return writer._add_object(stream)


def _tick(widget: Widget) -> bytes:
    """The check mark a ticked box shows: three strokes, no font needed."""
    _, _, w, h = widget.box
    points = ((0.2, 0.52), (0.42, 0.24), (0.82, 0.8))
    path = " ".join(
        f"{_number(px * w)} {_number(py * h)} {'m' if i == 0 else 'l'}"
        for i, (px, py) in enumerate(points)
    )
    return f"q 0 0 0 RG {_number(max(w / 9, 1.2))} w 1 J 1 j {path} S Q\n".encode()


def add_widget(writer: PdfWriter, page_height: float, widget: Widget) -> IndirectObject:
    """Make ``widget``'s field (a merged field and widget annotation) and
    return its reference; the caller puts it in the page's ``/Annots`` and the
    form's ``/Fields``. Empty values, with empty appearances: what a person
    sees is the printed page, and a value appears only once one is entered."""
    field = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/T"): TextStringObject(widget.name),
            NameObject("/TU"): TextStringObject(widget.tooltip),
            NameObject("/Rect"): _rect(widget, page_height),
            NameObject("/F"): NumberObject(PRINT),
            NameObject("/BS"): DictionaryObject({NameObject("/W"): NumberObject(0)}),
        }
    )
    if widget.kind == "check":
        field.update(
            {
                NameObject("/FT"): NameObject("/Btn"),
                NameObject("/V"): NameObject("/Off"),
                NameObject("/AS"): NameObject("/Off"),
                NameObject("/MK"): DictionaryObject({NameObject("/CA"): TextStringObject("4")}),
                NameObject("/DA"): TextStringObject("/ZaDb 0 Tf 0 g"),
                NameObject("/AP"): DictionaryObject(
                    {
                        NameObject("/N"): DictionaryObject(
                            {
                                NameObject("/Yes"): _xobject(writer, widget, _tick(widget)),
                                NameObject("/Off"): _xobject(writer, widget, b""),
                            }
                        )
                    }
                ),
            }
        )
    else:
        flags = widget.flags | (COMBO if widget.kind == "combo" else 0)
        field.update(
            {
                NameObject("/FT"): NameObject("/Ch" if widget.kind == "combo" else "/Tx"),
                NameObject("/Ff"): NumberObject(flags),
                NameObject("/DA"): TextStringObject(widget.appearance),
                NameObject("/AP"): DictionaryObject(
                    {NameObject("/N"): _xobject(writer, widget, b"/Tx BMC EMC\n")}
                ),
            }
        )
        if widget.options:
            field[NameObject("/Opt")] = ArrayObject(TextStringObject(o) for o in widget.options)
    return writer._add_object(field)
