"""Values of a fillable (AcroForm) PDF, read from its fields with pypdf, and
checked against what the page shows.

A filled field's value lives in the field dictionary, not in the page text,
so the layout reader cannot see it. Fields may be named by SPEC key
(``org_code``) or by printed label ("Organisation code (ODS)"); see
:func:`intake.reading.labels.key_for_name`. Each value keeps the page of its
widget so it can be joined to the form the text layer found on that page.

**The stored value is not what a person sees** (SPEC §2): a viewer draws a
field by its widget's appearance stream, not from its value (``/V``), and
the two can differ: an appearance that draws another value, none at all, a
hidden or off-page widget, one covered by another annotation, a check box
whose drawn state is not its stored one. So each value taken is checked
against its page, as pdfium (the engine of Chrome's viewer) draws it: the
page's annotations are flattened into it, and the text drawn inside each
widget is read and tested for being seen the way
:mod:`~intake.reading.visible` tests a text layer (hiding the text must
change the pixels there). A check box's drawn state is the ink inside it.

* What is seen agrees with ``/V`` (case and spaces aside): the value stands.
* Otherwise what is seen is read (``None`` if nothing is), at
  :data:`UNSEEN_CONFIDENCE`: below the threshold, so a caseworker looks. The
  stored value never decides.
* ``NeedAppearances`` set and a widget without an appearance: viewers draw
  the value themselves, so the widget is drawn the way pdfium draws it then
  (from ``/V``) and checked the same way (hidden, off the page, covered).
  Where a widget has an appearance, it must show ``/V`` whatever
  ``NeedAppearances`` says: a viewer that does not redraw shows it.
* Without ``NeedAppearances``, a widget without an appearance shows nothing.

A signature field (``/FT /Sig``) counts as signed by its signature
dictionary, as SPEC §2 says, whether or not it has a visible appearance.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any

import numpy as np
import pypdfium2
import pypdfium2.raw as pdfium_c

from intake.reading import visible
from intake.reading.labels import key_for_name
from intake.reading.marks import TICKED
from intake.reading.model import FieldReading

_PUSH_BUTTON = 1 << 16
_RADIO = 1 << 15
#: Annotation flags: Hidden (bit 2) and NoView (bit 6).
_HIDDEN_FLAGS = (1 << 1) | (1 << 5)
#: Confidence of a field whose stored value is not what its page shows (or
#: whose page shows a value its field does not hold): below
#: ``verification.normalise.LOW_CONFIDENCE_THRESHOLD``, so a caseworker
#: looks, whatever value was read.
UNSEEN_CONFIDENCE = 0.5
#: A check box is drawn ticked when this share of its inside (its edges,
#: where borders are drawn, left out) is dark.
TICK_SHARE = 0.04
#: Share of each side of a check box left out as its border.
_BORDER_SHARE = 0.2
#: Grey level below which a pixel is ink.
_DARK = 128
#: A check box is rendered at least this many pixels across.
_BOX_PIXELS = 48
#: Points a drawn text's centre may lie outside its widget's rectangle.
_SLACK = 1.0


@dataclass(frozen=True)
class AcroField:
    """One recognised field: its key and the value read from it."""

    key: str
    reading: FieldReading

    @property
    def filled(self) -> bool:
        """A value someone entered (text, a ticked box, a signature), or a
        stored value the page does not show (read at low confidence)."""
        return self.reading.value not in (None, False) or self.reading.confidence < 1.0


@dataclass(frozen=True)
class Shown:
    """What the page shows inside one widget."""

    #: The text drawn there that a person can see (``None`` if none).
    text: str | None
    #: Whether text is drawn there that no one can see (invisible, white on
    #: white, clipped away, covered).
    unseen: bool = False
    #: For a check box: whether a mark is drawn inside it.
    ticked: bool = False
    #: Why nothing there can be seen, when the widget is not drawn at all.
    why: str = ""


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


def _same(a: str | None, b: str | None) -> bool:
    """Whether two texts read the same, case and spaces aside.

    >>> _same("Alice@NHS.net ", "alice @nhs.net"), _same("A81001", "A81002")
    (True, False)
    """
    return "".join((a or "").split()).casefold() == "".join((b or "").split()).casefold()


def _kind(widget: Any) -> str | None:
    """``"check"``, ``"text"`` (text and choice fields), ``"sig"`` or
    ``None`` (a push button: no value)."""
    kind = _inherited(widget, "/FT")
    if kind == "/Btn":
        return None if int(_inherited(widget, "/Ff") or 0) & _PUSH_BUTTON else "check"
    if kind == "/Sig":
        return "sig"
    return "text"


def _stored_tick(widget: Any) -> bool:
    """Whether a check box (or radio button) is on, by its stored state."""
    value = _inherited(widget, "/V")
    if int(_inherited(widget, "/Ff") or 0) & _RADIO and "/AS" in widget:
        value = widget["/AS"]  # a radio group's value names its one "on" button
    state = value if value is not None else widget.get("/AS")
    return state is not None and str(state) not in ("/Off", "Off", "")


def _displayed(widget: Any, text: str | None) -> str | None:
    """A choice field's text as displayed: ``/Opt`` may pair an export value
    (stored in ``/V``) with the text shown for it."""
    options = _inherited(widget, "/Opt")
    for option in options if isinstance(options, list) else ():
        option = option.get_object() if hasattr(option, "get_object") else option
        if isinstance(option, list) and len(option) == 2 and _same(_text(option[0]), text):
            return _text(option[1])
    return text


def _reading(key: str, widget: Any, page: int) -> FieldReading | None:
    """The field as stored in the file (not yet checked against the page)."""
    kind = _kind(widget)
    if kind is None:
        return None
    if kind == "check":
        return FieldReading(_stored_tick(widget), 1.0, page, "check box")
    if kind == "sig":
        return FieldReading(_inherited(widget, "/V") is not None, 1.0, page, "signature field")
    return _from_text(key, _text(_inherited(widget, "/V")), 1.0, page, "")


def _from_text(key: str, text: str | None, confidence: float, page: int, note: str) -> FieldReading:
    """A text field's reading of ``text`` for ``key``."""
    if key == "signature":
        said = "signature typed in a text field" if text else "signature field empty"
        return FieldReading(text is not None, confidence, page, note or said)
    if key == "declaration":
        if text is None:
            return FieldReading(False, confidence, page, note or "declaration field empty")
        ticked = text in TICKED or text.lower() in ("yes", "y", "true", "on")
        return FieldReading(ticked, confidence, page, note or f"declaration field {text!r}")
    return FieldReading(text, confidence, page, note or ("" if text else "field empty"))


