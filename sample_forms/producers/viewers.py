"""Forms as people fill and sign them in viewers and office tools.

Classes: ``annotation`` (values as FreeText, the signature as Ink or Stamp,
the tick as a FreeText or Stamp mark, drawn by their appearance streams),
``signed`` (a /Sig field, signed with a PAdES signature or left unsigned),
``incremental`` (a value changed in an incremental update: the latest saved
state counts), ``sandwich`` (a scan with an invisible OCR text layer, honest
or lying), ``outlines`` (text drawn as paths), ``broken_fonts`` (fonts
without a usable /ToUnicode) and ``word_legacy`` (a word-processor form with
legacy fields).

Each file's ``forms`` are what a person sees on the page; a lying text
layer's words are its ``hidden`` values. Options name the source form
(``source``: ``reportlab``, ``chromium``, ``writer``), and for an
incremental update the values first saved (``was_<key>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from sample_forms.generate import render as render_sample
from sample_forms.producers import annotate, html, layers, legacy, signing, tools
from sample_forms.producers.forms import ASHFORD, BAYVIEW, CEDAR, DALE, ELM, FERN, GLEN, Doc, Values
from sample_forms.scenarios import Request, Sample, Style

#: Scans in this module: resolution, angle (degrees) and speckle seed.
DPI, ANGLE, SEED = 150, 0.5, 7


def moved(base: Values, org_name: str, org_code: str, **changes: str) -> Values:
    """``base`` at another organisation (every form here has its own)."""
    return {**base, "org_name": org_name, "org_code": org_code, **changes}


KESTREL = moved(ASHFORD, "Kestrel Lane Surgery", "B86011")
LARKSPUR = moved(BAYVIEW, "Larkspur Dental Care", "V06012")
MEADOWBANK = moved(ELM, "Meadowbank Surgery", "B86013")
NETTLEBED = moved(DALE, "Nettlebed Eye Care", "C86014")
OAKFIELD = moved(FERN, "Oakfield Medical Group", "B86021")
PINEWOOD = moved(GLEN, "Pinewood Opticians", "C86022")
QUARRY = moved(FERN, "Quarry Hill Surgery", "B86031")
ROSEMOUNT = moved(BAYVIEW, "Rosemount Dental Practice", "V06032")
SALTMARSH = moved(GLEN, "Saltmarsh Opticians", "C86041")
THORNBURY = moved(ASHFORD, "Thornbury Surgery", "B86042")
#: What the lying OCR layer of Thornbury's form says instead.
THORNBURY_HIDDEN = moved(
    THORNBURY,
    "Thornbury Surgery",
    "B86942",
    role="Main Contact",
    request_type="Remove",
    nominee_email="thornbury.admin@nhs.net",
    authoriser_email="thornbury.ael@nhs.net",
)
UPTON = moved(
    CEDAR,
    "Upton Vale Medical Practice and Minor Injuries Unit at Westfield Community Hospital",
    "B86051",
)
VICARAGE = moved(DALE, "Vicarage Eye Centre", "C86052")
WILLOWBROOK = moved(FERN, "Willowbrook Surgery", "B86061")
YARROW = moved(GLEN, "Yarrow Opticians", "C86062")
ZETLAND = moved(FERN, "Zetland Road Surgery", "B86071")
ABBEYFIELD = moved(ELM, "Abbeyfield Surgery", "B86072")

ANNOTATION = (
    Doc(
        "annotation/freetext_ink.pdf",
        "pypdf",
        "table",
        "Blank printed form filled in a viewer: FreeText values, Ink signature, FreeText X tick",
        (KESTREL,),
        {"signature": "ink", "tick": "freetext"},
    ),
    Doc(
        "annotation/freetext_stamps.pdf",
        "pypdf",
        "table",
        "FreeText values; the signature a Stamp (image), the tick a Stamp (drawn check mark)",
        (LARKSPUR,),
        {"signature": "stamp", "tick": "stamp"},
    ),
    Doc(
        "annotation/freetext_ink_unticked.pdf",
        "pypdf",
        "table",
        "FreeText values and an Ink signature; the tick box left empty",
        (MEADOWBANK,),
        {"signature": "ink", "tick": "freetext"},
    ),
    Doc(
        "annotation/freetext_unsigned_icb.pdf",
        "pypdf",
        "table",
        "FreeText values, ICB code, FreeText X tick; no signature annotation",
        (NETTLEBED,),
        {"signature": "ink", "tick": "freetext"},
    ),
)

SIGNED = (
    Doc(
        "signed/pades_text_stamp.pdf",
        "pyhanko",
        "fillable",
        "Filled fields; a PAdES signature in the /Sig field, shown as a 'Digitally signed by' "
        "stamp",
        (OAKFIELD,),
        {"naming": "key", "appearance": "text"},
    ),
    Doc(
        "signed/pades_image_stamp.pdf",
        "pyhanko",
        "fillable",
        "Fields named by label; a PAdES signature whose appearance is a signature image",
        (PINEWOOD,),
        {"naming": "label", "appearance": "image"},
    ),
)

INCREMENTAL = (
    Doc(
        "incremental/field_corrected.pdf",
        "pypdf",
        "fillable",
        "Fillable form saved, then the nominee email corrected in an incremental update",
        (QUARRY,),
        {"edit": "field", "naming": "key", "was_nominee_email": "olivia.marsh@nhs.co"},
    ),
    Doc(
        "incremental/page_text_edited.pdf",
        "pypdf",
        "table",
        "Printed form whose page text was edited in an incremental update (authoriser email)",
        (ROSEMOUNT,),
        {"edit": "page", "was_authoriser_email": "a.hassan@nhs.net"},
    ),
)

SANDWICH = (
    Doc(
        "sandwich/honest_ocr_layer.pdf",
        "tesseract",
        "table",
        "Scan with tesseract's invisible text layer, read from the same image",
        (SALTMARSH,),
        {"source": "chromium", "layout": "table", "tick": "char", "signature": "image"},
        typed=True,
    ),
    Doc(
        "sandwich/lying_ocr_layer.pdf",
        "tesseract",
        "table",
        "Scan of one form under the invisible OCR text of another (other ODS code, role, "
        "request type, emails): read the image or flag, never the hidden words",
        (THORNBURY,),
        {"source": "reportlab"},
        hidden=(THORNBURY_HIDDEN,),
        typed=False,  # lying on purpose: never one to decide without a person
    ),
)

OUTLINES = (
    Doc(
        "outlines/table_glyph_paths.pdf",
        "ghostscript",
        "table",
        "Every glyph a filled path (pdfwrite -dNoOutputFonts): no text layer; long values",
        (UPTON,),
        {"source": "reportlab"},
    ),
    Doc(
        "outlines/chromium_stacked_paths.pdf",
        "ghostscript",
        "stacked",
        "Chromium's stacked form with every glyph turned into a path; unsigned, ICB",
        (VICARAGE,),
        {"source": "chromium", "layout": "stacked", "tick": "boxed"},
    ),
)

BROKEN_FONTS = (
    Doc(
        "broken_fonts/chromium_no_tounicode.pdf",
        "pypdf",
        "table",
        "Chromium form with every /ToUnicode removed: extraction gives glyph-id garbage",
        (WILLOWBROOK,),
        {"source": "chromium", "layout": "table", "tick": "input", "signature": "svg"},
    ),
    Doc(
        "broken_fonts/writer_shifted_tounicode.pdf",
        "pypdf",
        "table",
        "Writer form whose /ToUnicode maps letters 7 and digits 3 places on: the text "
        "layer reads as plausible nonsense",
        (YARROW,),
        {"source": "writer", "layout": "table", "tick": "char", "signature": "typed"},
    ),
)

WORD_LEGACY = (
    Doc(
        "word/legacy_text_fields.pdf",
        "writer",
        "table",
        "Word form with legacy text fields and check box, exported by LibreOffice",
        (ZETLAND,),
    ),
    Doc(
        "word/legacy_dropdowns_unticked.pdf",
        "writer",
        "table",
        "Legacy drop-downs for role, request type and capacity; check box left empty",
        (ABBEYFIELD,),
        {"dropdowns": "yes"},
    ),
)


def _kind(docs: tuple[Doc, ...], kind: str) -> tuple[Doc, ...]:
    return tuple(replace(d, kind=kind) for d in docs)


DOCS: tuple[Doc, ...] = (
    _kind(ANNOTATION, "annotation")
    + _kind(SIGNED, "signed")
    + _kind(INCREMENTAL, "incremental")
    + _kind(SANDWICH, "sandwich")
    + _kind(OUTLINES, "outlines")
    + _kind(BROKEN_FONTS, "broken_fonts")
    + _kind(WORD_LEGACY, "word_legacy")
)


def drawn_style(values: Values) -> Style:
    """The main corpus's table style, its signature and tick as ``values`` say."""
    signed, ticked = bool(values["signature"]), bool(values["declaration"])
    return Style(signature="typed" if signed else "none", tick="drawn_x" if ticked else "empty")


