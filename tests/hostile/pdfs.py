"""Hostile PDFs, built byte by byte by the tests (nothing committed)."""

from __future__ import annotations

import zlib


def assemble(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF whose objects are numbered 1..n in order, with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _page_with_content(content_obj: bytes, extra_resources: bytes = b"") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << " + extra_resources + b" >> >>",
        content_obj,
    ]


def _stream(data: bytes, filters: bytes) -> bytes:
    return b"<< /Length %d /Filter %s >>\nstream\n" % (len(data), filters) + data + b"\nendstream"


def _deflate_zeros(size: int) -> bytes:
    packer = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    parts = [packer.compress(chunk) for _ in range(size >> 20)]
    return b"".join(parts) + packer.flush()


def flate_bomb(size: int = 3 << 30) -> bytes:
    """One content stream that inflates to ``size`` bytes (3 GB by default)."""
    return assemble(_page_with_content(_stream(_deflate_zeros(size), b"/FlateDecode")))


def nested_flate_bomb(size: int = 3 << 30) -> bytes:
    """The same bomb deflated twice: a few kilobytes on disk."""
    twice = zlib.compress(_deflate_zeros(size), 9)
    return assemble(_page_with_content(_stream(twice, b"[/FlateDecode /FlateDecode]")))


def xref_prev_loop() -> bytes:
    """A trailer whose /Prev points back at its own xref table."""
    body = assemble(_page_with_content(_stream(b"BT ET", b"[]")))
    start = int(body.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    return body.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % start)


def circular_xobjects() -> bytes:
    """Two form XObjects that draw each other, forever."""
    content = _stream(b"/X1 Do", b"[]")
    objects = _page_with_content(content, b"/XObject << /X1 5 0 R >>")
    objects.append(
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject "
        b"<< /X2 6 0 R >> >> /Length 6 >>\nstream\n/X2 Do\nendstream"
    )
    objects.append(
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject "
        b"<< /X1 5 0 R >> >> /Length 6 >>\nstream\n/X1 Do\nendstream"
    )
    return assemble(objects)


def deep_nesting(depth: int = 200_000) -> bytes:
    """An array nested ``depth`` levels deep in the page dictionary."""
    nested = b"[" * depth + b"]" * depth
    objects = _page_with_content(_stream(b"BT ET", b"[]"))
    objects[2] = objects[2][:-2] + b" /Junk " + nested + b" >>"
    return assemble(objects)


def many_pages(count: int = 10_000) -> bytes:
    """``count`` empty pages."""
    kids = b" ".join(b"%d 0 R" % (3 + n) for n in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * count
    return assemble(objects)


def script_in_text() -> bytes:
    """A text page whose words are an HTML script tag."""
    text = b"BT /F1 12 Tf 72 700 Td (<script>alert(1)</script>) Tj ET"
    return assemble(
        _page_with_content(
            _stream(text, b"[]"),
            b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>",
        )
    )


def slow_page(operators: int = 400_000) -> bytes:
    """One page with a great many tiny strokes: slow to interpret."""
    content = b"0 0 m 1 1 l S\n" * operators
    return assemble(_page_with_content(_stream(content, b"[]")))
