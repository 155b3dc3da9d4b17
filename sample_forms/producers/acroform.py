"""Fillable forms: reportlab draws empty fields, pypdf fills them as a viewer would.

Field naming schemes: ``key`` (``org_code``), ``label`` (the printed label),
``designer`` (``form1[0].page1[0].org_code[0]``, as form designers write
them). The signature is a text field (a typed name) or a real signature
field (``/FT /Sig``), signed (``/V`` set) or not. ``flatten`` burns the
filled fields into the page with pdfium, leaving only a text layer.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pypdf
import pypdfium2
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from sample_forms.draw import DECLARATION, LABELS, SPEC_ORDER, TITLE

Values = Mapping[str, str | bool | None]
WIDTH, HEIGHT = A4
LEFT, VALUE_X, RIGHT = 50.0, 250.0, 545.0


def field_name(key: str, naming: str) -> str:
    """A field's name in one of the naming schemes."""
    if naming == "label":
        return "Declaration" if key == "declaration" else LABELS[key]
    if naming == "designer":
        return f"form1[0].page1[0].{key}[0]"
    return key


def _draw(values: Values, naming: str, sig_kind: str) -> tuple[bytes, tuple[float, ...]]:
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=0)
    c.setFont("Helvetica-Bold", 15)
    c.drawString(LEFT, HEIGHT - 60, TITLE)
    y = HEIGHT - 95
    sig_rect: tuple[float, ...] = ()
    for key in SPEC_ORDER:
        text = values.get(key)
        long = isinstance(text, str) and len(simpleSplit(text, "Helvetica", 10, 280)) > 1
        height = 44.0 if key == "signature" else (34.0 if long else 22.0)
        c.rect(LEFT, y - height, VALUE_X - LEFT, height)
        c.rect(VALUE_X, y - height, RIGHT - VALUE_X, height)
        c.setFont("Helvetica-Bold", 10)
        c.drawString(LEFT + 5, y - 14, LABELS[key])
        if key == "signature" and sig_kind == "sig":
            sig_rect = (VALUE_X + 4, y - height + 4, RIGHT - 4, y - 4)
        else:
            c.acroForm.textfield(
                name=field_name(key, naming),
                tooltip=LABELS[key],
                x=VALUE_X + 3,
                y=y - height + 3,
                width=RIGHT - VALUE_X - 6,
                height=height - 6,
                borderWidth=0,
                fillColor=None,
                fontName="Helvetica",
                fontSize=10,
                fieldFlags="multiline" if long else "",
            )
        y -= height
    c.setFont("Helvetica-Bold", 11)
    c.drawString(LEFT, y - 28, "Declaration")
    c.setFont("Helvetica", 10)
    for i, line in enumerate(simpleSplit(DECLARATION, "Helvetica", 10, RIGHT - LEFT - 20)):
        c.drawString(LEFT + 20, y - 48 - 12 * i, line)
    c.acroForm.checkbox(
        name=field_name("declaration", naming), x=LEFT + 2, y=y - 50, size=11, buttonStyle="check"
    )
    c.showPage()
    c.save()
    return buffer.getvalue(), sig_rect


def _add_sig_field(writer: pypdf.PdfWriter, rect: tuple[float, ...], signer: str | None) -> None:
    page = writer.pages[0]
    field = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject("signature"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
            NameObject("/F"): NumberObject(4),
        }
    )
    if signer:
        field[NameObject("/V")] = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Sig"),
                NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
                NameObject("/SubFilter"): NameObject("/adbe.pkcs7.detached"),
                NameObject("/Name"): TextStringObject(signer),
                NameObject("/M"): TextStringObject("D:20261101120000Z"),
            }
        )
    ref = writer._add_object(field)
    page[NameObject("/Annots")].append(ref)
    writer._root_object["/AcroForm"]["/Fields"].append(ref)


def fillable_pdf(values: Values, naming: str, sig_kind: str, flatten: bool = False) -> bytes:
    """The form drawn with empty fields, then filled with ``values``.

    ``sig_kind``: ``typed`` (the name in a text field) or ``sig`` (a
    signature field, signed when ``values["signature"]``).
    """
    blank, sig_rect = _draw(values, naming, sig_kind)
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(blank)))
    filled = {
        field_name(key, naming): str(values[key])
        for key in SPEC_ORDER
        if key != "signature" and isinstance(values.get(key), str)
    }
    if sig_kind == "typed" and values["signature"]:
        filled[field_name("signature", naming)] = str(values["authoriser_name"])
    if values["declaration"]:
        filled[field_name("declaration", naming)] = "/Yes"
    writer.update_page_form_field_values(writer.pages[0], filled, auto_regenerate=False)
    if sig_kind == "sig":
        signer = str(values["authoriser_name"]) if values["signature"] else None
        _add_sig_field(writer, sig_rect, signer)
    out = io.BytesIO()
    writer.write(out)
    if not flatten:
        return out.getvalue()
    document = pypdfium2.PdfDocument(out.getvalue())
    document.init_forms()
    for page in document:
        page.flatten()
    flat = io.BytesIO()
    document.save(flat)
    return flat.getvalue()