def printed(values: Values, options: Mapping[str, str]) -> bytes:
    """The form as one of the text producers prints it."""
    source = options.get("source", "reportlab")
    if source == "chromium":
        return tools.chromium_pdf(html.document((values,), options))
    if source == "writer":
        page = html.document((values,), options, image_src="signature.png")
        return tools.writer_pdf(page, {"signature.png": html.signature_png()})
    request = Request("printed", "printed", (), values, drawn_style(values))
    return render_sample(Sample("printed_form.pdf", (request,)))


def render(doc: Doc) -> bytes:
    """The PDF bytes of one of :data:`DOCS`."""
    (values,) = doc.forms
    options = doc.options
    if doc.kind == "annotation":
        return annotate.filled_in_viewer(values, options["signature"], options["tick"])
    if doc.kind == "signed":
        return signing.pades_signed(values, options["naming"], options["appearance"])
    if doc.kind == "incremental":
        first = {k.removeprefix("was_"): v for k, v in options.items() if k.startswith("was_")}
        if options["edit"] == "field":
            return signing.field_corrected(values, first, options["naming"])
        return signing.page_corrected(values, first, drawn_style(values))
    if doc.kind == "sandwich":
        seen = printed(values, options)
        if doc.hidden:
            hidden = printed(doc.hidden[0], options)
            return layers.lying_sandwich(seen, hidden, DPI, ANGLE, SEED)
        return layers.honest_sandwich(seen, DPI, ANGLE, SEED)
    if doc.kind == "outlines":
        return layers.outlined(printed(values, options))
    if doc.kind == "broken_fonts":
        if options["source"] == "writer":
            return layers.shifted_tounicode(printed(values, options))
        return layers.without_tounicode(printed(values, options))
    if doc.kind == "word_legacy":
        return legacy.writer_pdf(values, options.get("dropdowns") == "yes")
    raise ValueError(doc.file)
