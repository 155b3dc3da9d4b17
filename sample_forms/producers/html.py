"""The authorisation form as an HTML document, in several layouts.

The same HTML goes to headless Chromium (print to PDF) and to LibreOffice
Writer (imported as a Writer document, exported as PDF), so the two
producers lay out and encode the text their own ways. Options:

* ``layout``: ``table`` (label and value cells), ``stacked`` (value on the
  line under its label), ``inline`` ("Label: value" sentences, long values
  wrapping), ``grid`` (two label/value pairs on each row);
* ``labels``: ``plain``, ``colon``, ``upper``, ``numbered``, ``e-mail``;
* ``order``: ``spec`` or ``shuffled``;
* ``tick``: ``input`` (an HTML check box, Chromium), ``char`` (☒ / ☐),
  ``bracket`` ([x] / [ ]), ``boxed`` (a bordered box holding ✓);
* ``signature``: ``svg`` (pen strokes, Chromium), ``image`` (a PNG),
  ``typed`` (the name in a script face); an unsigned form leaves it empty;
* ``split``: a page break after the requester, with a running title;
* ``letter``: a covering letter page first.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence

from PIL import Image, ImageDraw

from sample_forms.draw import DECLARATION, LABELS, SHUFFLED_ORDER, SPEC_ORDER, TITLE

Values = Mapping[str, str | bool | None]

CSS = """
@page { size: A4; margin: 18mm 16mm; }
body { font-family: 'Liberation Sans', Arial, sans-serif; font-size: 10pt; }
h1 { font-size: 15pt; margin: 0 0 6pt 0; }
h2 { font-size: 11pt; margin: 12pt 0 4pt 0; }
p.intro { font-size: 9pt; }
table.form { border-collapse: collapse; width: 100%; }
table.form td { border: 1px solid #000; padding: 4pt 6pt; vertical-align: top; }
table.form td.label { width: 42%; font-weight: bold; }
table.grid { font-size: 9pt; table-layout: fixed; }
table.grid td.label { width: 27%; }
table.grid td.value { width: 23%; }
div.label { font-weight: bold; margin-top: 8pt; }
div.value { border-bottom: 1px solid #000; min-height: 12pt; padding: 2pt 0; }
p.inline { margin: 5pt 0; }
p.inline.narrow { width: 75mm; }
.sigbox { border: 1px solid #000; height: 40pt; width: 70mm; }
.script { font-family: 'DejaVu Serif', serif; font-style: italic; font-size: 16pt; }
.tick { font-family: 'DejaVu Sans', sans-serif; }
.box { display: inline-block; width: 10pt; height: 10pt; border: 1px solid #000;
       text-align: center; line-height: 10pt; font-family: 'DejaVu Sans', sans-serif; }
.pagebreak { page-break-before: always; break-before: page; }
"""


def signature_png(width: int = 260, height: int = 70) -> bytes:
    """A scribbled signature as a PNG (deterministic)."""
    image = Image.new("L", (width, height), 255)
    pen = ImageDraw.Draw(image)
    points = [(10, 50), (30, 15), (45, 55), (65, 20), (80, 50), (105, 25), (130, 45)]
    points += [(160, 20), (185, 50), (215, 30), (245, 40)]
    pen.line(points, fill=0, width=3, joint="curve")
    pen.line([(20, 60), (120, 58), (230, 62)], fill=0, width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


SVG_SIGNATURE = (
    '<svg width="200" height="50" viewBox="0 0 200 50"><path d="M5 35 C 20 0, 35 60, 55 20 '
    'S 85 45, 100 25 S 140 10, 160 30 S 185 40, 195 20" stroke="#000" stroke-width="2" '
    'fill="none"/><path d="M10 44 C 60 40, 120 48, 190 42" stroke="#000" stroke-width="1.5" '
    'fill="none"/></svg>'
)


def label(key: str, style: str, number: int) -> str:
    """The printed label of ``key`` in one of the label styles."""
    text = "Declaration" if key == "declaration" else LABELS[key]
    if style == "upper":
        return text.upper()
    if style == "numbered":
        return f"{number}. {text}"
    if style == "e-mail":
        return text.replace("email", "E-mail") + ":"
    if style == "colon":
        return text + ":"
    return text


def _text(value: object) -> str:
    return html.escape(value) if isinstance(value, str) else ""


def _signature(values: Values, options: Mapping[str, str], image_src: str) -> str:
    if not values["signature"]:
        return ""
    kind = options.get("signature", "typed")
    if kind == "svg":
        return SVG_SIGNATURE
    if kind == "image":
        return f'<img src="{image_src}" width="180" height="48" alt="signature">'
    return f'<span class="script">{_text(values["authoriser_name"])}</span>'


def _tick(ticked: bool, kind: str) -> str:
    if kind == "input":
        return f'<input type="checkbox"{" checked" if ticked else ""}>'
    if kind == "bracket":
        return "[x]" if ticked else "[ ]"
    if kind == "boxed":
        return f'<span class="box">{"✓" if ticked else "&nbsp;"}</span>'
    return f'<span class="tick">{"☒" if ticked else "☐"}</span>'


def _rows(values: Values, options: Mapping[str, str], image_src: str) -> list[tuple[str, str, str]]:
    """(key, label HTML, value HTML) in print order."""
    order = SHUFFLED_ORDER if options.get("order") == "shuffled" else SPEC_ORDER
    style = options.get("labels", "plain")
    out = []
    for number, key in enumerate(order, start=1):
        text = label(key, style, number)
        if key == "signature":
            value = f'<div class="sigbox">{_signature(values, options, image_src)}</div>'
        else:
            value = _text(values.get(key))
        out.append((key, html.escape(text), value))
    return out


def _body(rows: Sequence[tuple[str, str, str]], layout: str, split: bool) -> list[str]:
    parts: list[str] = []
    chunks = [list(rows)]
    if split:
        at = [key for key, _, _ in rows].index("requester_email") + 1
        chunks = [list(rows[:at]), list(rows[at:])]
    for i, chunk in enumerate(chunks):
        if i:
            parts.append(f'<h1 class="pagebreak">{TITLE} (continued)</h1>')
        if layout == "table":
            cells = "".join(
                f'<tr><td class="label" width="42%" valign="top">{lab}</td>'
                f'<td class="value" valign="top">{val}</td></tr>'
                for _, lab, val in chunk
            )
            parts.append(f'<table class="form">{cells}</table>')
        elif layout == "grid":
            cells = []
            for j in range(0, len(chunk), 2):
                pair = chunk[j : j + 2]
                tds = "".join(
                    f'<td class="label" width="27%" valign="top">{lab}</td>'
                    f'<td class="value" width="23%" valign="top">{val}</td>'
                    for _, lab, val in pair
                )
                cells.append(f"<tr>{tds}</tr>")
            parts.append(f'<table class="form grid">{"".join(cells)}</table>')
        elif layout == "stacked":
            parts.extend(
                f'<div class="label">{lab}</div><div class="value">{val or "&nbsp;"}</div>'
                for _, lab, val in chunk
            )
        else:
            parts.extend(
                f'<p class="inline narrow"><b>{lab}{"" if lab.endswith(":") else ":"}</b> {val}</p>'
                for _, lab, val in chunk
            )
    return parts


def form_html(values: Values, options: Mapping[str, str], image_src: str, first: bool) -> str:
    """One whole form (title to declaration) as an HTML fragment."""
    layout = options.get("layout", "table")
    rows = _rows(values, options, image_src)
    head = "" if first else ' class="pagebreak"'
    parts = [
        f"<h1{head}>{TITLE}</h1>",
        '<p class="intro">Use this form to ask PCSE to set up a User Administrator for your '
        "organisation. The person authorising must be a GP partner, the Caldicott Guardian, "
        "on the Authorised Email List, or a named ICB contact.</p>",
        *_body(rows, layout, options.get("split") == "yes"),
        f"<h2>{html.escape(label('declaration', options.get('labels', 'plain'), 16))}</h2>",
        f"<p>{_tick(bool(values['declaration']), options.get('tick', 'char'))}&nbsp;&nbsp;"
        f"{DECLARATION}</p>",
    ]
    return "\n".join(parts)


def letter_html(values: Values) -> str:
    """A short covering letter that names the form."""
    return (
        "<p><b>Practice letterhead</b></p><p>Dear PCSE team,</p>"
        f"<p>Please find enclosed the {TITLE} for {_text(values['org_name'])}. Do call the "
        "practice if anything is unclear.</p><p>Yours faithfully,</p><p>The Practice Manager</p>"
    )


def document(
    forms: Sequence[Values], options: Mapping[str, str], image_src: str | None = None
) -> str:
    """A whole HTML document: optional letter, then each form on its own page."""
    src = image_src or "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    body = []
    if options.get("letter") == "yes":
        body.append(letter_html(forms[0]))
    for i, values in enumerate(forms):
        fragment = form_html(values, options, src, first=i == 0 and not body)
        body.append(fragment)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{TITLE}</title><style>{CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
