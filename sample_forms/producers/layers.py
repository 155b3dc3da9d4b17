"""Text layers that do not say what the page shows.

* ``sandwich``: a scan with tesseract's invisible OCR text over the image
  (tesseract's own PDF renderer, text in render mode 3). An honest one reads
  its own image; a lying one lays the text-only OCR of *another* form over
  the image, so the hidden words sit where the visible values are.
* ``outlines``: Ghostscript's pdfwrite with ``-dNoOutputFonts``: every glyph
  becomes a filled path, and there is no text at all.
* ``broken_fonts``: every ``/ToUnicode`` CMap removed (extraction gives CIDs
  or glyph-code garbage), or rewritten to shift letters and digits (the text
  layer reads as plausible nonsense). The page looks the same either way.

Only regenerating needs the tools (Debian ``tesseract-ocr`` with ``eng``,
``ghostscript``).
"""

from __future__ import annotations

import io
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

import pypdf
from PIL import Image
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from sample_forms.producers import scans
from sample_forms.producers.tools import TIMEOUT


def _run(name: str, args: list[str], folder: pathlib.Path) -> None:
    binary = shutil.which(name)
    if binary is None:
        raise RuntimeError(f"{name} is not installed; it is needed to regenerate this producer")
    subprocess.run(
        [binary, *args],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
        cwd=folder,
        env={**os.environ, "HOME": str(folder), "OMP_THREAD_LIMIT": "1"},
    )


def _tesseract_pdf(image: Image.Image, dpi: int, text_only: bool) -> bytes:
    """tesseract's searchable PDF of one page image (image + text, or text only)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        # A JPEG is embedded as it is, so the page image is the scan's own bytes.
        image.save(folder / "page.jpg", "JPEG", quality=80, dpi=(dpi, dpi))
        flag = f"textonly_pdf={int(text_only)}"
        _run("tesseract", ["page.jpg", "out", "-l", "eng", "-c", flag, "pdf"], folder)
        return (folder / "out.pdf").read_bytes()


def honest_sandwich(pdf: bytes, dpi: int, angle: float, seed: int) -> bytes:
    """``pdf`` scanned, with the OCR of the same image as its hidden text layer."""
    (page,) = scans.scan_pages(pdf, dpi, angle, seed)
    return _tesseract_pdf(page, dpi, text_only=False)


def lying_sandwich(seen: bytes, hidden: bytes, dpi: int, angle: float, seed: int) -> bytes:
    """The scan of ``seen``, under the invisible OCR text of ``hidden``.

    Both forms share a layout and are scanned alike, so each hidden word lies
    over the visible word in the same place.
    """
    (visible,) = scans.scan_pages(seen, dpi, angle, seed)
    (other,) = scans.scan_pages(hidden, dpi, angle, seed)
    image = pypdf.PdfReader(io.BytesIO(scans.image_pdf([visible], dpi)))
    writer = pypdf.PdfWriter(clone_from=image)
    layer = pypdf.PdfReader(io.BytesIO(_tesseract_pdf(other, dpi, text_only=True))).pages[0]
    writer.pages[0].merge_page(layer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def outlined(pdf: bytes) -> bytes:
    """``pdf`` rewritten by Ghostscript with every glyph turned into a path."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        (folder / "in.pdf").write_bytes(pdf)
        args = ["-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", "-dNoOutputFonts"]
        _run("gs", [*args, "-o", "out.pdf", "in.pdf"], folder)
        return (folder / "out.pdf").read_bytes()


def _fonts(writer: pypdf.PdfWriter):
    """Every font dictionary on every page (and in its form XObjects)."""
    seen: set[int] = set()

    def walk(resources):
        resources = resources.get_object() if resources is not None else DictionaryObject()
        for font in (resources.get("/Font") or DictionaryObject()).get_object().values():
            font = font.get_object()
            if id(font) not in seen:
                seen.add(id(font))
                yield font
        for xobject in (resources.get("/XObject") or DictionaryObject()).get_object().values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                yield from walk(xobject.get("/Resources"))

    for page in writer.pages:
        yield from walk(page.get("/Resources"))


def without_tounicode(pdf: bytes) -> bytes:
    """``pdf`` with every font's ``/ToUnicode`` removed."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    for font in _fonts(writer):
        font.pop(NameObject("/ToUnicode"), None)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _shift(char: str) -> str:
    for first, span, step in (("a", 26, 7), ("A", 26, 7), ("0", 10, 3)):
        offset = ord(char) - ord(first)
        if 0 <= offset < span:
            return chr(ord(first) + (offset + step) % span)
    return char


def _mapping(cmap: str) -> dict[int, str]:
    """The code-to-text map of a ToUnicode CMap (bfchar and bfrange entries)."""

    def text(hexes: str) -> str:
        return bytes.fromhex(hexes).decode("utf-16-be")

    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, dest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(code, 16)] = text(dest)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dest in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block
        ):
            start, end = int(lo, 16), int(hi, 16)
            if dest.startswith("["):
                items = re.findall(r"<([^>]*)>", dest)
                for code, item in zip(range(start, end + 1), items, strict=True):
                    out[code] = text(item)
            else:
                first = text(dest[1:-1])
                for code in range(start, end + 1):
                    out[code] = first[:-1] + chr(ord(first[-1]) + code - start)
    return out


def _cmap(spaces: str, mapping: dict[int, str], width: int) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        spaces.strip(),
    ]
    items = sorted(mapping.items())
    for i in range(0, len(items), 100):
        chunk = items[i : i + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(
            f"<{code:0{width}X}> <{text.encode('utf-16-be').hex().upper()}>" for code, text in chunk
        )
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return ("\n".join(lines) + "\n").encode("ascii")


def shifted_tounicode(pdf: bytes) -> bytes:
    """``pdf`` with every ToUnicode CMap mapping letters 7 and digits 3 places on."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    for font in _fonts(writer):
        if "/ToUnicode" not in font:
            continue
        cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        spaces = re.search(r"\d+\s+begincodespacerange.*?endcodespacerange", cmap, re.S)
        width = len(re.search(r"<([0-9A-Fa-f]+)>", spaces.group(0)).group(1))
        mapping = {code: "".join(_shift(c) for c in text) for code, text in _mapping(cmap).items()}
        stream = DecodedStreamObject()
        stream.set_data(_cmap(spaces.group(0), mapping, width))
        font[NameObject("/ToUnicode")] = writer._add_object(stream.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
