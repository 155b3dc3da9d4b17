"""What a person sees on a page, and so which reading of it to trust.

A caseworker and a requester judge a form by its rendered page, so the
reader takes nothing from a PDF that the page does not show (SPEC §2):

* **Annotations are part of the page.** Values typed in a viewer (FreeText),
  drawn signatures (Ink), stamps and ticks are annotations drawn by their
  appearance streams. :func:`flatten` has pdfium draw them into the page
  content, so the text layer and the renderer both see them.
* **A text layer is trusted only where it is seen.** :func:`look` renders
  the page twice at :data:`CHECK_DPI`, once as it is and once with every
  text object made invisible. A word is seen when hiding the text changes
  the pixels of its box: invisible text (render mode 3, as in scanners'
  "searchable PDF" layer), white text, text clipped away or drawn under an
  image or a filled box changes nothing. A page with any word that is not
  seen, or with text in an invisible render mode, is read from its pixels
  (OCR) instead: the hidden layer never decides a value, and is not used.
* **A text layer that does not read as text** (no usable ``/ToUnicode``, a
  font whose codes map to the wrong letters) is read from its pixels too,
  as is a page drawn without any text (glyphs as outlines, text as paths,
  a scan).
"""

from __future__ import annotations

import ctypes
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import pypdfium2
import pypdfium2.raw as pdfium_c

from intake.reading.geometry import Box
from intake.reading.labels import LABEL_PATTERNS, TITLE_TOKENS, tokens
from intake.reading.pages import PageContent, Word

#: Resolution of the visibility check: a 6 pt letter is still 6 pixels tall.
CHECK_DPI = 72
#: A pixel "changed" when hiding the text moves it by this many grey levels.
CHANGE_LEVEL = 48
#: A word is seen when at least this share of its box changes (printed text
#: fills 15-40% of its box; a word no one can see changes none of it).
SEEN_SHARE = 0.04
#: Annotations that are never drawn on the page as a form's content.
_NOT_DRAWN = frozenset({"/Link", "/Popup", "/Widget"})
#: Annotation flags: Hidden (bit 2) and NoView (bit 6).
_HIDDEN_FLAGS = (1 << 1) | (1 << 5)
#: Text render modes that draw nothing (3 invisible, 7 clip only), and those
#: that fill the glyphs (0 fill, 2 fill and stroke, 4 and 6 the same and clip).
_INVISIBLE_MODES = frozenset({3, 7})
_FILLED_MODES = frozenset({0, 2, 4, 6})
#: Text whose fill is within this many grey levels of what lies under it
#: (the page with no text drawn) cannot be told from it.
_LOW_CONTRAST = 40
#: Two text objects sharing this much of the smaller one's box overprint.
_OVERPRINT_SHARE = 0.5
#: Type smaller than this (points) is too small for anyone to read.
_TINY_PT = 1.5
#: Cells per point of the grid on which overprinting is counted.
_OVERPRINT_GRID = 1
#: Form XObjects nested deeper than this are not searched for text.
_MAX_DEPTH = 8

#: Words any English page of text is made of, with the form's own words:
#: a text layer in which hardly any word is one of these does not read as text.
_COMMON_WORDS = """a about all also an and any are as at be by can date dear do for form
    from has have if in is it its may more name no not of on or our please
    practice request role service signed so that the their this to us user
    we will with you your yours sincerely faithfully regards nhs pcse online
    surgery organisation email address i confirm"""
_COMMON = frozenset(_COMMON_WORDS.split())
_VOCABULARY = _COMMON | set(TITLE_TOKENS) | {t for pattern, _ in LABEL_PATTERNS for t in pattern}
#: At least this many word tokens before "reads as text" is judged by vocabulary.
_JUDGED_WORDS = 6
#: Share of the page's word tokens that must be known words.
_KNOWN_SHARE = 0.15
#: Characters no readable text layer is made of: unmapped glyphs ("(cid:12)"),
#: the replacement character, private-use code points and control characters.
_UNREADABLE = re.compile(r"\(cid:\d+\)|[\ufffd\ue000-\uf8ff\x00-\x08\x0e-\x1f]")


