"""Scanned pages: render, clean, OCR once, and hand back words like a text layer.

A page read from its pixels is rendered with pypdfium2 at :data:`DPI`
(annotations and form fields drawn, as a viewer shows them), turned upright,
straightened and evened out (:mod:`intake.reading.capture`), cleaned and
deskewed (:mod:`intake.reading.raster`), and read by tesseract in one pass
(word boxes and word confidences). The words come back as
:class:`~intake.reading.pages.Word` in PDF points, each with its confidence
(tesseract's 0-100 score / 100), so the same label and value logic reads
them; the cleaned pixels go with them for the tick box and signature.

The engine is tesseract through ``tesserocr``: one engine per process, its
model loaded once, called in-process (no process and no model load per
page). Without ``tesserocr`` (or its language data) ``pytesseract`` runs the
``tesseract`` program instead, with the same settings.

Tesseract runs single-threaded (``OMP_THREAD_LIMIT=1``, unless the
environment sets it): its OpenMP threads are several times slower on small
machines, and workers already read documents in parallel.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import shutil
import statistics
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import pypdfium2.raw as pdfium_c
from PIL import Image

from intake.reading import capture
from intake.reading.model import PdfUnreadable
from intake.reading.pages import PageContent, Word
from intake.reading.raster import prepare
from intake.reading.visible import DISAGREES_CONFIDENCE, checked_against_layer

#: Rendering resolution for OCR: enough for 8 pt print, and a quarter the
#: pixels (and OCR time) of 400 dpi.
DPI = 200
#: The long side of a rendered page, at most (A4 at 240 dpi): a photo saved
#: as a huge page at 72 dpi is not blown up past its own pixels' worth.
MAX_PIXELS = 2800
#: A 1-bit image coarser than this (dpi, either way) is smoothed before OCR.
COARSE_DPI = 150
#: Tesseract page segmentation: 11 = sparse text, which reads scattered form
#: cells without guessing at columns.
CONFIG = "--psm 11"
#: A word read less than this share of the page's usual word height is a
#: streak or a dotted rule, not type (a lone "a" is about half).
FLAT_SHARE = 0.3
#: Tesseract's least sure word counts as this sure: 0 is kept for a word the
#: page's own hidden text layer contradicts (:data:`DISAGREES_CONFIDENCE`).
LEAST_CONFIDENCE = 0.01
#: Page segmentation for one cropped line read again on its own (7 = a
#: single line of text).
LINE_CONFIG = "--psm 7"


class PageTimedOut(PdfUnreadable):
    """One scanned page took longer than its time to read."""


class OcrUnavailable(Exception):
    """No OCR engine on this machine (``tesseract`` or ``pytesseract`` missing)."""


class Engine(Protocol):
    """Reads an image into tesseract's word table (``image_to_data``'s shape)."""

    name: str

    def data(self, image: Image.Image, timeout: float) -> dict[str, list[Any]]: ...


class InProcess:
    """Tesseract through ``tesserocr``: one engine, loaded once, one page at a time."""

    name = "tesserocr"

    def __init__(self, api_class: Any, psm: int, folder: str) -> None:
        self._api = api_class(path=folder, lang="eng", psm=psm)
        self._lock = threading.Lock()

    def data(self, image: Image.Image, timeout: float) -> dict[str, list[Any]]:
        import tesserocr

        level = tesserocr.RIL.WORD
        table: dict[str, list[Any]] = {
            k: [] for k in ("text", "conf", "left", "top", "width", "height")
        }
        table.update(block_num=[], par_num=[], line_num=[])
        with self._lock:
            self._api.SetImage(image)
            if not self._api.Recognize(int(timeout * 1000)):
                self._api.Clear()
                raise PageTimedOut(f"a scanned page took over {timeout:g} s to read")
            block = par = line = 0
            iterator = self._api.GetIterator()
            for word in tesserocr.iterate_level(iterator, level):
                if word.IsAtBeginningOf(tesserocr.RIL.BLOCK):
                    block += 1
                if word.IsAtBeginningOf(tesserocr.RIL.PARA):
                    par += 1
                if word.IsAtBeginningOf(tesserocr.RIL.TEXTLINE):
                    line += 1
                box = word.BoundingBox(level)
                if box is None:
                    continue
                left, top, right, bottom = box
                for key, value in (
                    ("text", word.GetUTF8Text(level) or ""),
                    ("conf", word.Confidence(level)),
                    ("left", left),
                    ("top", top),
                    ("width", right - left),
                    ("height", bottom - top),
                    ("block_num", block),
                    ("par_num", par),
                    ("line_num", line),
                ):
                    table[key].append(value)
            self._api.Clear()
        return table


class Program:
    """Tesseract as a program, through ``pytesseract``: a process per page."""

    name = "tesseract"

    def __init__(self, module: Any) -> None:
        self._module = module

    def data(self, image: Image.Image, timeout: float) -> dict[str, list[Any]]:
        tesseract = self._module
        try:
            return tesseract.image_to_data(
                image, config=CONFIG, output_type=tesseract.Output.DICT, timeout=timeout
            )
        except tesseract.TesseractNotFoundError as exc:
            raise OcrUnavailable(str(exc)) from exc
        except RuntimeError as exc:  # pytesseract's timeout
            raise PageTimedOut(f"a scanned page took over {timeout:g} s to read") from exc


@functools.cache
def _line_api() -> Any | None:
    """A second in-process engine, set to read one line (``None`` without tesserocr)."""
    folder = capture.tessdata("eng")
    if folder is None:
        return None
    try:
        import tesserocr

        return tesserocr.PyTessBaseAPI(path=folder, lang="eng", psm=tesserocr.PSM.SINGLE_LINE)
    except (ImportError, RuntimeError):
        return None


_line_lock = threading.Lock()


def read_line(image: Image.Image, timeout: float = 5.0) -> str | None:
    """Tesseract's reading of ``image`` as one line of text (``None``: none read).

    Raises :class:`OcrUnavailable` when there is no engine.
    """
    api = _line_api()
    if api is not None:
        with _line_lock:
            api.SetImage(image)
            text = api.GetUTF8Text() if api.Recognize(int(timeout * 1000)) else ""
            api.Clear()
    else:
        try:
            import pytesseract
        except ImportError as exc:
            raise OcrUnavailable("pytesseract is not installed") from exc
        try:
            text = pytesseract.image_to_string(image, config=LINE_CONFIG, timeout=timeout)
        except pytesseract.TesseractNotFoundError as exc:
            raise OcrUnavailable(str(exc)) from exc
        except RuntimeError:  # pytesseract's timeout: no reading
            return None
    return " ".join(text.split()) or None


@functools.cache
def _in_process() -> Engine | None:
    folder = capture.tessdata("eng")
    if folder is None:
        return None
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        import tesserocr
    except ImportError:
        return None
    try:
        return InProcess(tesserocr.PyTessBaseAPI, tesserocr.PSM.SPARSE_TEXT, folder)
    except RuntimeError:  # the language data would not load
        return None


def engine() -> Engine | None:
    """The OCR engine this process uses, or ``None`` when there is none."""
    found = _in_process()
    if found is not None:
        return found
    if shutil.which("tesseract") is None:
        return None
    try:
        import pytesseract
    except ImportError:
        return None
    return Program(pytesseract)


def render(page: Any, dpi: float = DPI) -> Image.Image:
    """One pypdfium2 page as a grey image at ``dpi``."""
    return page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")


def recognise(image: Image.Image, timeout: float) -> dict[str, list[Any]]:
    """Tesseract's word table for ``image`` (one call, one thread).

    Raises :class:`OcrUnavailable` when the engine is missing and
    :class:`~intake.reading.model.PdfUnreadable` when a page takes longer
    than ``timeout`` seconds.
    """
    reader = engine()
    if reader is None:
        raise OcrUnavailable("tesseract is not installed")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    return reader.data(image, timeout)


def words_from_data(data: dict[str, list[Any]], scale: float) -> list[Word]:
    """Tesseract's table as words in PDF points (``scale`` pixels per point).

    Tesseract sometimes splits an email address at the "@"; pieces of one
    line that touch across an "@" are joined back.

    >>> table = {"text": ["jo", "@nhs.net", ""], "conf": [96, 88, -1],
    ...          "left": [0, 44, 0], "top": [0, 0, 0], "width": [40, 80, 0],
    ...          "height": [20, 20, 0], "block_num": [1, 1, 1], "par_num": [1, 1, 1],
    ...          "line_num": [1, 1, 1]}
    >>> [(w.text, w.conf, w.x1) for w in words_from_data(table, 2.0)]
    [('jo@nhs.net', 0.88, 62.0)]
    """
    words: list[Word] = []
    last_line: tuple[int, int, int] | None = None
    for i, raw in enumerate(data["text"]):
        text = str(raw).strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        left, top = data["left"][i] / scale, data["top"][i] / scale
        word = Word(
            text,
            left,
            top,
            left + data["width"][i] / scale,
            top + data["height"][i] / scale,
            max(LEAST_CONFIDENCE, min(conf, 100.0) / 100),
        )
        line = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        if words and line == last_line and _glued(words[-1], word):
            previous = words.pop()
            word = Word(
                previous.text + word.text,
                previous.x0,
                min(previous.top, word.top),
                word.x1,
                max(previous.bottom, word.bottom),
                min(previous.conf, word.conf),
            )
        words.append(word)
        last_line = line
    return words


def unstreaked(words: list[Word]) -> list[Word]:
    """``words`` without the "words" OCR read in a streak or a dotted rule:
    anything under :data:`FLAT_SHARE` of the page's usual word height (a
    fax's transmission streak reads as "eee a —_ _-", a fifth of a letter
    high).

    >>> read = [Word("GP", 0, 0, 10, 7), Word("a", 12, 2, 15, 7), Word("eee", 20, 6, 30, 6.4)]
    >>> [w.text for w in unstreaked(read)]
    ['GP', 'a']
    """
    if not words:
        return words
    usual = statistics.median(w.height for w in words)
    return [w for w in words if w.height >= FLAT_SHARE * usual]


def _glued(left: Word, right: Word) -> bool:
    at = left.text.endswith("@") or right.text.startswith("@")
    return at and right.x0 - left.x1 < 0.6 * max(left.height, right.height)


def read_page(page: Any, index: int, timeout: float, layer: Sequence[Word] = ()) -> PageContent:
    """OCR one pypdfium2 page into a :class:`PageContent` with its raster.

    The rendered page goes through :func:`~intake.reading.capture.prepare_capture`
    first: a phone photo is straightened, light evened out, a turned page
    turned upright, and a sheet holding two pages split, the two read as one
    tall page (left above right). The words are then in the frame of that
    upright page, which is what its coordinates mean from here on. A blank
    page is not read.

    ``layer`` is the page's own text layer where it was not trusted (hidden
    text): it cannot supply a word, only lower the confidence of a word it
    contradicts (:func:`~intake.reading.visible.checked_against_layer`).
    Where the page had to be turned, straightened or split, the layer cannot
    be laid over the words, so every word is unsure.
    """
    dpi = _dpi(*page.get_size())
    gray = render(page, dpi)  # turned by the page's /Rotate, as a viewer shows it
    scale = dpi / 72
    pieces = capture.prepare_capture(gray, bilevel=_coarse_bilevel(page))
    notes = tuple(note for _, note in pieces[:1] if note)
    if len(pieces) > 1:
        notes = (pieces[0][1].replace(", left", ""),)  # "2 pages on one sheet"
    moved = any(note for _, note in pieces)
    if moved:
        scale = capture.DPI / 72
    image = _stacked([piece for piece, _ in pieces])
    width, height = image.width / scale, image.height / scale
    if any("blank page" in note for _, note in pieces):
        return _page(index, width, height, (), None, notes)
    cleaned, raster, angle = prepare(image, scale)
    detail = _source_detail(page, dpi) * min(
        piece.info.get(capture.DETAIL, 1.0) for piece, _ in pieces
    )
    raster = dataclasses.replace(raster, detail=detail)
    words = unstreaked(words_from_data(recognise(cleaned, timeout), scale))
    if layer and moved:
        words = [w._replace(conf=min(w.conf, DISAGREES_CONFIDENCE)) for w in words]
    elif layer:
        words = checked_against_layer(words, layer, angle, (width / 2, height / 2))
    return _page(index, width, height, tuple(words), raster, notes)


def _source_detail(page: Any, dpi: float) -> float:
    """How much of the page image's own detail a pixel rendered at ``dpi``
    holds: 1.0, or less where the page's image is coarser (a 150 dpi scan;
    a fax's 204 x 98 dpi counts as the 141 dpi of the same number of dots)."""
    coarsest = dpi
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        meta = image.get_metadata()
        if meta.horizontal_dpi > 0 and meta.vertical_dpi > 0:
            coarsest = min(coarsest, math.sqrt(meta.horizontal_dpi * meta.vertical_dpi))
    return coarsest / dpi


