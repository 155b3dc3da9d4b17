"""The reader child: reads one JSON request per line, answers one JSON line.

Runs under the memory limit its parent set; see ``intake.reading.sandbox``.
"""

from __future__ import annotations

import json
import logging
import resource
import sys
from pathlib import Path

from intake.reading import ReadLimits, read_document, warm
from intake.reading.detect import DAMAGED
from intake.reading.model import NoPreview, ReadError, TooHeavy
from intake.reading.preview import render_page
from intake.reading.sandbox import reading_to_json


def answer(request: dict) -> dict:
    """Read the file a request names (or draw one of its pages); never raises."""
    if "render" in request:
        return _render(request["render"])
    try:
        reading = read_document(Path(request["path"]), ReadLimits(**request["limits"]))
        result: dict = {"reading": reading_to_json(reading)}
    except ReadError as error:
        result = {"error": error.code, "message": error.message, "cause": error.cause}
    except TooHeavy as heavy:
        result = {"heavy": heavy.message}
    except MemoryError:
        result = {
            "error": "PDF_UNREADABLE",
            "message": "The file needs more memory to read than a form ever should "
            "(it may be built to exhaust memory).",
        }
    except RecursionError:
        result = {
            "error": "PDF_UNREADABLE",
            "message": "The file's structure is nested too deeply.",
        }
    except Exception as error:  # a parser bug on a broken file: the file is unreadable
        result = {
            "error": "PDF_UNREADABLE",
            "message": DAMAGED[0].upper() + DAMAGED[1:] + ".",
            "cause": f"{type(error).__name__}: {str(error)[:200]}",
        }
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _render(request: dict) -> dict:
    try:
        render_page(Path(request["source"]), int(request["page"]), Path(request["target"]))
        result: dict = {"rendered": True}
    except NoPreview as reason:
        result = {"no_preview": str(reason)}
    except MemoryError:
        result = {"no_preview": "the page needs more memory to draw than a form ever should"}
    except Exception:  # a broken file: no page image, whatever PDFium said
        result = {"no_preview": "the page cannot be drawn"}
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def warm_up() -> None:
    """Load every reading module and engine before the first file.

    Loaded lazily, they would load inside the first file's read: a file
    that exhausts the memory limit there would leave a half-imported module
    behind, and every later file in this child would fail with it.
    """
    warm()


def main() -> None:
    # Stderr is the worker's own (its log): what the libraries only warn
    # about on a damaged file stays out of it; errors go in, marked as ours.
    logging.basicConfig(
        level=logging.ERROR, format="reader child: %(levelname)s %(name)s: %(message)s"
    )
    if "--pages-only" not in sys.argv:  # a child that only draws needs no OCR
        warm_up()
    for line in sys.stdin:
        if not line.strip():
            continue
        sys.stdout.write(json.dumps(answer(json.loads(line))) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