@dataclass(frozen=True)
class View:
    """How one page is to be read.

    ``source`` is ``"text"`` (its text layer is what the page shows),
    ``"pixels"`` (read the rendered page by OCR) or ``"blank"``; ``note``
    says why, for the caseworker, when it is not the text layer.
    """

    source: str
    note: str = ""
    #: Why a page with a text layer is read from its pixels.
    reason: str = ""


#: The reasons a text layer is not trusted.
HIDDEN_TEXT = "hidden text"
NOT_TEXT = "not text"


def drawn_annotation_pages(reader: Any) -> list[int]:
    """The 0-based pages of a pypdf reader that carry drawn annotations."""
    found = []
    for index, page in enumerate(reader.pages):
        annots = page.get("/Annots")
        for annot in annots.get_object() if annots is not None else ():
            annot = annot.get_object()
            subtype = annot.get("/Subtype")
            flags = int(annot.get("/F", 0) or 0)
            if subtype not in _NOT_DRAWN and not flags & _HIDDEN_FLAGS and "/AP" in annot:
                found.append(index)
                break
    return found


def flatten(data: bytes, pages: Iterable[int]) -> bytes:
    """``data`` with the annotations of ``pages`` drawn into their content.

    pdfium draws each annotation by its appearance stream, as a viewer shows
    it; form fields are flattened with them (their values stay readable from
    the AcroForm, which is read from the original file).
    """
    document = pypdfium2.PdfDocument(data)
    try:
        for index in pages:
            page = document[index]
            pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_NORMALDISPLAY)
            page.close()
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    finally:
        document.close()


def reads_as_text(words: Iterable[Word]) -> bool:
    """Whether a text layer's words are text a person could read.

    >>> reads_as_text([Word(t, 0, 0, 1, 1) for t in "Dear Sir, please find our form".split()])
    True
    >>> reads_as_text([Word("(cid:3)(cid:4)", 0, 0, 1, 1)])
    False
    >>> gibberish = "Ubis tzm vqf Kbsq Ejnx Oybr Ktpw Zmqe Hfuv Lcdx Pqrw Tgsm Wqzv".split()
    >>> reads_as_text([Word(t, 0, 0, 1, 1) for t in gibberish])
    False
    """
    texts = [w.text for w in words]
    joined = "".join(texts)
    if not joined:
        return False
    unreadable = sum(len(m) for m in _UNREADABLE.findall(joined))
    if unreadable > 0.1 * len(joined):
        return False
    found = [t for text in texts for t in tokens(text) if sum(ch.isalpha() for ch in t) >= 2]
    if len(found) < _JUDGED_WORDS:
        return True
    return sum(t in _VOCABULARY for t in found) >= _KNOWN_SHARE * len(found)


def _grey(page: Any, scale: float) -> np.ndarray:
    bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
    pixels = bitmap.to_numpy()
    return pixels[..., 0] if pixels.ndim == 3 else pixels


