"""Paper as it reaches the postroom: photos, faxes, turned pages, 2-up sheets,
pale prints, handwriting and batches of many forms in one scan.
"""

from __future__ import annotations

from sample_forms.producers.forms import Doc

DOCS: tuple[Doc, ...] = ()


def render(doc: Doc) -> bytes:
    """The PDF bytes of one of :data:`DOCS`."""
    raise ValueError(doc.file)
