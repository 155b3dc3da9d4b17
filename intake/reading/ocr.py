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

import functools
import glob
import os
import shutil
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from PIL import Image

from intake.reading.model import PdfUnreadable
from intake.reading.pages import PageContent, Word
from intake.reading.raster import prepare
from intake.reading.visible import checked_against_layer

#: Rendering resolution for OCR: enough for 8 pt print, and a quarter the
#: pixels (and OCR time) of 400 dpi.
DPI = 200
#: Tesseract page segmentation: 11 = sparse text, which reads scattered form
#: cells without guessing at columns.
CONFIG = "--psm 11"


class OcrUnavailable(Exception):
    """No OCR engine on this machine (``tesseract`` or ``pytesseract`` missing)."""


class Engine(Protocol):
    """Reads an image into tesseract's word table (``image_to_data``'s shape)."""

    name: str

    def data(self, image: Image.Image, timeout: float) -> dict[str, list[Any]]: ...


def tessdata() -> str | None:
    """The folder of tesseract's language data (``TESSDATA_PREFIX``, else Debian's)."""
    candidates = [os.environ.get("TESSDATA_PREFIX", "")]
    candidates += sorted(glob.glob("/usr/share/tesseract-ocr/*/tessdata"), reverse=True)
    candidates += ["/usr/share/tessdata", "/usr/local/share/tessdata"]
    for folder in candidates:
        if folder and os.path.isfile(os.path.join(folder, "eng.traineddata")):
            return folder
    return None


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
                raise PdfUnreadable(f"a scanned page took over {timeout:g} s to read")
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
            raise PdfUnreadable(f"a scanned page took over {timeout:g} s to read") from exc


@functools.cache
def _in_process() -> Engine | None:
    folder = tessdata()
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


def render(page: Any, dpi: int = DPI) -> Image.Image:
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
            max(0.0, min(conf, 100.0)) / 100,
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


def _glued(left: Word, right: Word) -> bool:
    at = left.text.endswith("@") or right.text.startswith("@")
    return at and right.x0 - left.x1 < 0.6 * max(left.height, right.height)


def read_page(page: Any, index: int, timeout: float, layer: Sequence[Word] = ()) -> PageContent:
    """OCR one pypdfium2 page into a :class:`PageContent` with its raster.

    ``layer`` is the page's own text layer where it was not trusted (hidden
    text): it cannot supply a word, only lower the confidence of a word it
    contradicts (:func:`~intake.reading.visible.checked_against_layer`).
    """
    width, height = page.get_size()
    gray = render(page)
    scale = gray.width / width
    image, raster, angle = prepare(gray, scale)
    words = words_from_data(recognise(image, timeout), scale)
    if layer:
        words = checked_against_layer(words, layer, angle, (width / 2, height / 2))
    return PageContent(
        index=index,
        width=float(width),
        height=float(height),
        words=tuple(words),
        rects=(),
        lines=(),
        curves=(),
        images=(),
        raster=raster,
    )


def read_pages(
    document: Any,
    indices: Iterable[int],
    timeout: float,
    layers: Mapping[int, Sequence[Word]] | None = None,
) -> list[PageContent]:
    """OCR the pages ``indices`` of a pypdfium2 document, in order."""
    layers = layers or {}
    return [
        read_page(document[index], index, timeout, layers.get(index, ())) for index in indices
    ]
