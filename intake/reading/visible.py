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

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pypdfium2
import pypdfium2.raw as pdfium_c

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
#: Text render modes that draw nothing (3 invisible, 7 clip only).
_INVISIBLE_MODES = frozenset({3, 7})

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
_JUDGED_WORDS = 12
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
    found = [t for text in texts for t in tokens(text) if t.isalpha()]
    if len(found) < _JUDGED_WORDS:
        return True
    return sum(t in _VOCABULARY for t in found) >= _KNOWN_SHARE * len(found)


def _grey(page: Any, scale: float) -> np.ndarray:
    bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
    pixels = bitmap.to_numpy()
    return pixels[..., 0] if pixels.ndim == 3 else pixels


def unseen_words(content: PageContent, page: Any) -> tuple[list[Word], bool]:
    """The words of ``content`` that the rendered ``page`` does not show, and
    whether any text object is drawn in an invisible render mode.

    ``page`` is the same page opened with pypdfium2 (its text objects are
    made invisible in memory, so it is rendered as it is first).
    """
    scale = CHECK_DPI / 72
    shown = _grey(page, scale)
    texts = [o for o in page.get_objects(max_depth=8) if o.type == pdfium_c.FPDF_PAGEOBJ_TEXT]
    invisible_mode = False
    for text in texts:
        mode = pdfium_c.FPDFTextObj_GetTextRenderMode(text.raw)
        invisible_mode = invisible_mode or mode in _INVISIBLE_MODES
        pdfium_c.FPDFTextObj_SetTextRenderMode(text.raw, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
    hidden = _grey(page, scale)
    changed = np.abs(shown.astype(np.int16) - hidden.astype(np.int16)) > CHANGE_LEVEL
    height, width = changed.shape
    unseen = []
    for word in content.words:
        if not any(ch.isalnum() for ch in word.text):
            continue
        x0, y0 = max(int(word.x0 * scale), 0), max(int(word.top * scale), 0)
        x1 = min(int(np.ceil(word.x1 * scale)), width)
        y1 = min(int(np.ceil(word.bottom * scale)), height)
        box = changed[y0:y1, x0:x1]
        if not box.size or box.mean() < SEEN_SHARE:
            unseen.append(word)
    return unseen, invisible_mode


def look(content: PageContent, page: Any) -> View:
    """How to read one page: from its text layer, from its pixels, or not at all."""
    if not content.words:
        drawn = content.images or content.curves or content.lines or content.rects
        return View("pixels", "no text layer") if drawn else View("blank")
    unseen, invisible_mode = unseen_words(content, page)
    if unseen or invisible_mode:
        return View("pixels", "text the page does not show was ignored; read from the page image")
    if not reads_as_text(content.words):
        return View("pixels", "the text layer does not read as text; read from the page image")
    return View("text")
