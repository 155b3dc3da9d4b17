"""OCR engines on one value area at a time: tesseract against PaddleOCR's models.

``python -m bench.engines`` prints a table and merges the figures into
``bench/results.json`` under ``engines``.

Which fields: every text field (not the signature or the tick box) of the
corpus files of class ``handwriting`` (blank forms filled in block capitals
by a jittered pen, then scanned) and ``scan`` (typed forms, scanned), with
their ground truth from ``sample_forms/producers/expected.json``. Two
handwritten files are few, so more are made the same way in memory
(:func:`sample_forms.producers.captures.render`, seeded by file name) from
the other captured-paper organisations written in capitals, as class
``handwriting+``; ``--extra 0`` leaves them out.

How each value area is found: each page is rendered at 200 dpi and cleaned
as the reader cleans it (:func:`intake.reading.raster.prepare`: deskewed,
rules and specks painted white), tesseract reads the whole page for its
word boxes, and the reader's own label matching
(:func:`intake.reading.lines.group_lines`) finds each printed label (labels
are print, and read well). The value area is the band right of the label,
up to the next label on that line or the page's right margin, when that band
holds more ink than the space under the label (a table layout); otherwise
the band under the label, down to the next line or label (a stacked
layout). The crop is cut to its ink with a
small margin (:func:`intake.reading.second.trimmed`), and every engine reads
the same crop.

Engines, each on every crop, timed per crop after one warm-up call:

* ``tess7`` / ``tess6``: tesseract (tesserocr, in process, one thread),
  page segmentation 7 (one line) and 6 (one block);
* ``rapid_rec``: PP-OCRv4 recognition only (:mod:`intake.reading.second`);
* ``rapid_det_rec``: rapidocr's full pipeline on the crop (text detection,
  then recognition of each box found; no orientation classifier), the
  detector at the crop's own size (its default scales the shorter side up
  to 736 px, which took about 3 s a crop);
* ``reader``: what :func:`intake.reading.read_document` returns for the
  field today (tesseract over the whole page), timed per file, not per crop.

A reading is right when it equals the truth case-insensitively with spaces
collapsed. The agreement rule "accept when both engines agree
(:func:`intake.reading.second.agree`), else low confidence" is scored as the
share of fields accepted and the share of accepted values that are wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pypdfium2
from PIL import Image

from bench import results
from intake.reading import capture, ocr, read_document, second
from intake.reading.geometry import Box
from intake.reading.lines import Line, group_lines
from intake.reading.raster import Raster, prepare
from verification.fields import BOOLEAN_KEYS
from verification.normalise import LOW_CONFIDENCE_THRESHOLD

ROOT = pathlib.Path(__file__).resolve().parents[1]
PRODUCERS = ROOT / "sample_forms" / "producers"
CLASSES = ("handwriting", "scan")
ENGINES = ("tess7", "tess6", "rapid_rec", "rapid_det_rec")
#: Ink right of a label, in square points, that makes it a table layout.
RIGHT_INK_PT2 = 10.0
#: Page margin kept clear on the right, in points.
MARGIN_PT = 20.0

Reading = tuple[str, float] | None


@dataclass
class Field:
    """One value area to read, and what each engine made of it."""

    file: str
    cls: str
    key: str
    truth: str
    crop: Image.Image | None
    place: str  # "right", "below" or "no label"
    reader: Reading = None
    readings: dict[str, Reading] = field(default_factory=dict)
    ms: dict[str, float] = field(default_factory=dict)


def same(a: str | None, b: str, key: str) -> bool:
    """Exact match, case-insensitive, spaces collapsed (in an email address, dropped)."""

    def plain(text: str) -> str:
        text = " ".join(text.split()).casefold()
        return text.replace(" ", "") if key.endswith("email") else text

    return a is not None and plain(a) == plain(b)


# -- finding the value areas ----------------------------------------------


def _labels(lines: list[Line]) -> dict[str, tuple[Line, int]]:
    """key -> (line, index of the hit on it): the first clean label of each key."""
    found: dict[str, tuple[Line, int]] = {}
    for line in lines:
        for i, hit in enumerate(line.hits):
            if hit.key not in found or (
                hit.clean and not found[hit.key][0].hits[found[hit.key][1]].clean
            ):
                found[hit.key] = (line, i)
    return found


def value_area(
    line: Line, i: int, lines: list[Line], width: float, raster: Raster
) -> tuple[Box, str]:
    """The value area of the ``i``-th label on ``line``: right of it, else under it."""
    hit = line.hits[i]
    height = line.height
    under = sorted((other for other in lines if other.top >= line.bottom), key=lambda o: o.top)
    right = width - MARGIN_PT
    if i + 1 < len(line.hits):
        right = line.words[line.hits[i + 1].lead].x0 - 2
    floor = line.bottom + 0.6 * height
    if under:
        floor = min(floor, under[0].top - 1)
    label_end = line.words[hit.end - 1].x1
    lead = line.words[hit.lead].x0
    beside = Box(label_end + 2, line.top - 0.5 * height, right, floor)
    # Under the label itself, down to the next label: a stacked value's start.
    labels_under = [other.top for other in under if other.hits]
    probe = Box(lead, line.bottom + 1, label_end, min([line.bottom + 0.9 * height, *labels_under]))
    ink = raster.dark_area(beside)
    if ink >= RIGHT_INK_PT2 and ink > raster.dark_area(probe):
        return beside, "right"
    # Under the label: the first line below, down to the next line after it or
    # the next label, whichever comes first.
    floor = line.bottom + 3 * height
    for other in under:
        if other.hits or (other.top > under[0].top + height):
            floor = min(floor, other.top - 1)
            break
    return Box(lead - 6, line.bottom + 1, width - MARGIN_PT, floor), "below"


def _pages(path: pathlib.Path) -> Iterator[tuple[Image.Image, float, list[Line], float, Raster]]:
    """Each page deskewed (grey, rules kept), its scale, its OCR'd lines and raster.

    The lines come from the page cleaned as the reader cleans it; the crops
    are cut from the grey page before its rules are painted white, since
    that also takes the bottom off letters written on a ruled line
    (:func:`intake.reading.second.trimmed` removes rules more gently).
    """
    document = pypdfium2.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            page = document[index]
            width, _height = page.get_size()
            gray = ocr.render(page)
            scale = gray.width / width
            image, raster, angle = prepare(gray, scale)
            if abs(angle) >= 0.05:
                gray = gray.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
            words = ocr.words_from_data(ocr.recognise(image, 120), scale)
            yield gray, scale, group_lines(words, index), width, raster
    finally:
        document.close()


def fields_of(path: pathlib.Path, cls: str, truth: dict[str, Any]) -> list[Field]:
    """A :class:`Field` (crop and truth) for each text field of the one form in ``path``."""
    wanted = {k: v for k, v in truth.items() if k not in BOOLEAN_KEYS and isinstance(v, str)}
    found: dict[str, Field] = {}
    name = str(path.relative_to(PRODUCERS)) if path.is_relative_to(PRODUCERS) else path.name
    for image, scale, lines, width, raster in _pages(path):
        for key, (line, i) in _labels(lines).items():
            if key not in wanted or key in found:
                continue
            box, place = value_area(line, i, lines, width, raster)
            pixels = tuple(int(round(v * scale)) for v in box)
            crop = second.trimmed(image.crop(pixels))
            found[key] = Field(name, cls, key, wanted[key], crop, place)
    for key in wanted.keys() - found.keys():
        found[key] = Field(name, cls, key, wanted[key], None, "no label")
    return [found[key] for key in wanted]


# -- the engines ------------------------------------------------------------


def _tesseract(psm: int) -> Callable[[Image.Image], Reading]:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # read when tesseract loads
    import tesserocr

    api = tesserocr.PyTessBaseAPI(path=capture.tessdata("eng"), lang="eng", psm=psm)

    def read(image: Image.Image) -> Reading:
        api.SetImage(image)
        text = " ".join((api.GetUTF8Text() or "").split())
        return (text, api.MeanTextConf() / 100) if text else None

    return read


def _rapid_pipeline() -> Callable[[Image.Image], Reading]:
    """rapidocr's detector + recogniser, one thread each (set in its config file)."""
    from rapidocr_onnxruntime import RapidOCR
    from rapidocr_onnxruntime import main as packaged
    from rapidocr_onnxruntime.utils import read_yaml

    config = read_yaml(str(packaged.DEFAULT_CFG_PATH))
    for section in ("Det", "Cls", "Rec"):
        config[section].update(intra_op_num_threads=1, inter_op_num_threads=1)
    # The default scales the shorter side up to 736 px: a 50 x 800 px crop
    # becomes 736 x 11,800 and takes seconds. A crop is read at its own size.
    config["Det"]["limit_type"] = "max"
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        json.dump(config, handle)  # JSON is YAML
    try:
        engine = RapidOCR(config_path=handle.name)
    finally:
        os.unlink(handle.name)

    def read(image: Image.Image) -> Reading:
        found, _elapsed = engine(np.asarray(image.convert("RGB")), use_cls=False)
        if not found:
            return None
        boxes = sorted(found, key=lambda item: min(p[0] for p in item[0]))
        text = " ".join(" ".join(str(item[1]) for item in boxes).split())
        return (text, min(float(item[2]) for item in boxes)) if text else None

    return read


