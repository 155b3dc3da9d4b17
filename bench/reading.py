"""Reading benchmark: field accuracy per class of form, and the cost of each path.

``python -m bench.reading`` prints a table and merges the figures into
``bench/results.json``; :func:`run` adds them to a dict for ``bench``.

* Accuracy, per reading class (``class`` in the manifests: text, acroform,
  annotation, scan, sandwich, photo, fax, ...): every committed corpus form
  (``sample_forms/expected.json`` for reportlab, ``sample_forms/producers/
  expected.json`` for the rest) read and compared field by field with what
  a person sees on the page. A field is *right* when its value is the
  truth at full confidence, *flagged* when it is read with low confidence
  (a caseworker checks it), *wrong* when it is wrong at full confidence
  (must be 0), and *lost* when its form was not found at all.
  ``automation_rate`` (typed forms captured as images): the share of forms
  read with every field at full confidence, i.e. decided without a
  caseworker as far as reading goes.
* Speed, in the same run on the same pages: the text path against raw
  ``pdfplumber`` ``extract_words`` (open the file, words of every page); the
  OCR path (every image class: the reader's whole work, rendering, turning,
  straightening, checking included) against raw tesseract (the ``tesseract``
  program through ``pytesseract.image_to_data``, the reader's settings, on
  each page rendered as the reader renders it, rendering not timed). Each
  file is timed a few times, ours and the baseline in turn, and the fastest
  of each kept (other processes on the machine slow both alike, and never
  make anything faster).
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
import pytesseract

from intake.reading import FIELD_KEYS, read_document
from intake.reading import ocr as ocr_path
from sample_forms.producers.catalogue import IMAGE_KINDS
from verification.normalise import LOW_CONFIDENCE_THRESHOLD, parse_date

ROOT = pathlib.Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_forms"
PRODUCERS = SAMPLES / "producers"


def corpus() -> list[tuple[pathlib.Path, str, list[dict[str, Any]], bool]]:
    """(path, class, requests, typed-capture) for every readable corpus file."""
    items = []
    for entry in json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8")):
        codes = entry["requests"][0]["codes"]
        if codes not in (["NOT_A_PDF"], ["PDF_UNREADABLE"]):
            name = entry["file"]
            kind = "acroform" if "acroform" in name else "text"
            items.append((SAMPLES / name, kind, entry["requests"], False))
    for entry in json.loads((PRODUCERS / "expected.json").read_text(encoding="utf-8")):
        typed = entry.get("typed", False)
        items.append((PRODUCERS / entry["file"], entry["class"], entry["requests"], typed))
    return items


def comparable(key: str, value: object) -> object:
    """Trivial normalisation only: trim, collapse spaces, lower-case emails;
    a date is the day it names (spaces around "/" change nothing)."""
    if not isinstance(value, str):
        return value
    text = " ".join(value.split())
    if key == "date_signed":
        day = parse_date(text)
        return day.isoformat() if day else text
    return text.lower() if key.endswith("email") else text


def score(path: pathlib.Path, requests: list[dict[str, Any]]) -> dict[str, int]:
    """Fields right, flagged, wrong at full confidence and lost; forms automated."""
    forms = read_document(path).forms
    counts = dict.fromkeys(
        ("fields", "right", "flagged", "wrong_confident", "lost", "forms", "automated"), 0
    )
    counts["forms"] = len(requests)
    for index, request in enumerate(requests):
        form = forms[index] if index < len(forms) else None
        if form is None:
            counts["fields"] += len(FIELD_KEYS)
            counts["lost"] += len(FIELD_KEYS)
            continue
        sure_form = True
        for key in FIELD_KEYS:
            counts["fields"] += 1
            reading = form.fields.get(key)
            confident = reading is not None and reading.confidence >= LOW_CONFIDENCE_THRESHOLD
            got = comparable(key, reading.value) if reading else None
            right = got == comparable(key, request["raw"][key])
            counts["right"] += confident and right
            counts["flagged"] += not confident
            counts["wrong_confident"] += confident and not right
            sure_form = sure_form and confident
        counts["automated"] += sure_form
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
    """Our read of each image file against the tesseract program alone on its
    pages as we render them."""
    if ocr_path.engine() is None:
        raise RuntimeError("tesseract is not installed")
    tesseract = pytesseract
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


def _class_figures(tally: dict[str, int], typed: dict[str, int] | None) -> dict[str, Any]:
    fields = max(tally["fields"], 1)
    figures: dict[str, Any] = {
        "files": tally["files"],
        "forms": tally["forms"],
        "fields": tally["fields"],
        "right": round(tally["right"] / fields, 4),
        "right_or_flagged": round((tally["right"] + tally["flagged"]) / fields, 4),
        "wrong_at_full_confidence": tally["wrong_confident"],
        "lost": tally["lost"],
    }
    if typed is not None and typed["forms"]:
        figures["automation_rate"] = round(typed["automated"] / typed["forms"], 4)
    return figures


def run(results: dict[str, Any], repeat: int = 5, ocr_repeat: int = 2) -> None:
    """Measure and add the reading figures to ``results``."""
    items = corpus()
    tallies: dict[str, dict[str, int]] = {}
    typed_tallies: dict[str, dict[str, int]] = {}
    for path, kind, requests, typed in items:
        counts = score(path, requests)
        counts["files"] = 1
        for store in [tallies] + ([typed_tallies] if typed else []):
            tally = store.setdefault(kind, dict.fromkeys(counts, 0))
            for name, value in counts.items():
                tally[name] += value
    results["reading_by_class"] = {
        kind: _class_figures(tally, typed_tallies.get(kind))
        for kind, tally in sorted(tallies.items())
    }
    results["wrong_at_full_confidence"] = sum(t["wrong_confident"] for t in tallies.values())

    by_class = {k: [path for path, kind, _, _ in items if kind == k] for k in tallies}
    text_files = by_class.get("text", [])
    for path in text_files[:2]:
        read_document(path)  # warm up imports and caches
    text_s, raw_s, text_pages = _text_path(text_files, repeat)
    acro_files = by_class.get("acroform", [])
    acro_s = sum(
        min(_seconds(lambda p=p: read_document(p)) for _ in range(repeat)) for p in acro_files
    )
    acro_pages = sum(map(_page_count, acro_files))
    image_files = [path for kind in sorted(IMAGE_KINDS) for path in by_class.get(kind, [])]
    ocr_s, tesseract_s, ocr_pages = _ocr_path(image_files, ocr_repeat)

    results["text_ms_per_page"] = round(1000 * text_s / text_pages, 1)
    results["pdfplumber_words_ms_per_page"] = round(1000 * raw_s / text_pages, 1)
    results["read_vs_pdfplumber_ratio"] = round(text_s / raw_s, 2)
    results["acroform_ms_per_page"] = round(1000 * acro_s / max(acro_pages, 1), 1)
    results["ocr_ms_per_page"] = round(1000 * ocr_s / max(ocr_pages, 1), 1)
    results["tesseract_ms_per_page"] = round(1000 * tesseract_s / max(ocr_pages, 1), 1)
    results["ocr_vs_tesseract_ratio"] = round(ocr_s / tesseract_s, 2) if tesseract_s else None
    results["ocr_engine"] = ocr_path.engine().name
    results["reading_pages"] = {"text": text_pages, "acroform": acro_pages, "ocr": ocr_pages}


def table(results: dict[str, Any]) -> str:
    """The figures as a plain-text table (and a Markdown one for the README)."""
    lines = [
        "| class | files | forms | fields right | right or flagged "
        "| wrong at full confidence | lost | automation_rate |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, f in results["reading_by_class"].items():
        rate = f.get("automation_rate")
        lines.append(
            f"| {kind} | {f['files']} | {f['forms']} | {f['right']:.1%} "
            f"| {f['right_or_flagged']:.1%} | {f['wrong_at_full_confidence']} | {f['lost']} "
            f"| {'' if rate is None else f'{rate:.0%}'} |"
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
