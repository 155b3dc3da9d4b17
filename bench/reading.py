"""Reading benchmark: field accuracy per producer, and the cost of each path.

``python -m bench.reading`` prints a table and merges the figures into
``bench/results.json``; :func:`run` adds them to a dict for ``bench``.

* Accuracy: every committed corpus form (``sample_forms/expected.json``
  for reportlab, ``sample_forms/producers/expected.json`` for the rest)
  read and compared field by field with its ground truth. For scans it also
  counts fields flagged low confidence and wrong values at full confidence
  (which must be 0).
* Speed, in the same run on the same pages: the text path against raw
  ``pdfplumber`` ``extract_words`` (open the file, words of every page); the
  OCR path against raw tesseract (``image_to_data`` with the reader's
  settings on each page rendered as the reader renders it, rendering not
  timed). Each file is timed a few times, ours and the baseline in turn,
  and the fastest of each kept (other processes on the machine slow both
  alike, and never make anything faster).
"""

from __future__ import annotations

import io
import json
import os
import pathlib
import time
from collections.abc import Callable
from typing import Any

import pdfplumber
import pypdfium2

from intake.reading import FIELD_KEYS, read_document
from intake.reading import ocr as ocr_path
from verification.normalise import LOW_CONFIDENCE_THRESHOLD

ROOT = pathlib.Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_forms"
PRODUCERS = SAMPLES / "producers"
TEXT_PRODUCERS = ("reportlab", "chromium", "writer")


def corpus() -> list[tuple[pathlib.Path, str, list[dict[str, Any]]]]:
    """(path, producer, requests) for every readable corpus file."""
    items = []
    for entry in json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8")):
        codes = entry["requests"][0]["codes"]
        if codes not in (["NOT_A_PDF"], ["PDF_UNREADABLE"]):
            name = entry["file"]
            producer = "acroform" if "acroform" in name else "reportlab"
            items.append((SAMPLES / name, producer, entry["requests"]))
    for entry in json.loads((PRODUCERS / "expected.json").read_text(encoding="utf-8")):
        items.append((PRODUCERS / entry["file"], entry["producer"], entry["requests"]))
    return items


def comparable(key: str, value: object) -> object:
    """Trim and collapse spaces; emails compare case-insensitively."""
    if not isinstance(value, str):
        return value
    text = " ".join(value.split())
    return text.lower() if key.endswith("email") else text


def score(path: pathlib.Path, requests: list[dict[str, Any]]) -> dict[str, int]:
    """Fields right, flagged low confidence, and wrong at full confidence."""
    forms = read_document(path).forms
    counts = {"fields": 0, "right": 0, "flagged": 0, "wrong_confident": 0}
    for index, request in enumerate(requests):
        form = forms[index] if index < len(forms) else None
        for key in FIELD_KEYS:
            counts["fields"] += 1
            reading = form.fields.get(key) if form else None
            got = comparable(key, reading.value) if reading else None
            confident = reading is not None and reading.confidence >= LOW_CONFIDENCE_THRESHOLD
            right = reading is not None and got == comparable(key, request["raw"][key])
            counts["right"] += right
            counts["flagged"] += not confident
            counts["wrong_confident"] += confident and not right
    return counts