def _coarse_bilevel(page: Any) -> bool:
    """Whether the page is a coarse black-and-white image: 1 bit per pixel
    at under :data:`COARSE_DPI` one way (a standard-resolution fax)."""
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        meta = image.get_metadata()
        coarse = 0 < min(meta.horizontal_dpi, meta.vertical_dpi) < COARSE_DPI
        if meta.bits_per_pixel == 1 and coarse:
            return True
    return False


def _dpi(width: float, height: float) -> float:
    """:data:`DPI`, or less for a page far larger than A4 (a photo saved at
    72 dpi), so the long side stays within :data:`MAX_PIXELS` pixels."""
    return min(DPI, MAX_PIXELS * 72 / max(width, height, 1.0))


def _stacked(images: list[Image.Image]) -> Image.Image:
    """The images one above the other (one image as it is)."""
    if len(images) == 1:
        return images[0]
    width = max(image.width for image in images)
    tall = Image.new("L", (width, sum(image.height for image in images)), 255)
    top = 0
    for image in images:
        tall.paste(image, (0, top))
        top += image.height
    return tall


def _page(
    index: int,
    width: float,
    height: float,
    words: tuple[Word, ...],
    raster: Any,
    notes: tuple[str, ...],
) -> PageContent:
    return PageContent(
        index=index,
        width=float(width),
        height=float(height),
        words=words,
        rects=(),
        lines=(),
        curves=(),
        images=(),
        raster=raster,
        notes=notes,
    )
