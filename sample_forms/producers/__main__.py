"""Regenerate the producer corpus: ``python -m sample_forms.producers [PRODUCER...]``.

Producers: chromium, writer, acroform, scan, viewers, captures (default: all). Writes the PDFs
under ``sample_forms/producers/<producer>/`` and the ground truth
``sample_forms/producers/expected.json`` (which needs no tools). Chromium
and Writer stamp dates and ids into their PDFs, so their bytes differ from
run to run; the ground truth does not.
"""

from __future__ import annotations

import json
import pathlib
import sys

from sample_forms.generate import FIELD_ORDER
from sample_forms.producers import acroform, captures, html, scans, tools, viewers
from sample_forms.producers.catalogue import ACROFORM, CHROMIUM, DOCS, IMAGE_KINDS, SCANS, WRITER
from sample_forms.producers.forms import Doc
from sample_forms.scenarios import normalised

HERE = pathlib.Path(__file__).resolve().parent
SAMPLES = HERE.parent


def render(doc: Doc) -> bytes:
    """The PDF bytes of one Chromium, Writer or AcroForm document."""
    options = doc.options
    if doc.producer == "chromium":
        return tools.chromium_pdf(html.document(doc.forms, options))
    if doc.producer == "writer":
        page = html.document(doc.forms, options, image_src="signature.png")
        return tools.writer_pdf(page, {"signature.png": html.signature_png()})
    if doc.producer == "acroform":
        (values,) = doc.forms
        return acroform.fillable_pdf(
            values, options["naming"], options["signature"], options.get("flatten") == "yes"
        )
    raise ValueError(doc.producer)


def expected() -> list[dict[str, object]]:
    """The ground truth of every producer-corpus file."""
    return [
        {
            "file": doc.file,
            "producer": doc.producer,
            "layout": doc.layout,
            "about": doc.about,
            "class": doc.kind,
            "image": doc.kind in IMAGE_KINDS,
            "typed": doc.typed,
            "requests": [
                {
                    "fields": {k: normalised(values)[k] for k in FIELD_ORDER},
                    "raw": {k: values[k] for k in FIELD_ORDER},
                }
                for values in doc.forms
            ],
            **({"hidden": [dict(h) for h in doc.hidden]} if doc.hidden else {}),
        }
        for doc in DOCS
    ]


def generate(producers: set[str]) -> list[pathlib.Path]:
    """Write the chosen producers' PDFs and the manifest; returns the paths."""
    written = []
    for doc in CHROMIUM + WRITER + ACROFORM:
        if doc.producer in producers:
            path = HERE / doc.file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(render(doc))
            written.append(path)
    if "scan" in producers:
        for seed, scan in enumerate(SCANS):
            source = (SAMPLES / scan.source).read_bytes()
            path = HERE / scan.file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(scans.scanned_pdf(source, scan.dpi, scan.angle, seed))
            written.append(path)
    for group in (viewers, captures):
        if group.__name__.rsplit(".", 1)[-1] in producers:
            for doc in group.DOCS:
                path = HERE / doc.file
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(group.render(doc))
                written.append(path)
    manifest = HERE / "expected.json"
    manifest.write_text(json.dumps(expected(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    return [*written, manifest]


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    chosen = set(sys.argv[1:] if argv is None else argv) or {
        "chromium",
        "writer",
        "acroform",
        "scan",
        "viewers",
        "captures",
    }
    for path in generate(chosen):
        print(path.relative_to(SAMPLES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
