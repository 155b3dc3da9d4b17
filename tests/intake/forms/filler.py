"""The tests' own filler: a person filling the published form in a PDF viewer.

Each text field gets its value and an appearance stream that draws it
(pypdf's, from the field's own font and size), a drop-down gets the option
a person would pick, the signature field the authoriser's typed name, and
the declaration box its "on" state. ``NeedAppearances`` stays off, so a
viewer shows exactly the appearances written here: what is read is what a
person sees, and :func:`flattened` burns them into the page to prove it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pypdf
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from intake.forms.blank import OPTIONS
from verification.fields import BOOLEAN_KEYS

Values = Mapping[str, str | bool | None]


def choice(key: str, value: str) -> str:
    """The drop-down option a person picks for ``value`` (as the form prints it)."""
    for option in OPTIONS[key]:
        if option.casefold() == " ".join(value.split()).casefold():
            return option
    raise ValueError(f"{value!r} is not offered for {key}")


def entries(values: Values) -> dict[str, str]:
    """What is typed or picked in each field; empty fields are left alone."""
    typed = {
        key: choice(key, value) if key in OPTIONS else value
        for key, value in values.items()
        if key not in BOOLEAN_KEYS and isinstance(value, str) and value.strip()
    }
    if values.get("signature"):
        typed["signature"] = str(values["authoriser_name"])
    if values.get("declaration"):
        typed["declaration"] = "/Yes"
    return typed


def fill(blank: bytes, values: Values) -> bytes:
    """``blank`` with ``values`` entered, as saved by a viewer."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(blank)))
    writer.update_page_form_field_values(writer.pages[0], entries(values), auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flattened(data: bytes) -> bytes:
    """The filled form with each field's appearance stream drawn into the page
    and the fields gone: what a person sees is then the only thing to read.

    Only the appearances are used (no viewer regenerates them from the
    values), so a value that is read but not drawn would go missing here.
    """
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        resources = page["/Resources"].get_object()
        xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject())
        drawn = []
        for index, annot in enumerate(page.get("/Annots", ())):
            widget = annot.get_object()
            normal = widget.get("/AP", {}).get("/N")
            if normal is None:
                continue
            normal = normal.get_object()
            if "/BBox" not in normal:  # a check box: one appearance per state
                normal = normal.get(widget.get("/AS", "/Off"))
                if normal is None:
                    continue
            name = NameObject(f"/Field{index}")
            xobjects[name] = normal.indirect_reference or writer._add_object(normal)
            x, y = float(widget["/Rect"][0]), float(widget["/Rect"][1])
            drawn.append(f"q 1 0 0 1 {x:.3f} {y:.3f} cm {name} Do Q")
        printed = page.get_contents().get_data()
        stream = StreamObject()
        stream.set_data(b"q\n" + printed + b"\nQ\n" + "\n".join(drawn).encode() + b"\n")
        page[NameObject("/Contents")] = writer._add_object(stream)
        del page["/Annots"]
    del writer._root_object["/AcroForm"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
