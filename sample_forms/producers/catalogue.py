"""The producer corpus: which file each producer makes, and from what.

Producers: ``reportlab`` (the main corpus in ``sample_forms/``, listed in
``sample_forms/expected.json``), ``chromium``, ``writer``, ``acroform`` and
``scan`` (the last listed here, in ``sample_forms/producers/expected.json``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sample_forms import catalogue as main
from sample_forms.producers import captures, viewers
from sample_forms.producers.forms import (
    ASHFORD,
    BAYVIEW,
    CEDAR,
    DALE,
    ELM,
    FERN,
    GLEN,
    Doc,
    Values,
    second,
)

CHROMIUM = (
    Doc(
        "chromium/table_checkbox_svg.pdf",
        "chromium",
        "table",
        "Table cells, labels with colons, an HTML check box, pen strokes as SVG",
        (ASHFORD,),
        {"layout": "table", "labels": "colon", "tick": "input", "signature": "svg"},
    ),
    Doc(
        "chromium/stacked_char_typed.pdf",
        "chromium",
        "stacked",
        "Each value on the ruled line under its label, upper-case labels; ☒ tick; typed signature",
        (BAYVIEW,),
        {"layout": "stacked", "labels": "upper", "tick": "char", "signature": "typed"},
    ),
    Doc(
        "chromium/inline_wrapped_shuffled.pdf",
        "chromium",
        "inline",
        "'Label: value' in a narrow column, long values wrapped, fields shuffled, "
        "E-mail labels, [x] tick, signature image",
        (CEDAR,),
        {
            "layout": "inline",
            "labels": "e-mail",
            "order": "shuffled",
            "tick": "bracket",
            "signature": "image",
        },
    ),
    Doc(
        "chromium/grid_unsigned.pdf",
        "chromium",
        "grid",
        "Two label/value pairs per row, values wrapped in their cells, boxed ✓, unsigned",
        (DALE,),
        {"layout": "grid", "labels": "colon", "tick": "boxed"},
    ),
    Doc(
        "chromium/letter_two_pages_unticked.pdf",
        "chromium",
        "table",
        "Covering letter, then a numbered form over two pages; check box left empty",
        (ELM,),
        {
            "layout": "table",
            "labels": "numbered",
            "tick": "input",
            "signature": "svg",
            "split": "yes",
            "letter": "yes",
        },
    ),
    Doc(
        "chromium/two_forms.pdf",
        "chromium",
        "stacked",
        "Two forms in one PDF, each its own request",
        (FERN, second("chromium", GLEN)),
        {"layout": "stacked", "tick": "boxed", "signature": "typed"},
    ),
)

WRITER = (
    Doc(
        "writer/table_char_image.pdf",
        "writer",
        "table",
        "Writer table, ☒ tick, signature image",
        (ASHFORD,),
        {"layout": "table", "tick": "char", "signature": "image"},
    ),
    Doc(
        "writer/stacked_bracket_typed.pdf",
        "writer",
        "stacked",
        "Value under each label, [x] tick, typed signature, labels with colons",
        (BAYVIEW,),
        {"layout": "stacked", "labels": "colon", "tick": "bracket", "signature": "typed"},
    ),
    Doc(
        "writer/inline_numbered_wrapped.pdf",
        "writer",
        "inline",
        "'1. Label: value' paragraphs in a narrow column, long values wrapped",
        (CEDAR,),
        {"layout": "inline", "labels": "numbered", "tick": "char", "signature": "image"},
    ),
    Doc(
        "writer/grid_unsigned.pdf",
        "writer",
        "grid",
        "Two pairs per row, unsigned",
        (DALE,),
        {"layout": "grid", "tick": "char"},
    ),
    Doc(
        "writer/letter_two_pages_unticked.pdf",
        "writer",
        "table",
        "Covering letter, form over two pages, E-mail labels, ☐ left empty",
        (ELM,),
        {
            "layout": "table",
            "labels": "e-mail",
            "tick": "char",
            "signature": "typed",
            "split": "yes",
            "letter": "yes",
        },
    ),
    Doc(
        "writer/two_forms.pdf",
        "writer",
        "table",
        "Two forms in one document",
        (FERN, second("writer", GLEN)),
        {"layout": "table", "tick": "char", "signature": "image"},
    ),
)

ACROFORM = (
    Doc(
        "acroform/by_key_typed.pdf",
        "acroform",
        "fillable",
        "Fields named by SPEC key, filled by a viewer; name typed in the signature field",
        (ASHFORD,),
        {"naming": "key", "signature": "typed"},
    ),
    Doc(
        "acroform/by_label_signed.pdf",
        "acroform",
        "fillable",
        "Fields named by printed label; a signed signature field",
        (BAYVIEW,),
        {"naming": "label", "signature": "sig"},
    ),
    Doc(
        "acroform/designer_names_multiline.pdf",
        "acroform",
        "fillable",
        "Form-designer names (form1[0].page1[0].org_code[0]); long multi-line values",
        (CEDAR,),
        {"naming": "designer", "signature": "typed"},
    ),
    Doc(
        "acroform/unsigned_signature_field.pdf",
        "acroform",
        "fillable",
        "A signature field nobody signed",
        (DALE,),
        {"naming": "key", "signature": "sig"},
    ),
    Doc(
        "acroform/flattened.pdf",
        "acroform",
        "flattened",
        "Filled, then flattened: values only in the page text; box left unticked",
        (ELM,),
        {"naming": "label", "signature": "typed", "flatten": "yes"},
    ),
)


@dataclass(frozen=True)
class Scan:
    """A scanned copy of another corpus file."""

    file: str
    source: str  # path under sample_forms/
    dpi: int
    angle: float
    about: str


SCANS = (
    Scan("scan/gp_partner_200dpi.pdf", "applied_gp_partner.pdf", 200, 0.7, "Table, typed, X"),
    Scan(
        "scan/main_contact_300dpi.pdf",
        "applied_main_contact_update.pdf",
        300,
        -0.6,
        "Values under labels, pen strokes, X character",
    ),
    Scan(
        "scan/not_ticked_150dpi.pdf",
        "rejected_declaration_not_ticked.pdf",
        150,
        1.0,
        "Empty tick box, at 150 dpi and a full degree",
    ),
    Scan(
        "scan/unsigned_fillable_200dpi.pdf",
        "rejected_signature_missing_acroform_by_label.pdf",
        200,
        -0.9,
        "A printed fillable form: empty signature box, check box ticked",
    ),
    Scan(
        "scan/chromium_stacked_250dpi.pdf",
        "producers/chromium/stacked_char_typed.pdf",
        250,
        0.4,
        "Chromium's stacked layout, scanned",
    ),
)


def scan_values(scan: Scan) -> tuple[Values, ...]:
    """The raw values of the forms in a scan's source file."""
    for sample in main.SAMPLES:
        if sample.file == scan.source:
            return tuple(request.values for request in sample.requests)
    for doc in CHROMIUM + WRITER + ACROFORM:
        if f"producers/{doc.file}" == scan.source:
            return doc.forms
    raise KeyError(scan.source)


#: Reading classes held to "each field right or flagged, never wrong at full
#: confidence" (the rest must be read exactly, at full confidence).
IMAGE_KINDS = frozenset(
    {
        "scan",
        "sandwich",
        "outlines",
        "broken_fonts",
        "photo",
        "fax",
        "rotated",
        "two_up",
        "pale",
        "handwriting",
        "batch",
    }
)


def _kind(doc: Doc, kind: str) -> Doc:
    return doc if doc.kind else replace(doc, kind=kind)


DOCS: tuple[Doc, ...] = (
    tuple(_kind(d, "text") for d in CHROMIUM + WRITER)
    + tuple(_kind(d, "acroform") for d in ACROFORM)
    + tuple(
        Doc(
            s.file,
            "scan",
            f"{s.dpi} dpi, {s.angle:+.1f} degrees",
            s.about,
            scan_values(s),
            kind="scan",
            typed=True,
        )
        for s in SCANS
    )
    + viewers.DOCS
    + captures.DOCS
)