def _as_shown(key: str, widget: Any, stored: FieldReading, shown: Shown) -> FieldReading:
    """``stored`` where the page shows it; else what the page shows, unsure."""
    page = stored.page if stored.page is not None else 0
    where = shown.why or "the page"
    if _kind(widget) == "check":
        if stored.value == shown.ticked:
            return stored
        said = "ticked" if stored.value else "not ticked"
        seen = "a tick" if shown.ticked else "no tick"
        note = f"the check box is stored as {said} but {where} shows {seen}"
        return FieldReading(shown.ticked, UNSEEN_CONFIDENCE, page, note)
    value = _text(_inherited(widget, "/V"))
    if not shown.unseen and (
        _same(shown.text, value) or _same(shown.text, _displayed(widget, value))
    ):
        if _same(shown.text, value):
            return stored
        return _from_text(key, shown.text, stored.confidence, page, "")
    if shown.unseen:
        seen = "text no one can see"
        if shown.text:
            seen += f" beside {shown.text!r}"
    else:
        seen = repr(shown.text) if shown.text else "nothing"
    note = (
        f"the field holds {value!r} but {where} shows {seen}"
        if value
        else (f"the field is empty but {where} shows {seen}")
    )
    return _from_text(key, shown.text, UNSEEN_CONFIDENCE, page, note)