def engines() -> dict[str, Callable[[Image.Image], Reading]]:
    """Every engine under test, built (models loaded) before any timing."""
    if not second.available():
        raise SystemExit("rapidocr-onnxruntime is not installed: nothing to compare with")
    return {
        "tess7": _tesseract(7),
        "tess6": _tesseract(6),
        "rapid_rec": second.read_line,
        "rapid_det_rec": _rapid_pipeline(),
    }


# -- the corpus -------------------------------------------------------------


def committed() -> Iterator[tuple[pathlib.Path, str, dict[str, Any]]]:
    """(path, class, truth) of each committed handwriting and scan file."""
    for entry in json.loads((PRODUCERS / "expected.json").read_text(encoding="utf-8")):
        if entry["class"] in CLASSES and len(entry["requests"]) == 1:
            yield PRODUCERS / entry["file"], entry["class"], entry["requests"][0]["raw"]


def generated(
    count: int, folder: pathlib.Path
) -> Iterator[tuple[pathlib.Path, str, dict[str, Any]]]:
    """``count`` more handwritten forms, made as the committed ones are, in capitals."""
    from sample_forms.producers import capture_forms, captures, hand
    from sample_forms.producers.forms import Doc

    used = {"VALE_VIEW", "WILLOW_BANK"}
    names = [n for n in dir(capture_forms) if n.isupper() and n not in used]
    made = 0
    for name in names:
        values = getattr(capture_forms, name)
        if not isinstance(values, dict):
            continue
        capitals = {k: v.upper() if isinstance(v, str) else v for k, v in values.items()}
        text = "".join(v for v in capitals.values() if isinstance(v, str))
        if not set(text) <= set(hand.GLYPHS):
            continue
        layout, dpi = ("table", "200") if made % 2 == 0 else ("below", "150")
        doc = Doc(
            f"handwriting/{name.lower()}_{layout}.pdf",
            "handwriting",
            layout,
            "",
            (capitals,),
            {"layout": layout, "dpi": dpi},
            kind="handwriting",
        )
        path = folder / pathlib.Path(doc.file).name
        path.write_bytes(captures.render(doc))
        yield path, "handwriting+", capitals
        made += 1
        if made == count:
            return