def _seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _paired(
    read: Callable[[], object], baseline: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Fastest of ``repeat`` runs of each, taken in turn, so that load from
    other processes weighs on both sides alike."""
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(_seconds(read))
        theirs.append(_seconds(baseline))
    return min(ours), min(theirs)


def _raw_words(path: pathlib.Path) -> None:
    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
        for page in pdf.pages:
            page.extract_words()


def _page_count(path: pathlib.Path) -> int:
    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def _text_path(paths: list[pathlib.Path], repeat: int) -> tuple[float, float, int]:
    ours = theirs = 0.0
    for path in paths:
        read, raw = _paired(lambda p=path: read_document(p), lambda p=path: _raw_words(p), repeat)
        ours, theirs = ours + read, theirs + raw
    return ours, theirs, sum(map(_page_count, paths))


def _ocr_path(paths: list[pathlib.Path], repeat: int) -> tuple[float, float, int]:
    """Our read of each scan against tesseract alone on its pages as we render them."""
    tesseract = ocr_path.engine()
    if tesseract is None:
        raise RuntimeError("tesseract is not installed")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    ours = theirs = 0.0
    for path in paths:
        document = pypdfium2.PdfDocument(str(path))
        images = [ocr_path.render(page) for page in document]
        document.close()

        def raw(images: list = images) -> None:
            for image in images:
                tesseract.image_to_data(image, config=ocr_path.CONFIG)

        read, baseline = _paired(lambda p=path: read_document(p), raw, repeat)
        ours, theirs = ours + read, theirs + baseline
    return ours, theirs, sum(map(_page_count, paths))


def run(results: dict[str, Any], repeat: int = 5, ocr_repeat: int = 3) -> None:
    """Measure and add the reading figures to ``results``."""
    items = corpus()
    tallies: dict[str, dict[str, int]] = {}
    for path, producer, requests in items:
        counts = score(path, requests)
        tally = tallies.setdefault(producer, dict.fromkeys(counts, 0))
        for name, value in counts.items():
            tally[name] += value
    results["field_accuracy_by_producer"] = {
        producer: round(t["right"] / t["fields"], 4) for producer, t in sorted(tallies.items())
    }
    scan = tallies.get("scan", {"fields": 0, "flagged": 0, "wrong_confident": 0})
    results["scan_fields"] = scan["fields"]
    results["scan_fields_flagged_low_confidence"] = scan["flagged"]
    results["scan_wrong_at_full_confidence"] = scan["wrong_confident"]

    by_producer = {p: [path for path, prod, _ in items if prod == p] for p in tallies}
    text_files = [path for p in TEXT_PRODUCERS for path in by_producer.get(p, [])]
    for path in text_files[:2]:
        read_document(path)  # warm up imports and caches
    text_s, raw_s, text_pages = _text_path(text_files, repeat)
    acro_files = by_producer.get("acroform", [])
    acro_s = sum(
        min(_seconds(lambda p=p: read_document(p)) for _ in range(repeat)) for p in acro_files
    )
    acro_pages = sum(map(_page_count, acro_files))
    ocr_s, tesseract_s, ocr_pages = _ocr_path(by_producer.get("scan", []), ocr_repeat)

    results["text_ms_per_page"] = round(1000 * text_s / text_pages, 1)
    results["pdfplumber_words_ms_per_page"] = round(1000 * raw_s / text_pages, 1)
    results["read_vs_pdfplumber_ratio"] = round(text_s / raw_s, 2)
    results["acroform_ms_per_page"] = round(1000 * acro_s / max(acro_pages, 1), 1)
    results["ocr_ms_per_page"] = round(1000 * ocr_s / max(ocr_pages, 1), 1)
    results["tesseract_ms_per_page"] = round(1000 * tesseract_s / max(ocr_pages, 1), 1)
    results["ocr_vs_tesseract_ratio"] = round(ocr_s / tesseract_s, 2) if tesseract_s else None
    results["reading_pages"] = {"text": text_pages, "acroform": acro_pages, "ocr": ocr_pages}


def table(results: dict[str, Any]) -> str:
    """The figures as a plain-text table."""
    lines = ["producer    field accuracy"]
    for producer, accuracy in results["field_accuracy_by_producer"].items():
        lines.append(f"{producer:<11} {accuracy:.1%}")
    lines.append(
        f"scan: {results['scan_fields_flagged_low_confidence']} of {results['scan_fields']} "
        f"fields flagged, {results['scan_wrong_at_full_confidence']} wrong at full confidence"
    )
    lines.append("")
    lines.append("path       ms/page   baseline ms/page   ratio")
    lines.append(
        f"text       {results['text_ms_per_page']:>7}   "
        f"{results['pdfplumber_words_ms_per_page']:>16}   {results['read_vs_pdfplumber_ratio']}"
    )
    lines.append(f"acroform   {results['acroform_ms_per_page']:>7}")
    lines.append(
        f"ocr        {results['ocr_ms_per_page']:>7}   "
        f"{results['tesseract_ms_per_page']:>16}   {results['ocr_vs_tesseract_ratio']}"
    )
    return "\n".join(lines)


def main() -> None:
    """Run standalone: print the table and merge the figures into results.json."""
    figures: dict[str, Any] = {}
    run(figures)
    print(table(figures))
    try:
        from bench import results as results_file
    except ImportError:
        return
    results_file.merge(figures)


if __name__ == "__main__":
    main()
