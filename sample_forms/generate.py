"""Write the sample corpus: the PDFs, the directory CSVs and ``expected.json``.

Run ``python -m sample_forms.generate [OUTDIR]`` (default: this folder).
The output is deterministic: the same code writes the same bytes (reportlab
``invariant=1``, uncompressed page streams, fixed dates), so the committed
files can be checked against a fresh run.
"""

from __future__ import annotations

import io
import json
import pathlib
import struct
import sys
import zlib

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from sample_forms.catalogue import BAD_FILES, SAMPLES
from sample_forms.directory import write_directory
from sample_forms.draw import Pen, draw_covering_letter, draw_request
from sample_forms.scenarios import RECEIVED, Request, Sample
from verification.fields import FIELD_KEYS

HERE = pathlib.Path(__file__).resolve().parent
#: SPEC §2 keys in form order (expected.json lists them so).
FIELD_ORDER = FIELD_KEYS


def render(sample: Sample) -> bytes:
    """The PDF bytes of one sample file."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=0)
    canvas.setTitle(sample.file.removesuffix(".pdf").replace("_", " "))
    canvas.setAuthor("intake sample_forms")
    pen = Pen(canvas)
    if sample.covering_letter:
        draw_covering_letter(pen, sample.requests[0])
    for i, request in enumerate(sample.requests):
        if i:
            pen.turn()
        draw_request(pen, request)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def png_bytes(width: int = 8, height: int = 8) -> bytes:
    """A small grey PNG, stored uncompressed so every zlib writes the same bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes([0x80]) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 0))
        + chunk(b"IEND", b"")
    )


def truncated_pdf() -> bytes:
    """A whole form PDF cut off at 60 %, so it has no end-of-file marker."""
    whole = render(SAMPLES[0])
    return whole[: len(whole) * 6 // 10]


def _request_entry(request: Request) -> dict[str, object]:
    return {
        "about": request.about,
        "status": request.status,
        "codes": list(request.codes),
        "fields": {key: request.fields()[key] for key in FIELD_ORDER},
        "raw": {key: request.values[key] for key in FIELD_ORDER},
    }


def expected() -> list[dict[str, object]]:
    """The ground truth for every sample file, in file-name order."""
    entries: list[dict[str, object]] = [
        {
            "file": s.file,
            "received": RECEIVED.isoformat(),
            "requests": [_request_entry(r) for r in s.requests],
        }
        for s in SAMPLES
    ]
    for name, code, about in BAD_FILES:
        nothing = dict.fromkeys(FIELD_ORDER)
        entries.append(
            {
                "file": name,
                "received": RECEIVED.isoformat(),
                "requests": [
                    {
                        "about": about,
                        "status": "rejected",
                        "codes": [code],
                        "fields": nothing,
                        "raw": nothing,
                    }
                ],
            }
        )
    return sorted(entries, key=lambda entry: str(entry["file"]))


def files() -> dict[str, bytes]:
    """Every sample file's name and bytes."""
    out = {sample.file: render(sample) for sample in SAMPLES}
    out["rejected_not_a_pdf.pdf"] = png_bytes()
    out["rejected_truncated.pdf"] = truncated_pdf()
    return out


def generate(outdir: pathlib.Path) -> list[pathlib.Path]:
    """Write the whole corpus into ``outdir``; returns the paths written."""
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files().items():
        path = outdir / name
        path.write_bytes(data)
        written.append(path)
    manifest = outdir / "expected.json"
    manifest.write_text(
        json.dumps(expected(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    written.append(manifest)
    written.extend(write_directory(outdir / "directory"))
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m sample_forms.generate [OUTDIR]``."""
    args = sys.argv[1:] if argv is None else argv
    outdir = pathlib.Path(args[0]) if args else HERE
    for path in generate(outdir):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