def read_fields(reader: Any, data: bytes) -> dict[int, list[AcroField]]:
    """Recognised AcroForm fields per 0-based page index (empty if none),
    each checked against what its page shows.

    ``reader`` is a ``pypdf.PdfReader`` of the PDF ``data``. Unrecognised
    fields are ignored.
    """
    root = reader.trailer["/Root"].get_object()
    if "/AcroForm" not in root:
        return {}
    form = root["/AcroForm"].get_object()
    # pypdf's BooleanObject(False) is truthy: compare its value.
    need = form.get("/NeedAppearances") if hasattr(form, "get") else None
    redrawn = getattr(need, "value", need) is True
    taken: list[tuple[int, str, Any, FieldReading]] = []
    for index, page in enumerate(reader.pages):
        annots = page.get("/Annots")
        for annot in annots.get_object() if annots is not None else ():
            widget = annot.get_object()
            if widget.get("/Subtype") != "/Widget":
                continue
            key = next((k for k in map(key_for_name, _names(widget)) if k), None)
            reading = _reading(key, widget, index) if key else None
            if key and reading is not None:
                taken.append((index, key, widget, reading))
    checked = [(n, index, widget) for n, (index, _, widget, _) in enumerate(taken)]
    shown = _shown(data, [c for c in checked if _kind(c[2]) != "sig"], redrawn)
    found: dict[int, list[AcroField]] = {}
    for n, (index, key, widget, reading) in enumerate(taken):
        if n in shown:
            reading = _as_shown(key, widget, reading, shown[n])
        found.setdefault(index, []).append(AcroField(key, reading))
    return found


def _rect(widget: Any) -> tuple[float, float, float, float] | None:
    """A widget's rectangle (left, bottom, right, top), or ``None`` if it has
    none or it has no area."""
    try:
        x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    except (KeyError, TypeError, ValueError):
        return None
    left, right, bottom, top = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
    if right - left < 0.5 or top - bottom < 0.5:
        return None
    return left, bottom, right, top


def _shown(data: bytes, checked: list[tuple[int, int, Any]], redrawn: bool) -> dict[int, Shown]:
    """What the page shows in each widget of ``checked`` (numbered: the
    number, the page index and the pypdf widget)."""
    result: dict[int, Shown] = {}
    drawn: list[tuple[int, int, Any]] = []
    for n, index, widget in checked:
        if int(widget.get("/F", 0) or 0) & _HIDDEN_FLAGS:
            result[n] = Shown(None, why="a hidden widget")
        elif _rect(widget) is None:
            result[n] = Shown(None, why="a widget with no area")
        elif "/AP" not in widget and not redrawn:
            result[n] = Shown(None, why="a field with no appearance")
        else:
            drawn.append((n, index, widget))
    # With NeedAppearances, a viewer draws a widget that has no appearance
    # from its value: pdfium does so once its form environment is set up.
    as_stored = [w for w in drawn if "/AP" in w[2]]
    as_generated = [w for w in drawn if "/AP" not in w[2]]
    for widgets, generate in ((as_stored, False), (as_generated, True)):
        if not widgets:
            continue
        document = pypdfium2.PdfDocument(data)
        try:
            if generate:
                document.init_forms()
            for index in sorted({index for _, index, _ in widgets}):
                on_page = [(n, w) for n, i, w in widgets if i == index]
                result.update(_page_shows(document, index, on_page))
        finally:
            document.close()
    return result


def _page_shows(
    document: pypdfium2.PdfDocument, index: int, widgets: list[tuple[int, Any]]
) -> dict[int, Shown]:
    """What one page, its annotations drawn in, shows inside each widget."""
    page = document[index]
    # Flattening appends the annotations, drawn, after the page's own objects.
    printed = pdfium_c.FPDFPage_CountObjects(page.raw)
    pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_NORMALDISPLAY)
    page.close()
    page = document[index]
    textpage = page.get_textpage()
    try:
        rects = {n: _rect(widget) for n, widget in widgets}
        ticks = {n: _ticked(page, rects[n]) for n, widget in widgets if _kind(widget) == "check"}
        texts = _drawn_texts(page, textpage, printed)
    finally:
        textpage.close()
        page.close()
    result = {}
    for n, _ in widgets:
        left, bottom, right, top = rects[n]
        inside = [
            (text, seen, box)
            for text, seen, box in texts
            if left - _SLACK <= (box[0] + box[2]) / 2 <= right + _SLACK
            and bottom - _SLACK <= (box[1] + box[3]) / 2 <= top + _SLACK
        ]
        inside.sort(key=lambda t: (-round(t[2][3]), t[2][0]))
        shown = " ".join(text for text, seen, _ in inside if seen)
        unseen = any(not seen for _, seen, _ in inside)
        result[n] = Shown(_text(shown), unseen, ticks.get(n, False))
    return result