# -- scoring ----------------------------------------------------------------


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


Pick = Callable[[Field], str | None]


def _rule(rows: list[Field], pick: Pick) -> dict[str, Any]:
    """A rule that accepts a value for some fields (``pick``) and sends the rest to review."""
    accepted = [(row, value) for row in rows if (value := pick(row)) is not None]
    wrong = sum(not same(value, row.truth, row.key) for row, value in accepted)
    return {"accepted_pct": _share(len(accepted), len(rows)), "accepted_wrong": wrong}


def _sure(reading: Reading, gate: float) -> str | None:
    return reading[0] if reading is not None and reading[1] >= gate else None


def _agreed(first: Reading, row: Field, gate: float = 0.0) -> str | None:
    """``first``'s value if it is at least ``gate`` sure and the second engine agrees."""
    check = row.readings.get("rapid_rec")
    value = _sure(first, gate)
    if value is None or check is None or not second.agree(value, check[0], row.key):
        return None
    return value


#: The rules scored: name -> which value each accepts.
RULES: dict[str, Callable[[Field], str | None]] = {
    "reader_sure": lambda r: _sure(r.reader, LOW_CONFIDENCE_THRESHOLD),
    "reader_sure_and_rapid_agrees": lambda r: _agreed(r.reader, r, LOW_CONFIDENCE_THRESHOLD),
    "reader_and_rapid_agree": lambda r: _agreed(r.reader, r),
    "tess7_and_rapid_agree": lambda r: _agreed(r.readings.get("tess7"), r),
    "rapid_alone_0.95": lambda r: _sure(r.readings.get("rapid_rec"), 0.95),
    "tess7_alone_0.80": lambda r: _sure(r.readings.get("tess7"), 0.8),
}


def _exact(rows: list[Field], reading: Callable[[Field], Reading]) -> float:
    return _share(sum(same((reading(r) or ("", 0.0))[0], r.truth, r.key) for r in rows), len(rows))


