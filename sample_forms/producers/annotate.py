"""Forms filled in a PDF viewer: a blank printed form plus annotations.

The blank form is the reportlab form of the main corpus with every value
left empty. Each value is then added the way Adobe Fill & Sign, macOS
Preview or a browser's "add text" tool saves it: a ``/FreeText``
annotation whose appearance stream draws the text in Helvetica. The
signature is an ``/Ink`` annotation (pen strokes in ``/InkList`` and in its
appearance) or a ``/Stamp`` annotation showing a signature image; the tick
is a FreeText "X" or a Stamp holding a drawn check mark. Every appearance
stream's ``/BBox`` is its ``/Rect`` (page coordinates, identity matrix).
"""

from __future__ import annotations

import io
import math
import zlib
from collections.abc import Mapping

import pypdf
import pypdfium2
from PIL import Image
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from reportlab.pdfbase.pdfmetrics import stringWidth

from sample_forms.draw import LABELS, LEFT, RIGHT, VALUE_X
from sample_forms.generate import render as render_sample
from sample_forms.producers.html import signature_png
from sample_forms.scenarios import Request, Sample, Style, form

Values = Mapping[str, str | bool | None]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in page points

BLANK_STYLE = Style(signature="none", tick="empty")
SIGNED = "D:20261101093000Z"


def blank_form() -> bytes:
    """The printed form with its labels, boxes and an empty tick box; no values."""
    values = form(BLANK_STYLE)
    request = Request("blank", "blank", (), values, BLANK_STYLE)
    return render_sample(Sample("blank_form.pdf", (request,)))


def _label_box(page: pypdfium2.PdfPage, text: str) -> Box:
    textpage = page.get_textpage()
    searcher = textpage.search(text, match_case=True, match_whole_word=False)
    found = searcher.get_next()
    if found is None:
        raise LookupError(text)
    start, count = found
    first = textpage.get_charbox(start)
    last = textpage.get_charbox(start + count - 1)
    return first[0], first[1], last[2], first[3]


def value_boxes(blank: bytes) -> dict[str, Box]:
    """Where each value goes on the blank form (the value cells, the tick box)."""
    document = pypdfium2.PdfDocument(blank)
    page = document[0]
    boxes: dict[str, Box] = {}
    for key, text in LABELS.items():
        x0, y0, _, _ = _label_box(page, text)
        # The label's baseline is 14 pt under the row's top; rows are 22 pt,
        # the signature row 48 pt.
        top = round(y0) + 14
        height = 48.0 if key == "signature" else 22.0
        boxes[key] = (VALUE_X, top - height, RIGHT, top)
    _, y0, _, _ = _label_box(page, "I confirm that the role")
    # The tick box is drawn 2 pt under the first declaration line, 10 pt square.
    boxes["declaration"] = (LEFT + 2, round(y0) - 2, LEFT + 12, round(y0) + 8)
    document.close()
    return boxes


def _appearance(writer: pypdf.PdfWriter, box: Box, content: str, resources: DictionaryObject):
    stream = DecodedStreamObject()
    stream.set_data(content.encode("latin-1"))
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): _rect(box),
            NameObject("/Resources"): resources,
        }
    )
    return writer._add_object(stream)


def _rect(box: Box) -> ArrayObject:
    return ArrayObject([FloatObject(round(v, 2)) for v in box])


def _helvetica() -> DictionaryObject:
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    return DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/Helv"): font})})


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _annotation(subtype: str, box: Box, extra: Mapping[str, object]) -> DictionaryObject:
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): _rect(box),
            NameObject("/F"): NumberObject(4),
            NameObject("/M"): TextStringObject(SIGNED),
            NameObject("/T"): TextStringObject("Practice Manager"),
        }
    )
    annotation.update({NameObject(k): v for k, v in extra.items()})
    return annotation


def free_text(writer: pypdf.PdfWriter, cell: Box, text: str, size: float = 10.0):
    """A typewriter-style FreeText annotation in ``cell``, drawn by its appearance."""
    x0, y0, x1, y1 = cell
    while size > 6 and stringWidth(text, "Helvetica", size) > x1 - x0 - 12:
        size -= 0.5
    width = stringWidth(text, "Helvetica", size)
    box = (x0 + 5, y0 + 4, x0 + 9 + width, y0 + 8 + size)
    content = (
        f"/Tx BMC q BT /Helv {size:g} Tf 0 0 0 rg {box[0] + 2:.2f} {box[1] + 3:.2f} Td "
        f"({_escape(text)}) Tj ET Q EMC\n"
    )
    ap = _appearance(writer, box, content, _helvetica())
    return _annotation(
        "/FreeText",
        box,
        {
            "/Contents": TextStringObject(text),
            "/DA": TextStringObject(f"0 0 0 rg /Helv {size:g} Tf"),
            "/IT": NameObject("/FreeTextTypeWriter"),
            "/BS": DictionaryObject({NameObject("/W"): NumberObject(0)}),
            "/AP": DictionaryObject({NameObject("/N"): ap}),
        },
    )


def _pen_strokes(cell: Box) -> list[list[tuple[float, float]]]:
    """A signature as a pen tablet records it: a few strokes of sampled points."""
    x0, y0, _, _ = cell
    base_x, base_y = x0 + 16, y0 + 12
    loops = [
        (base_x + 8 * t + 6 * math.sin(2.3 * t), base_y + 12 + 11 * math.sin(1.7 * t))
        for t in (i / 4 for i in range(60))
    ]
    tail = [(base_x + 122 + 3 * i, base_y + 18 - 2.2 * i + 0.15 * i * i) for i in range(12)]
    underline = [(base_x + 4 + 14 * i, base_y - 2 + 1.5 * math.sin(i)) for i in range(11)]
    return [loops, tail, underline]