def _device(page: Any, size: tuple[int, int], x: float, y: float) -> tuple[int, int]:
    """A point of the page in the pixels of its rendering ``size`` (width,
    height), the page's crop box and rotation applied."""
    dx, dy = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, size[0], size[1], 0, x, y, dx, dy)
    return dx.value, dy.value


def _pixel_box(
    page: Any, size: tuple[int, int], box: tuple[float, float, float, float]
) -> tuple[int, int, int, int]:
    """``box`` (left, bottom, right, top) in pixels (x0, y0, x1, y1), clipped."""
    (ax, ay), (bx, by) = _device(page, size, box[0], box[1]), _device(page, size, box[2], box[3])
    width, height = size
    x0, x1 = sorted((min(max(ax, 0), width), min(max(bx, 0), width)))
    y0, y1 = sorted((min(max(ay, 0), height), min(max(by, 0), height)))
    return x0, y0, x1, y1


def _ticked(page: Any, rect: tuple[float, float, float, float]) -> bool:
    """Whether a mark is drawn inside a check box (its border left out)."""
    left, bottom, right, top = rect
    margin_x, margin_y = _BORDER_SHARE * (right - left), _BORDER_SHARE * (top - bottom)
    inner = (left + margin_x, bottom + margin_y, right - margin_x, top - margin_y)
    width, height = page.get_size()
    scale = max(1.0, _BOX_PIXELS / max(min(right - left, top - bottom), 1.0))
    # The box in points on the page as drawn (crop box and rotation applied).
    fine = (round(width * 100), round(height * 100))
    x0, y0, x1, y1 = (v / 100 for v in _pixel_box(page, fine, inner))
    if x1 - x0 < 0.5 or y1 - y0 < 0.5:
        return False
    crop = (x0, height - y1, width - x1, y0)
    bitmap = page.render(scale=scale, crop=crop, grayscale=True, may_draw_forms=False)
    pixels = bitmap.to_numpy()
    pixels = pixels[..., 0] if pixels.ndim == 3 else pixels
    return pixels.size > 0 and float((pixels < _DARK).mean()) >= TICK_SHARE


def _string(obj: Any, textpage: Any) -> str:
    size = pdfium_c.FPDFTextObj_GetText(obj, textpage.raw, None, 0)
    if size <= 2:
        return ""
    buffer = (ctypes.c_ushort * (size // 2))()
    pdfium_c.FPDFTextObj_GetText(obj, textpage.raw, buffer, size)
    return bytes(buffer)[: size - 2].decode("utf-16-le", errors="replace")


def _drawn_texts(
    page: Any, textpage: Any, first: int
) -> list[tuple[str, bool, tuple[float, float, float, float]]]:
    """Each text object an annotation draws on the (flattened) page, the
    page's objects from number ``first`` on: its text, whether a person can
    see it, and its box (left, bottom, right, top). Text printed on the page
    itself is the text layer's to read.

    Seen as :func:`intake.reading.visible.unseen_words` sees a word: making
    the text invisible must change the pixels of its box. Text in an
    invisible render mode, in the colour of what lies under it, clipped away
    or covered by a later annotation changes nothing.
    """
    objects = visible._text_objects(page, first)
    texts = [_string(obj, textpage) for obj, _ in objects]
    wanted = [i for i, text in enumerate(texts) if any(ch.isalnum() for ch in text)]
    if not wanted:
        return []
    scale = visible.CHECK_DPI / 72
    shown = visible._grey(page, scale)
    for obj, _ in objects:
        pdfium_c.FPDFTextObj_SetTextRenderMode(obj, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
    hidden = visible._grey(page, scale)
    changed = np.abs(shown.astype(np.int16) - hidden.astype(np.int16)) > visible.CHANGE_LEVEL
    table = visible._summed(changed)
    size = (changed.shape[1], changed.shape[0])
    out = []
    for i in wanted:
        box = objects[i][1]
        x0, y0, x1, y1 = _pixel_box(page, size, box)
        area = (x1 - x0) * (y1 - y0)
        seen = area > 0 and int(table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0]) >= (
            visible.SEEN_SHARE * area
        )
        out.append((texts[i], bool(seen), box))
    return out