def _text_objects(page: Any, first: int = 0) -> list[tuple[Any, tuple[float, float, float, float]]]:
    """Every text object of ``page`` (raw handles) with its bounds on the page
    (left, bottom, right, top), through form XObjects, their matrices applied;
    only those in the page's objects from number ``first`` on, if given.

    Walked with pdfium's own calls: a page holds hundreds of text objects,
    and a wrapper object for each cost more than the rest of the check.
    """
    found: list[tuple[Any, tuple[float, float, float, float]]] = []
    edges = [ctypes.c_float() for _ in range(4)]
    refs = [ctypes.byref(edge) for edge in edges]
    stack: list[tuple[Any, Any, int]] = [(None, None, 0)]
    while stack:
        form, matrix, depth = stack.pop()
        if form is None:
            count, get = pdfium_c.FPDFPage_CountObjects(page.raw), pdfium_c.FPDFPage_GetObject
            parent = page.raw
        else:
            count, get = pdfium_c.FPDFFormObj_CountObjects(form), pdfium_c.FPDFFormObj_GetObject
            parent = form
        for index in range(first if form is None else 0, count):
            obj = get(parent, index)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                if not pdfium_c.FPDFPageObj_GetBounds(obj, *refs):
                    continue
                left, bottom, right, top = (edge.value for edge in edges)
                bounds = (left, bottom, right, top)
                found.append((obj, matrix.on_rect(*bounds) if matrix is not None else bounds))
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_DEPTH:
                inner = _matrix(obj)
                stack.append((obj, inner if matrix is None else inner.multiply(matrix), depth + 1))
    return found


def _matrix(obj: Any) -> pypdfium2.PdfMatrix:
    raw = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, raw)
    return pypdfium2.PdfMatrix.from_raw(raw)


def _font_size(obj: Any) -> float:
    """A text object's font size on the page, in points (its matrix applied)."""
    size = ctypes.c_float()
    if not pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(size)):
        return float("inf")
    return size.value


def _fill_grey(obj: Any) -> float | None:
    """The grey level (0-255) a text object is filled with, or ``None`` if it
    is transparent or has no fill colour."""
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a):
        return None
    if a.value == 0:
        return None
    return 0.299 * r.value + 0.587 * g.value + 0.114 * b.value


def _box_sums(table: np.ndarray, x0, y0, x1, y1) -> np.ndarray:
    """Sums of a summed-area ``table`` (one row and column of zeros first)
    over the boxes ``[y0:y1, x0:x1]`` (arrays of pixel edges)."""
    return table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0]


def _summed(grid: np.ndarray) -> np.ndarray:
    """The summed-area table of a 0/1 (or small count) grid, with a first
    row and column of zeros (OpenCV's, many times numpy's two cumsums)."""
    return cv2.integral(grid.astype(np.uint8), sdepth=cv2.CV_32S)


def _edges(boxes: np.ndarray, scale: float, shape: tuple[int, int]):
    """Pixel edges ``(x0, y0, x1, y1)`` of boxes ``(x0, top, x1, bottom)`` in
    points, clipped to an image of ``shape``."""
    height, width = shape
    x0 = np.clip(np.floor(boxes[:, 0] * scale), 0, width).astype(np.int64)
    y0 = np.clip(np.floor(boxes[:, 1] * scale), 0, height).astype(np.int64)
    x1 = np.clip(np.ceil(boxes[:, 2] * scale), 0, width).astype(np.int64)
    y1 = np.clip(np.ceil(boxes[:, 3] * scale), 0, height).astype(np.int64)
    return x0, y0, np.maximum(x1, x0), np.maximum(y1, y0)


def _overprinted(bounds: list[tuple[float, float, float, float]], height: float = 0.0) -> bool:
    """Whether two text objects are drawn over each other: then a person
    sees at most one of them (or a blot), whatever the text layer says.
    ``bounds`` are (left, bottom, right, top) on a page ``height`` high.

    Counted on a grid of points: an object is overprinted when
    most of its box is covered twice.

    >>> _overprinted([(0, 0, 50, 10), (60, 0, 90, 10)])
    False
    >>> _overprinted([(0, 0, 50, 10), (10, 2, 40, 9)])
    True
    >>> _overprinted([(0, 0, 50, 10), (49, 0, 90, 10)])
    False
    """
    if len(bounds) < 2:
        return False
    b = np.asarray(bounds, dtype=np.float64)
    top = max(height, float(b[:, 3].max()))
    boxes = np.stack([b[:, 0], top - b[:, 3], b[:, 2], top - b[:, 1]], axis=1)
    boxes = np.clip(boxes, 0, None)
    scale = _OVERPRINT_GRID
    shape = (int(boxes[:, 3].max() * scale) + 2, int(boxes[:, 2].max() * scale) + 2)
    x0, y0, x1, y1 = _edges(boxes, scale, shape)
    drawn = (x1 > x0) & (y1 > y0)
    x0, y0, x1, y1 = x0[drawn], y0[drawn], x1[drawn], y1[drawn]
    # Each box adds one over its cells: +1/-1 at its corners, then summed.
    steps = np.zeros((shape[0] + 1, shape[1] + 1), dtype=np.float32)
    for ys, xs, sign in ((y0, x0, 1), (y0, x1, -1), (y1, x0, -1), (y1, x1, 1)):
        np.add.at(steps, (ys, xs), sign)
    twice = cv2.integral(steps, sdepth=cv2.CV_32F)[1:-1, 1:-1] >= 2
    covered = _box_sums(_summed(twice), x0, y0, x1, y1)
    return bool((covered > _OVERPRINT_SHARE * (x1 - x0) * (y1 - y0)).any())


