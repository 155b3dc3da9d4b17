"""Values of a fillable (AcroForm) PDF, read from its fields with pypdf.

A filled field's value lives in the field dictionary, not in the page text,
so the layout reader cannot see it. Fields may be named by SPEC key
(``org_code``) or by printed label ("Organisation code (ODS)"); see
:func:`intake.reading.labels.key_for_name`. Each value keeps the page of its
widget so it can be joined to the form the text layer found on that page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from intake.reading.labels import key_for_name
from intake.reading.marks import TICKED
from intake.reading.model import FieldReading

_PUSH_BUTTON = 1 << 16


@dataclass(frozen=True)
class AcroField:
    """One recognised field: its key and the value read from it."""

    key: str
    reading: FieldReading

    @property
    def filled(self) -> bool:
        """A value someone entered (text, a ticked box, a signature)."""
        return self.reading.value not in (None, False)


def _inherited(widget: Any, name: str) -> Any:
    """A field attribute, looked up through the widget's parents."""
    node, depth = widget, 0
    while node is not None and depth < 20:
        if name in node:
            return node[name].get_object() if hasattr(node[name], "get_object") else node[name]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
        depth += 1
    return None


def _names(widget: Any) -> list[str]:
    """The candidate names of a widget: full dotted name, then tooltip."""
    parts: list[str] = []
    node, depth = widget, 0
    while node is not None and depth < 20:
        if "/T" in node:
            parts.append(str(node["/T"]))
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
        depth += 1
    names = [".".join(reversed(parts))] if parts else []
    if parts:
        names.append(parts[0])
    tooltip = _inherited(widget, "/TU")
    if tooltip is not None:
        names.append(str(tooltip))
    return names


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return text or None


def _reading(key: str, widget: Any, page: int) -> FieldReading | None:
    kind = _inherited(widget, "/FT")
    value = _inherited(widget, "/V")
    if kind == "/Btn":
        flags = int(_inherited(widget, "/Ff") or 0)
        if flags & _PUSH_BUTTON:
            return None
        state = value if value is not None else widget.get("/AS")
        ticked = state is not None and str(state) not in ("/Off", "Off", "")
        return FieldReading(ticked, 1.0, page, "check box")
    if kind == "/Sig":
        return FieldReading(value is not None, 1.0, page, "signature field")
    text = _text(value)
    if key == "signature":
        note = "signature typed in a text field" if text else "signature field empty"
        return FieldReading(text is not None, 1.0, page, note)
    if key == "declaration":
        if text is None:
            return FieldReading(False, 1.0, page, "declaration field empty")
        ticked = text in TICKED or text.lower() in ("yes", "y", "true", "on")
        return FieldReading(ticked, 1.0, page, f"declaration field {text!r}")
    return FieldReading(text, 1.0, page, "" if text else "field empty")


def read_fields(reader: Any) -> dict[int, list[AcroField]]:
    """Recognised AcroForm fields per 0-based page index (empty if none).

    ``reader`` is a ``pypdf.PdfReader``. Unrecognised fields are ignored.
    """
    root = reader.trailer["/Root"].get_object()
    if "/AcroForm" not in root:
        return {}
    found: dict[int, list[AcroField]] = {}
    for index, page in enumerate(reader.pages):
        annots = page.get("/Annots")
        for annot in annots.get_object() if annots is not None else ():
            widget = annot.get_object()
            if widget.get("/Subtype") != "/Widget":
                continue
            key = next((k for k in map(key_for_name, _names(widget)) if k), None)
            reading = _reading(key, widget, index) if key else None
            if key and reading is not None:
                found.setdefault(index, []).append(AcroField(key, reading))
    return found
