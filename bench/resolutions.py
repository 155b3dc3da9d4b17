"""Reading at other resolutions: are values ever wrong at full confidence?

``python -m bench resolutions``. The service renders a page for OCR at
200 dpi (``intake.reading.ocr.DPI``), and a capture's detail varies far more
than that in the world: a 150 dpi scan, a standard fax, a photo, half a 2-up
sheet. Rendering the whole image corpus at 150, 250 and 300 dpi as well
moves every glyph by a few pixels and changes what each engine reads, so it
shows misreadings the 200 dpi run happens not to meet. The figures are, per
resolution, the values wrong at full confidence (must be 0) and the share
of typed captures decided without a caseworker.
"""

from __future__ import annotations

from typing import Any

from bench.reading import corpus, score
from intake.reading import capture
from intake.reading import ocr as ocr_path
from sample_forms.producers.catalogue import IMAGE_KINDS

#: Rendering resolutions tried besides the service's own.
RESOLUTIONS = (150, 250, 300)


def run(results: dict[str, Any]) -> None:
    """Read the image corpus at each of :data:`RESOLUTIONS` and add the figures."""
    items = [item for item in corpus() if item[1] in IMAGE_KINDS]
    saved = ocr_path.DPI, capture.DPI
    figures: dict[str, Any] = {}
    try:
        for dpi in RESOLUTIONS:
            ocr_path.DPI = capture.DPI = dpi
            wrong = forms = automated = 0
            for path, _kind, requests, typed in items:
                counts = score(path, requests)
                wrong += counts["wrong_confident"]
                if typed:
                    forms += counts["forms"]
                    automated += counts["automated"]
            figures[str(dpi)] = {
                "wrong_at_full_confidence": wrong,
                "automation_rate": round(automated / max(forms, 1), 4),
            }
    finally:
        ocr_path.DPI, capture.DPI = saved
    results["reading_at_other_resolutions"] = figures
    results["wrong_at_other_resolutions"] = sum(
        f["wrong_at_full_confidence"] for f in figures.values()
    )