def ink(writer: pypdf.PdfWriter, cell: Box):
    """The signature drawn with a pen tool: an Ink annotation and its strokes."""
    strokes = _pen_strokes(cell)
    xs = [x for s in strokes for x, _ in s]
    ys = [y for s in strokes for _, y in s]
    box = (min(xs) - 2, min(ys) - 2, max(xs) + 2, max(ys) + 2)
    paths = []
    for stroke in strokes:
        (fx, fy), rest = stroke[0], stroke[1:]
        paths.append(f"{fx:.2f} {fy:.2f} m " + " ".join(f"{x:.2f} {y:.2f} l" for x, y in rest))
    content = "q 0 0 0.55 RG 1.4 w 1 J 1 j\n" + " S\n".join(paths) + " S\nQ\n"
    ap = _appearance(writer, box, content, DictionaryObject())
    ink_list = ArrayObject(
        ArrayObject([FloatObject(round(v, 2)) for point in s for v in point]) for s in strokes
    )
    return _annotation(
        "/Ink",
        box,
        {
            "/InkList": ink_list,
            "/C": ArrayObject([FloatObject(0), FloatObject(0), FloatObject(0.55)]),
            "/BS": DictionaryObject({NameObject("/W"): FloatObject(1.4)}),
            "/AP": DictionaryObject({NameObject("/N"): ap}),
        },
    )


def _image(writer: pypdf.PdfWriter, png: bytes):
    """A signature PNG as an image XObject, its white made transparent by a soft mask."""
    grey = Image.open(io.BytesIO(png)).convert("L")
    alpha = grey.point(lambda v: 255 - v)
    ink_colour = Image.new("L", grey.size, 40)

    def image(pixels: Image.Image, extra: Mapping[str, object]):
        stream = StreamObject()
        stream._data = zlib.compress(pixels.tobytes(), 9)
        stream.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): NumberObject(pixels.width),
                NameObject("/Height"): NumberObject(pixels.height),
                NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                NameObject("/BitsPerComponent"): NumberObject(8),
                NameObject("/Filter"): NameObject("/FlateDecode"),
            }
        )
        stream.update({NameObject(k): v for k, v in extra.items()})
        return writer._add_object(stream)

    return image(ink_colour, {"/SMask": image(alpha, {})}), grey.size


def stamp_signature(writer: pypdf.PdfWriter, cell: Box):
    """The signature placed as an image: a Stamp annotation showing a signature PNG."""
    x0, y0, _, y1 = cell
    ref, (w, h) = _image(writer, signature_png())
    height = y1 - y0 - 8
    width = height * w / h
    box = (x0 + 10, y0 + 4, x0 + 10 + width, y0 + 4 + height)
    content = f"q {width:.2f} 0 0 {height:.2f} {box[0]:.2f} {box[1]:.2f} cm /Im0 Do Q\n"
    resources = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): ref})}
    )
    ap = _appearance(writer, box, content, resources)
    return _annotation(
        "/Stamp",
        box,
        {
            "/Name": NameObject("/Signature"),
            "/AP": DictionaryObject({NameObject("/N"): ap}),
        },
    )


def stamp_check(writer: pypdf.PdfWriter, cell: Box):
    """A check mark placed from a viewer's stamp palette, over the tick box."""
    x0, y0, x1, y1 = cell
    box = (x0 - 1, y0 - 1, x1 + 3, y1 + 3)
    content = (
        f"q 0 0 0 RG 1.8 w 1 J 1 j {x0 + 1.5:.2f} {y0 + 5:.2f} m {x0 + 4:.2f} {y0 + 1.5:.2f} l "
        f"{x1 + 1.5:.2f} {y1 + 2:.2f} l S Q\n"
    )
    ap = _appearance(writer, box, content, DictionaryObject())
    return _annotation(
        "/Stamp",
        box,
        {"/Name": NameObject("/Check"), "/AP": DictionaryObject({NameObject("/N"): ap})},
    )


def filled_in_viewer(values: Values, signature: str, tick: str) -> bytes:
    """The blank form with ``values`` added as annotations.

    ``signature``: ``ink`` or ``stamp``; ``tick``: ``freetext`` (an "X") or
    ``stamp`` (a check mark). An unsigned form or an unticked box gets none.
    """
    blank = blank_form()
    boxes = value_boxes(blank)
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(blank)))
    annotations = [
        free_text(writer, boxes[key], value)
        for key, value in values.items()
        if key in LABELS and isinstance(value, str)
    ]
    if values["signature"]:
        make = ink if signature == "ink" else stamp_signature
        annotations.append(make(writer, boxes["signature"]))
    if values["declaration"]:
        if tick == "stamp":
            annotations.append(stamp_check(writer, boxes["declaration"]))
        else:
            annotations.append(free_text(writer, _tick_cell(boxes["declaration"]), "X", 9))
    for annotation in annotations:
        writer.add_annotation(0, annotation)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _tick_cell(box: Box) -> Box:
    # free_text insets its text 5 pt right and 4 pt up of the cell's corner.
    x0, y0, x1, y1 = box
    return (x0 - 4.5, y0 - 5.5, x1 + 8, y1)
