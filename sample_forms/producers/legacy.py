"""A word-processor form with legacy form fields, exported to PDF by LibreOffice.

The form is a ``.docx`` as Word saves a protected form: a two-column table
whose value cells are legacy text form fields (``FORMTEXT``, filled in),
the declaration a legacy check box (``FORMCHECKBOX``) and the signature a
typed name in a form field set in a script face; optionally the role,
request type and capacity are legacy drop-downs (``FORMDROPDOWN``).
LibreOffice Writer opens it and exports the PDF (it draws the fields'
values as page text and the check box as lines; it makes no PDF widgets).
"""

from __future__ import annotations

import io
import os
import pathlib
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Mapping
from xml.sax.saxutils import escape

from sample_forms.draw import DECLARATION, LABELS, SPEC_ORDER, TITLE
from sample_forms.producers.tools import TIMEOUT
from sample_forms.scenarios import CAPACITIES

Values = Mapping[str, str | bool | None]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/settings" Target="settings.xml"/></Relationships>'
)
#: A form protected for filling in, its fields shaded on screen, as Word saves it.
SETTINGS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w="{W}">'
    '<w:documentProtection w:edit="forms" w:enforcement="1"/>'
    '<w:defaultTabStop w:val="720"/></w:settings>'
)
FONT = '<w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:sz w:val="20"/>'
SCRIPT = '<w:rFonts w:ascii="DejaVu Serif" w:hAnsi="DejaVu Serif"/><w:i/><w:sz w:val="32"/>'
#: The drop-downs' entries, as the form prints them.
CHOICES = {
    "role": (
        "GPP Practice User Administrator",
        "PL Organisation User Administrator",
        "Opto User Management (Organisation)",
        "Main Contact",
    ),
    "request_type": ("New", "Update", "Remove"),
    "authoriser_capacity": tuple(CAPACITIES.values()),
}


def _run(text: str, props: str = FONT) -> str:
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _field(name: str, kind: str, result: str, props: str = FONT) -> str:
    """A legacy form field: begin (with its ffData), instruction, result, end."""
    code = {"<w:checkBox": "FORMCHECKBOX", "<w:ddList": "FORMDROPDOWN"}.get(kind[:11], "FORMTEXT")
    begin = (
        f'<w:r><w:rPr>{props}</w:rPr><w:fldChar w:fldCharType="begin"><w:ffData>'
        f'<w:name w:val="{name}"/><w:enabled/><w:calcOnExit w:val="0"/>{kind}'
        "</w:ffData></w:fldChar></w:r>"
        f'<w:r><w:rPr>{props}</w:rPr><w:instrText xml:space="preserve"> {code} </w:instrText></w:r>'
    )
    if code == "FORMCHECKBOX":
        return begin + f'<w:r><w:rPr>{props}</w:rPr><w:fldChar w:fldCharType="end"/></w:r>'
    return (
        begin
        + f'<w:r><w:rPr>{props}</w:rPr><w:fldChar w:fldCharType="separate"/></w:r>'
        + _run(result, props)
        + f'<w:r><w:rPr>{props}</w:rPr><w:fldChar w:fldCharType="end"/></w:r>'
    )


def _cell(content: str, width: int, bold: bool = False) -> str:
    props = "<w:b/>" if bold else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
        f'<w:p><w:pPr><w:spacing w:before="60" w:after="60"/><w:rPr>{props}</w:rPr></w:pPr>'
        f"{content}</w:p></w:tc>"
    )


def _dropdown(key: str, value: str) -> str:
    entries = CHOICES[key]
    items = "".join(f'<w:listEntry w:val="{escape(e)}"/>' for e in entries)
    return f'<w:ddList><w:result w:val="{entries.index(value)}"/>{items}</w:ddList>'


def document_xml(values: Values, dropdowns: bool = False) -> str:
    """The body of the form: title, field table, declaration with its check box."""
    rows = []
    for number, key in enumerate(SPEC_ORDER, start=1):
        name = f"Text{number}"
        if key == "signature":
            typed = str(values["authoriser_name"]) if values["signature"] else ""
            value = _field("Signature", "<w:textInput/>", typed or "\u2002" * 5, SCRIPT)
        elif dropdowns and key in CHOICES:
            choice = str(values[key])
            value = _field(f"Dropdown{number}", _dropdown(key, choice), choice)
        else:
            text = values.get(key)
            blank = "\u2002" * 5  # Word's five-space placeholder for an empty field
            value = _field(name, "<w:textInput/>", text if isinstance(text, str) else blank)
        label = _run(LABELS[key], FONT.replace("<w:sz", "<w:b/><w:sz"))
        rows.append(f"<w:tr>{_cell(label, 3800, True)}{_cell(value, 5600)}</w:tr>")
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    table = (
        f'<w:tbl><w:tblPr><w:tblW w:w="9400" w:type="dxa"/><w:tblBorders>{borders}'
        '</w:tblBorders></w:tblPr><w:tblGrid><w:gridCol w:w="3800"/><w:gridCol w:w="5600"/>'
        f"</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
    ticked = "<w:checked/>" if values["declaration"] else ""
    box = f'<w:checkBox><w:sizeAuto/><w:default w:val="0"/>{ticked}</w:checkBox>'
    title = _run(TITLE, '<w:rFonts w:ascii="Arial" w:hAnsi="Arial"/><w:b/><w:sz w:val="30"/>')
    intro = _run(
        "Use this form to ask PCSE to set up a User Administrator for your organisation. "
        "Press Tab to move between the grey fields."
    )
    declaration = _run("Declaration", FONT.replace("<w:sz", "<w:b/><w:sz"))
    body = (
        f'<w:p><w:pPr><w:spacing w:after="120"/></w:pPr>{title}</w:p>'
        f'<w:p><w:pPr><w:spacing w:after="200"/></w:pPr>{intro}</w:p>'
        f"{table}"
        f'<w:p><w:pPr><w:spacing w:before="240"/></w:pPr>{declaration}</w:p>'
        f"<w:p>{_field('Check1', box, '')}{_run('  ' + DECLARATION)}</w:p>"
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" '
        'w:bottom="1134" w:left="1134" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )


def docx(values: Values, dropdowns: bool = False) -> bytes:
    """The filled form as a ``.docx`` package (fixed timestamps, so repeatable)."""
    out = io.BytesIO()
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "word/_rels/document.xml.rels": DOCUMENT_RELS,
        "word/document.xml": document_xml(values, dropdowns),
        "word/settings.xml": SETTINGS,
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in parts.items():
            package.writestr(zipfile.ZipInfo(name, (2026, 11, 1, 9, 0, 0)), text)
    return out.getvalue()


def writer_pdf(values: Values, dropdowns: bool = False) -> bytes:
    """The ``.docx`` exported to PDF by LibreOffice Writer."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        raise RuntimeError("soffice is not installed; it is needed to regenerate this producer")
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        (folder / "form.docx").write_bytes(docx(values, dropdowns))
        subprocess.run(
            [
                binary,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(folder / "out"),
                str(folder / "form.docx"),
            ],
            check=True,
            capture_output=True,
            timeout=TIMEOUT,
            env={**os.environ, "HOME": str(folder)},
        )
        return (folder / "out" / "form.pdf").read_bytes()