def _camouflaged(
    texts: list[tuple[Any, tuple[float, float, float, float]]],
    fills: list[float | None],
    hidden: np.ndarray,
    scale: float,
    page_height: float,
) -> bool:
    """Whether some text is filled in the colour of what lies under it (the
    page drawn without text, ``hidden``): white on white, black on black."""
    placed = [
        (fill, (left, page_height - top, right, page_height - bottom))
        for fill, (_, (left, bottom, right, top)) in zip(fills, texts, strict=True)
        if fill is not None and right - left >= 1 and top - bottom >= 1
    ]
    if not placed:
        return False
    boxes = np.asarray([box for _, box in placed], dtype=np.float64)
    x0, y0, x1, y1 = _edges(boxes, scale, hidden.shape)
    area = (x1 - x0) * (y1 - y0)
    sums = _box_sums(cv2.integral(hidden, sdepth=cv2.CV_32S), x0, y0, x1, y1)
    means = sums / np.maximum(area, 1)
    fill = np.asarray([fill for fill, _ in placed])
    return bool(((area > 0) & (np.abs(means - fill) < _LOW_CONTRAST)).any())


def unseen_words(content: PageContent, page: Any) -> tuple[list[Word], bool]:
    """The words of ``content`` that the rendered ``page`` does not show, and
    whether some text object is drawn so that no one can see it: in an
    invisible render mode, fully transparent, in the colour of what lies
    under it (white on white), or over other text.

    ``page`` is the same page opened with pypdfium2 (its text objects are
    made invisible in memory, so it is rendered as it is first).
    """
    scale = CHECK_DPI / 72
    shown = _grey(page, scale)
    texts = _text_objects(page)
    unseen_object = False
    fills = []
    for text, _ in texts:
        mode = pdfium_c.FPDFTextObj_GetTextRenderMode(text)
        fills.append(_fill_grey(text) if mode in _FILLED_MODES else None)
        unseen_object = unseen_object or mode in _INVISIBLE_MODES
        pdfium_c.FPDFTextObj_SetTextRenderMode(text, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
    hidden = _grey(page, scale)
    unseen_object = unseen_object or any(
        _font_size(text) < _TINY_PT and right > left for text, (left, _, right, _) in texts
    )
    unseen_object = unseen_object or _camouflaged(texts, fills, hidden, scale, content.height)
    drawn = [b for _, b in texts if min(b[2] - b[0], b[3] - b[1]) > 0]
    unseen_object = unseen_object or _overprinted(drawn, content.height)
    changed = np.abs(shown.astype(np.int16) - hidden.astype(np.int16)) > CHANGE_LEVEL
    words = [w for w in content.words if any(ch.isalnum() for ch in w.text)]
    if not words:
        return [], unseen_object
    boxes = np.asarray([(w.x0, w.top, w.x1, w.bottom) for w in words], dtype=np.float64)
    x0, y0, x1, y1 = _edges(boxes, scale, changed.shape)
    area = (x1 - x0) * (y1 - y0)
    seen = _box_sums(_summed(changed), x0, y0, x1, y1)
    unseen = [w for w, n, a in zip(words, seen, area, strict=True) if a == 0 or n < SEEN_SHARE * a]
    return unseen, unseen_object


def look(content: PageContent, page: Any) -> View:
    """How to read one page: from its text layer, from its pixels, or not at all."""
    if not content.words:
        drawn = content.images or content.curves or content.lines or content.rects
        return View("pixels", "no text layer") if drawn else View("blank")
    unseen, unseen_object = unseen_words(content, page)
    if unseen or unseen_object:
        return View(
            "pixels",
            "text the page does not show was ignored; read from the page image",
            HIDDEN_TEXT,
        )
    if not reads_as_text(content.words):
        return View(
            "pixels", "the text layer does not read as text; read from the page image", NOT_TEXT
        )
    return View("text")


#: Confidence of an OCR word that the page's own (hidden) text layer
#: contradicts, or whose agreement with it cannot be checked: none, so that
#: no later check (a second engine agreeing) can make it sure again.
DISAGREES_CONFIDENCE = 0.0
#: Share of the smaller box two words must share to be read at one place.
_SAME_PLACE = 0.3


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _turned(word: Word, angle: float, centre: tuple[float, float]) -> Word:
    """``word``'s box moved as turning the page by ``angle`` degrees (PIL's
    sense, anticlockwise) about ``centre`` moves its centre."""
    if not angle:
        return word
    theta = np.radians(angle)
    cx, cy = centre
    x, y = word.box.centre
    dx, dy = x - cx, y - cy
    # Anticlockwise on the screen, with y pointing down.
    nx = cx + dx * np.cos(theta) + dy * np.sin(theta)
    ny = cy - dx * np.sin(theta) + dy * np.cos(theta)
    half_w, half_h = word.box.width / 2, word.box.height / 2
    return word._replace(x0=nx - half_w, x1=nx + half_w, top=ny - half_h, bottom=ny + half_h)


def checked_against_layer(
    read: list[Word],
    layer: Iterable[Word],
    angle: float = 0.0,
    centre: tuple[float, float] = (0.0, 0.0),
) -> list[Word]:
    """OCR words ``read`` from a page whose text layer was not trusted, each
    capped to :data:`DISAGREES_CONFIDENCE` where the layer says otherwise.

    The layer never supplies a value: it can only lower confidence. A word is
    contradicted when any word of the layer at its place spells something
    else (neither holds the other, letters and digits compared): a layer may
    split or join words differently, but each of its words must agree. ``angle`` and
    ``centre`` are the deskew the OCR image was turned by, so the layer's
    boxes are moved the same way first.

    >>> ocr = [Word("B82001", 100, 100, 140, 110, 0.96)]
    >>> [w.conf for w in checked_against_layer(ocr, [Word("B82001", 100, 100, 140, 110)])]
    [0.96]
    >>> [w.conf for w in checked_against_layer(ocr, [Word("Y99999", 101, 100, 141, 110)])]
    [0.0]
    """
    placed = [_turned(w, angle, centre) for w in layer if _letters(w.text)]
    out = []
    for word in read:
        seen = _letters(word.text)
        # OCR boxes hug the ink; a layer's boxes run from descender to ascender.
        pad = 0.3 * word.box.height
        box = Box(word.x0 - pad, word.top - pad, word.x1 + pad, word.bottom + pad)
        area = word.box.width * word.box.height
        for said in placed:
            shared = box.overlap(said.box)
            if shared < _SAME_PLACE * min(area, said.box.width * said.box.height):
                continue
            text = _letters(said.text)
            if seen and text not in seen and seen not in text:
                word = word._replace(conf=min(word.conf, DISAGREES_CONFIDENCE))
                break
        out.append(word)
    return out
