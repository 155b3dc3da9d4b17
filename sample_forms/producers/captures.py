"""Paper as it reaches the postroom: photos, faxes, turned pages, 2-up sheets,
pale prints, handwriting and batches of many forms in one scan.

Each file starts as a form made by one of the real producers (the reportlab
drawing of ``sample_forms/draw.py``, Chromium, Writer, a filled AcroForm),
which is then printed to pixels and put through what paper goes through
(:mod:`paper`, :mod:`hand`, :mod:`scans`). Every form has its own
organisation; the ground truth is the values the producer was given.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Mapping

import numpy as np
import pdfplumber
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from sample_forms import draw
from sample_forms.producers import acroform, forms, hand, html, paper, scans, tools
from sample_forms.producers.capture_forms import (
    AMBERLEY,
    ASH_GROVE,
    BIRCHWOOD,
    BRIGHTWATER,
    CASTLE,
    COBBLERS_ROW,
    COPPERFIELD,
    DOVECOTE,
    EASTGATE,
    FERRYBRIDGE,
    FOXLEY,
    GRANARY,
    GREENHILL,
    HARBOURSIDE,
    HEATHFIELD,
    HILLCREST,
    HOLLYBUSH,
    KESTREL,
    KINGFISHER,
    LAKESIDE,
    LINDEN,
    MAPLE,
    NORBURY,
    OAKFIELD,
    POPLAR,
    QUAYSIDE,
    RAVENSCROFT,
    ROWAN,
    SYCAMORE,
    THORNBURY,
    UPTON,
    VALE_VIEW,
    WESTBOURNE,
    WILLOW_BANK,
    WRENFIELD,
)
from sample_forms.producers.forms import Doc, Values
from sample_forms.scenarios import Request, Style

Options = Mapping[str, str]
#: Specks on a batch scanner's pages (its glass is wiped more often than the office's).
DUST = scans.SPECKLE / 5

#: The forms of the postroom batch, in page order: (values, how each was made
#: and fed: ``before`` a blank separator sheet or not, ``turn`` 180 if fed
#: upside down).
BATCH: tuple[tuple[Values, Options], ...] = (
    (ASH_GROVE, {"source": "reportlab", "tick": "drawn_x"}),
    (BIRCHWOOD, {"source": "chromium", "letter": "yes", "before": "blank", "tick": "input"}),
    (CASTLE, {"source": "writer", "layout": "stacked", "labels": "colon"}),
    (DOVECOTE, {"source": "reportlab", "split": "yes", "before": "blank", "signature": "strokes"}),
    (EASTGATE, {"source": "reportlab", "layout": "below", "turn": "180", "tick": "check"}),
    (FOXLEY, {"source": "chromium", "layout": "grid", "tick": "boxed", "signature": "svg"}),
    (GRANARY, {"source": "acroform", "before": "blank", "naming": "label", "flatten": "yes"}),
    (HEATHFIELD, {"source": "writer", "layout": "inline", "labels": "numbered"}),
)

DOCS: tuple[Doc, ...] = (
    Doc(
        "photo/phone_mild.pdf",
        "photo",
        "table",
        "Phone photo of a printed form on a desk: slight keystone, soft shadow, JPEG, 135 dpi",
        (KESTREL,),
        {"source": "reportlab", "fill": "0.72", "tilt": "0.03", "shadow": "0.22", "page": "150"},
        kind="photo",
        typed=True,
    ),
    Doc(
        "photo/phone_tilted_shadow.pdf",
        "photo",
        "stacked",
        "Phone photo: strong keystone and turn, deep shadow over a corner, 120 dpi, page at 72 dpi",
        (LINDEN,),
        {
            "source": "chromium",
            "layout": "stacked",
            "tick": "char",
            "fill": "0.64",
            "tilt": "0.07",
            "shadow": "0.45",
            "page": "72",
        },
        kind="photo",
        typed=True,
    ),
    Doc(
        "photo/phone_overhead_writer.pdf",
        "photo",
        "table",
        "Phone held almost flat over a Writer form in good light: barely any keystone, faint "
        "shadow, sheet at about 150 dpi",
        (COBBLERS_ROW,),
        {
            "source": "writer",
            "tick": "char",
            "fill": "0.80",
            "tilt": "0.015",
            "shadow": "0.10",
            "page": "150",
        },
        kind="photo",
        typed=True,
    ),
    Doc(
        "photo/phone_acroform_lamp.pdf",
        "photo",
        "table",
        "Phone photo of a printed, flattened fillable form under a desk lamp: keystone, turn, "
        "shadow across part of the page, about 130 dpi",
        (COPPERFIELD,),
        {
            "source": "acroform",
            "naming": "label",
            "flatten": "yes",
            "fill": "0.68",
            "tilt": "0.05",
            "shadow": "0.30",
            "page": "110",
        },
        kind="photo",
        typed=True,
    ),
    Doc(
        "photo/phone_strokes_check.pdf",
        "photo",
        "table",
        "Phone photo of a form with colon labels, pen-stroke signature and check-mark tick, "
        "mild keystone, about 140 dpi, page at 96 dpi",
        (HARBOURSIDE,),
        {
            "source": "reportlab",
            "labels": "colon",
            "tick": "check",
            "signature": "strokes",
            "fill": "0.74",
            "tilt": "0.04",
            "shadow": "0.18",
            "page": "96",
        },
        kind="photo",
        typed=True,
    ),
    Doc(
        "fax/standard_a4.pdf",
        "fax",
        "table",
        "Fax, 204x98 dpi 1-bit (CCITT G4) on A4, sender's header line at the top",
        (MAPLE,),
        {"source": "reportlab", "labels": "colon", "header": "01632 960412 MAPLE GROVE MC"},
        kind="fax",
        typed=True,
    ),
    Doc(
        "fax/standard_writer.pdf",
        "fax",
        "table",
        "Fax of a Writer form, 204x98 dpi 1-bit, header line, ☒ tick",
        (NORBURY,),
        {"source": "writer", "tick": "char", "header": "NORBURY EYE CENTRE 01632 960733"},
        kind="fax",
        typed=True,
    ),
    Doc(
        "fax/chromium_grid.pdf",
        "fax",
        "grid",
        "Fax of a Chromium two-column grid form, 204x98 dpi 1-bit, header line, boxed tick, SVG "
        "signature",
        (FERRYBRIDGE,),
        {
            "source": "chromium",
            "layout": "grid",
            "tick": "boxed",
            "signature": "svg",
            "header": "01632 960588 FERRYBRIDGE MP",
        },
        kind="fax",
        typed=True,
    ),
    Doc(
        "fax/two_pages_upper.pdf",
        "fax",
        "table",
        "Two-page fax (PAGE 1/2, 2/2) of a form with upper-case labels, check-mark tick, pen-"
        "stroke signature",
        (KINGFISHER,),
        {
            "source": "reportlab",
            "split": "yes",
            "labels": "upper",
            "tick": "check",
            "signature": "strokes",
            "header": "KINGFISHER OPTICIANS 01632 960291",
        },
        kind="fax",
        typed=True,
    ),
    Doc(
        "fax/acroform_designer.pdf",
        "fax",
        "table",
        "Fax of a filled fillable form (designer field names) as printed, 204x98 dpi 1-bit, "
        "header line",
        (WRENFIELD,),
        {
            "source": "acroform",
            "naming": "designer",
            "header": "+44 1632 960845 WRENFIELD DENTAL",
        },
        kind="fax",
        typed=True,
    ),
    Doc(
        "rotated/upside_down.pdf",
        "rotated",
        "table",
        "Scanned upside down (180 degrees), no /Rotate",
        (OAKFIELD,),
        {"source": "reportlab", "turn": "180"},
        kind="rotated",
        typed=True,
    ),
    Doc(
        "rotated/sideways.pdf",
        "rotated",
        "table",
        "Portrait form scanned sideways onto a landscape page (content turned 90 degrees)",
        (POPLAR,),
        {"source": "reportlab", "labels": "upper", "turn": "270"},
        kind="rotated",
        typed=True,
    ),
    Doc(
        "rotated/page_rotate_90.pdf",
        "rotated",
        "table",
        "Image stored sideways; /Rotate 90 on the page shows it upright",
        (QUAYSIDE,),
        {"source": "chromium", "tick": "boxed", "turn": "90", "rotate": "90"},
        kind="rotated",
        typed=True,
    ),
    Doc(
        "rotated/sideways_anticlockwise.pdf",
        "rotated",
        "table",
        "Writer form fed sideways the other way (content turned 90 degrees anticlockwise), no "
        "/Rotate, [x] tick",
        (GREENHILL,),
        {
            "source": "writer",
            "tick": "bracket",
            "turn": "90",
        },
        kind="rotated",
        typed=True,
    ),
    Doc(
        "rotated/page_rotate_270.pdf",
        "rotated",
        "table",
        "Flattened fillable form stored turned clockwise; /Rotate 270 on the page shows it upright",
        (WESTBOURNE,),
        {
            "source": "acroform",
            "naming": "key",
            "flatten": "yes",
            "turn": "270",
            "rotate": "270",
        },
        kind="rotated",
        typed=True,
    ),
    Doc(
        "two_up/reportlab_two_pages.pdf",
        "two_up",
        "table",
        "A two-page form printed 2 pages per sheet (landscape, each page at 0.69), scanned",
        (ROWAN,),
        {"source": "reportlab", "split": "yes", "signature": "strokes"},
        kind="two_up",
        typed=True,
    ),
    Doc(
        "two_up/chromium_two_pages.pdf",
        "two_up",
        "stacked",
        "Chromium's two-page form, 2 pages per sheet, scanned",
        (SYCAMORE,),
        {"source": "chromium", "layout": "stacked", "split": "yes"},
        kind="two_up",
        typed=True,
    ),
    Doc(
        "two_up/writer_two_pages.pdf",
        "two_up",
        "table",
        "Writer's two-page form, 2 pages per sheet, scanned; colon labels, ☒ tick",
        (HOLLYBUSH,),
        {
            "source": "writer",
            "split": "yes",
            "labels": "colon",
            "tick": "char",
        },
        kind="two_up",
        typed=True,
    ),
    Doc(
        "two_up/reportlab_lines_two_pages.pdf",
        "two_up",
        "below",
        "Two-page ruled-line form with numbered labels, 2 pages per sheet, scanned",
        (LAKESIDE,),
        {
            "source": "reportlab",
            "layout": "below",
            "split": "yes",
            "labels": "numbered",
            "tick": "check",
        },
        kind="two_up",
        typed=True,
    ),
    Doc(
        "two_up/chromium_letter_and_form.pdf",
        "two_up",
        "table",
        "Covering letter and one-page Chromium form printed 2 pages per sheet, scanned",
        (AMBERLEY,),
        {
            "source": "chromium",
            "letter": "yes",
            "tick": "input",
        },
        kind="two_up",
        typed=True,
    ),
    Doc(
        "pale/ink_saving.pdf",
        "pale",
        "table",
        "Printed in ink-saving mode (black at about 60 % grey), scanned",
        (THORNBURY,),
        {"source": "reportlab", "ink": "0.4", "uneven": "0"},
        kind="pale",
        typed=True,
    ),
    Doc(
        "pale/toner_low.pdf",
        "pale",
        "table",
        "Toner running out: pale and uneven, fading across the page with light bands",
        (UPTON,),
        {"source": "writer", "tick": "char", "ink": "0.42", "uneven": "0.22"},
        kind="pale",
        typed=True,
    ),
    Doc(
        "pale/chromium_faded.pdf",
        "pale",
        "stacked",
        "Chromium form printed pale (black at about half grey) with a slight fade across the "
        "page, scanned",
        (RAVENSCROFT,),
        {
            "source": "chromium",
            "layout": "stacked",
            "labels": "upper",
            "ink": "0.5",
            "uneven": "0.12",
        },
        kind="pale",
        typed=True,
    ),
    Doc(
        "pale/draft_mode_lines.pdf",
        "pale",
        "below",
        "Two-page ruled-line form printed in draft mode (black at about 62 % grey, even), scanned",
        (BRIGHTWATER,),
        {
            "source": "reportlab",
            "layout": "below",
            "tick": "check",
            "ink": "0.38",
            "uneven": "0",
        },
        kind="pale",
        typed=True,
    ),
    Doc(
        "pale/toner_bands_acroform.pdf",
        "pale",
        "table",
        "Flattened fillable form from a printer low on toner: pale, fading, light bands, scanned",
        (HILLCREST,),
        {
            "source": "acroform",
            "naming": "label",
            "flatten": "yes",
            "ink": "0.48",
            "uneven": "0.18",
        },
        kind="pale",
        typed=True,
    ),
    Doc(
        "handwriting/table_capitals.pdf",
        "handwriting",
        "table",
        "Blank printed form filled by hand in block capitals, scribbled signature, drawn tick",
        (VALE_VIEW,),
        {"layout": "table", "dpi": "200"},
        kind="handwriting",
    ),
    Doc(
        "handwriting/lines_capitals.pdf",
        "handwriting",
        "below",
        "Block capitals on the ruled line under each label, another hand, scanned at 150 dpi",
        (WILLOW_BANK,),
        {"layout": "below", "dpi": "150"},
        kind="handwriting",
    ),
    Doc(
        "batch/postroom_batch.pdf",
        "batch",
        "mixed",
        "One black-and-white 200 dpi scan of eight forms from four producers: a covering "
        "letter, blank separator sheets, two-page forms, one fed upside down",
        tuple(values for values, _ in BATCH),
        kind="batch",
        typed=True,
    ),
)


def render(doc: Doc) -> bytes:
    """The PDF bytes of one of :data:`DOCS`."""
    rng = np.random.default_rng(zlib.crc32(doc.file.encode()))
    options = doc.options
    if doc.kind == "batch":
        return _batch(rng)
    if doc.kind == "handwriting":
        (values,) = doc.forms
        dpi = int(options["dpi"])
        return _scan(_handwritten(values, options["layout"], dpi, rng), dpi, rng)
    (values,) = doc.forms
    source = _source(values, options)
    if doc.kind == "photo":
        (sheet,) = scans.rendered(source, 200)
        image = paper.photo(
            sheet, rng, float(options["fill"]), float(options["tilt"]), float(options["shadow"])
        )
        return scans.image_pdf([image], int(options["page"]), quality=70)
    if doc.kind == "fax":
        pages = scans.rendered(source, paper.FAX_DPI[0])
        faxed = [
            paper.fax(
                page,
                rng,
                f"NOV-14-2026 09:42  FROM: {options['header']}  TO: PCSE  PAGE {i}/{len(pages)}",
            )
            for i, page in enumerate(pages, start=1)
        ]
        return paper.bilevel_pdf(faxed, paper.FAX_DPI)
    if doc.kind == "rotated":
        turn = int(options["turn"])
        pages = [p.rotate(turn, expand=True) for p in scans.rendered(source, 200)]
        image = _scan(pages, 200, rng)
        return paper.with_rotate(image, int(options["rotate"])) if "rotate" in options else image
    if doc.kind == "two_up":
        return _scan(scans.rendered(paper.two_up(source), 200), 200, rng)
    if doc.kind == "pale":
        ink, uneven = float(options["ink"]), float(options["uneven"])
        pages = [paper.pale(page, rng, ink, uneven) for page in scans.rendered(source, 200)]
        return _scan(pages, 200, rng)
    raise ValueError(doc.file)


def _scan(pages: list[Image.Image], dpi: int, rng: np.random.Generator) -> bytes:
    """Page images through the scanner: each turned a little and dusted, JPEG at quality 60."""
    fed = [scans.scanned(page, rng.uniform(-0.7, 0.7), rng) for page in pages]
    return scans.image_pdf(fed, dpi, quality=60)


def _source(values: Values, options: Options) -> bytes:
    """The form as its producer prints it."""
    maker = options.get("source", "reportlab")
    if maker == "reportlab":
        return _reportlab(values, _style(values, options), letter=options.get("letter") == "yes")
    if maker == "chromium":
        return tools.chromium_pdf(html.document((values,), options))
    if maker == "writer":
        page = html.document((values,), options, image_src="signature.png")
        return tools.writer_pdf(page, {"signature.png": html.signature_png()})
    if maker == "acroform":
        naming = options.get("naming", "key")
        return acroform.fillable_pdf(values, naming, "typed", options.get("flatten") == "yes")
    raise ValueError(maker)


def _style(values: Values, options: Options) -> Style:
    return Style(
        layout=options.get("layout", "table"),
        labels=options.get("labels", "plain"),
        signature=options.get("signature", "typed") if values["signature"] else "none",
        tick=options.get("tick", "drawn_x") if values["declaration"] else "empty",
        split=options.get("split") == "yes",
    )


def _reportlab(values: Values, style: Style, letter: bool = False) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    pen = draw.Pen(canvas)
    request = Request("", "", (), values, style)
    if letter:
        draw.draw_covering_letter(pen, request)
    draw.draw_request(pen, request)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _batch(rng: np.random.Generator) -> bytes:
    """Every :data:`BATCH` form through a postroom scanner in one pass, separators and all.

    Such scanners default to black and white at 200 dpi (CCITT G4), which
    also keeps a many-page batch small.
    """
    dpi = 200
    pages: list[Image.Image] = []
    for values, options in BATCH:
        if options.get("before") == "blank":
            blank = paper.blank(pages[-1].size, rng)
            pages.append(scans.scanned(blank, 0, rng, speckle=DUST))
        for page in scans.rendered(_source(values, options), dpi):
            turned = page.rotate(int(options.get("turn", "0")))
            pages.append(scans.scanned(turned, rng.uniform(-0.8, 0.8), rng, speckle=DUST))
    bitonal = [page.point(lambda v: 255 if v > 165 else 0).convert("1") for page in pages]
    return paper.bilevel_pdf(bitonal, (dpi, dpi))


def _handwritten(
    values: Values, layout: str, dpi: int, rng: np.random.Generator
) -> list[Image.Image]:
    """A blank printed form at ``dpi``, filled in by hand with ``values``."""
    style = Style(layout=layout, signature="none", tick="empty")
    pages = [
        np.array(page)
        for page in scans.rendered(_reportlab(forms.values(False, False), style), dpi)
    ]
    pen = hand.Pen(rng, dpi / 72, ink=int(rng.integers(25, 50)))
    scale = dpi / 72
    for (key, number), (x, base, room) in _value_places(values, layout).items():
        canvas = pages[number]
        if key == "signature" and values["signature"]:
            pen.signature(canvas, x * scale, base * scale, 120 * scale)
        elif key == "declaration" and values["declaration"]:
            pen.tick(canvas, x * scale, base * scale, 10 * scale)
        elif isinstance(values.get(key), str):
            # In a table cell the letters sit a little below the typed baseline;
            # under a label they sit on the ruled line, a little smaller.
            drop, size = (3.0, 9.0) if layout == "table" else (2.5, 8.0)
            pen.write(
                canvas, str(values[key]), x * scale, (base + drop) * scale, room * scale, size
            )
    return [Image.fromarray(page) for page in pages]


def _value_places(values: Values, layout: str) -> dict[tuple[str, int], tuple[float, float, float]]:
    """Where a person writes on the blank form, in points from the page's top left.

    Draws the same form with a marker in each value place and finds the
    markers: (key, page index) -> (x, baseline, room to the right). The
    signature's place is where a typed name goes in its box; the
    declaration's is the top-left corner of the tick box.
    """
    keys = [key for key in values if key not in ("signature", "declaration")]
    markers = {f"QX{i:02d}": key for i, key in enumerate(keys)}
    probe = forms.values(True, True, **{key: m for m, key in markers.items()})
    pdf = _reportlab(probe, Style(layout=layout, signature="typed", tick="drawn_x"))
    right = draw.RIGHT - 6 if layout == "table" else draw.RIGHT
    places: dict[tuple[str, int], tuple[float, float, float]] = {}
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages):
            baselines = {
                (c["x0"], c["top"]): float(page.height) - c["matrix"][5] for c in page.chars
            }
            for word in page.extract_words(extra_attrs=["size"]):
                base = baselines[word["x0"], word["top"]]
                key = markers.get(word["text"])
                if word["size"] > 12 and key == "authoriser_name":
                    key = "signature"
                elif word["text"] == "confirm" and word["x0"] < draw.LEFT + 60:
                    key, word["x0"], base = "declaration", draw.LEFT + 2, base - 8
                if key and not any(k == key for k, _ in places):
                    places[key, number] = (word["x0"], base, right - word["x0"])
    return places