def score(rows: list[Field]) -> dict[str, Any]:
    """Per class: exact-match % and ms per crop of each engine, and the rules."""
    figures: dict[str, Any] = {}
    for cls in sorted({r.cls for r in rows}):
        group = [r for r in rows if r.cls == cls]
        per: dict[str, Any] = {"fields": len(group), "no_label": sum(r.crop is None for r in group)}
        for engine in ENGINES:
            times = [r.ms[engine] for r in group if engine in r.ms]
            per[engine] = {
                "exact_pct": _exact(group, lambda r, e=engine: r.readings.get(e)),
                "ms_per_crop": round(statistics.mean(times), 1) if times else None,
            }
        per["reader"] = {"exact_pct": _exact(group, lambda r: r.reader)}
        per["by_place"] = {
            place: {
                "fields": len(part),
                "reader": _exact(part, lambda r: r.reader),
                "tess7": _exact(part, lambda r: r.readings.get("tess7")),
                "rapid_rec": _exact(part, lambda r: r.readings.get("rapid_rec")),
            }
            for place in ("right", "below")
            if (part := [r for r in group if r.place == place])
        }
        per["rules"] = {name: _rule(group, pick) for name, pick in RULES.items()}
        figures[cls] = per
    return figures


def run(extra: int = 8) -> tuple[dict[str, Any], list[Field]]:
    """Read every field with every engine; the figures and the rows."""
    readers = engines()
    rows: list[Field] = []
    reader_ms: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        corpus = (
            [*committed(), *generated(extra, pathlib.Path(folder))] if extra else [*committed()]
        )
        for path, cls, truth in corpus:
            started = time.perf_counter()
            reading = read_document(path)
            reader_ms.append(1000 * (time.perf_counter() - started))
            form = reading.forms[0].fields if reading.forms else {}
            for row in fields_of(path, cls, truth):
                got = form.get(row.key)
                if got is not None and isinstance(got.value, str):
                    row.reader = (got.value, got.confidence)
                rows.append(row)
    for engine, read in readers.items():
        sample = next(r.crop for r in rows if r.crop is not None)
        read(sample)  # warm-up
        for row in rows:
            if row.crop is None:
                continue
            started = time.perf_counter()
            row.readings[engine] = read(row.crop)
            row.ms[engine] = 1000 * (time.perf_counter() - started)
    figures = score(rows)
    figures["reader_ms_per_file"] = round(statistics.mean(reader_ms))
    return figures, rows


def table(figures: dict[str, Any]) -> str:
    """Engine x class: exact-match % and ms per crop; by layout; then the rules."""
    classes = [c for c in figures if isinstance(figures[c], dict)]
    head = "".join(f"{c + ' (' + str(figures[c]['fields']) + ')':>22}" for c in classes)
    out = [f"{'exact match, ms/crop':<30}{head}"]
    for engine in (*ENGINES, "reader"):
        cells = []
        for c in classes:
            ms = figures[c][engine].get("ms_per_crop")
            cells.append(
                f"{figures[c][engine]['exact_pct']:5.1f} %" + (f" {ms:7.1f} ms" if ms else " " * 10)
            )
        out.append(f"{engine:<30}" + "".join(f"{cell:>22}" for cell in cells))
    out.append(f"{'reader: ms per file':<30}{figures['reader_ms_per_file']:>22}")
    out += ["", f"{'by layout: reader/tess7/rapid':<30}{head}"]
    for place in ("right", "below"):
        cells = []
        for c in classes:
            got = figures[c]["by_place"].get(place)
            cells.append(
                f"{got['reader']:.0f}/{got['tess7']:.0f}/{got['rapid_rec']:.0f} %" if got else "-"
            )
        out.append(f"{place:<30}" + "".join(f"{cell:>22}" for cell in cells))
    out += ["", f"{'rule: accepted %, wrong':<30}{head}"]
    for rule in RULES:
        got = [figures[c]["rules"][rule] for c in classes]
        cells = [f"{g['accepted_pct']:5.1f} %, {g['accepted_wrong']:>2} wrong" for g in got]
        out.append(f"{rule:<30}" + "".join(f"{cell:>22}" for cell in cells))
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", type=int, default=8, help="handwritten forms made in memory")
    parser.add_argument(
        "--rows", type=pathlib.Path, help="write every field's readings here (JSON)"
    )
    args = parser.parse_args()
    figures, rows = run(args.extra)
    if args.rows:
        listed = [
            {
                "file": r.file,
                "class": r.cls,
                "key": r.key,
                "place": r.place,
                "truth": r.truth,
                "reader": r.reader,
                **r.readings,
            }
            for r in rows
        ]
        args.rows.write_text(json.dumps(listed, indent=1) + "\n", encoding="utf-8")
    print(table(figures))
    results.merge({"engines": figures})


if __name__ == "__main__":
    main()
