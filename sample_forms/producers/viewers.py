"""Forms as people fill and sign them in viewers and office tools.

Classes: ``annotation`` (values as FreeText, the signature as Ink or Stamp,
the tick as a FreeText or Stamp mark, drawn by their appearance streams),
``signed`` (a /Sig field, signed with a PAdES signature or left unsigned),
``incremental`` (a value changed in an incremental update: the latest saved
state counts), ``sandwich`` (a scan with an invisible OCR text layer, honest
or lying), ``outlines`` (text drawn as paths), ``broken_fonts`` (fonts
without a usable /ToUnicode) and ``word_legacy`` (a word-processor form with
legacy fields).
"""

from __future__ import annotations

from sample_forms.producers.forms import Doc

DOCS: tuple[Doc, ...] = ()


def render(doc: Doc) -> bytes:
    """The PDF bytes of one of :data:`DOCS`."""
    raise ValueError(doc.file)
