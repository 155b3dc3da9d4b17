"""Header text in the charset its sender meant.

Mail clients still send headers that are not RFC 2047 clean: raw 8-bit
bytes in a Subject or a file name (Outlook in windows-1252, old clients in
latin-1), or encoded-words naming a charset Python does not know
(``unknown-8bit``). Python's parser turns each such byte into "�", and
that would come back to the sender in our reply. Raw bytes are read as
UTF-8 when they are valid UTF-8, else in the charset the message declares
for its text, else windows-1252 (a superset of latin-1's printable
characters); an unknown charset in an encoded-word is read as
windows-1252 too.
"""

from __future__ import annotations

import codecs
import re

FALLBACK = "windows-1252"
_ENCODED_WORD_CHARSET = re.compile(rb"=\?([^?\s*]{1,75})(\*[^?\s]{0,20})?\?([bBqQ])\?")
_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:+-]{1,40})""", re.IGNORECASE)


def known(charset: str | None) -> str | None:
    """The codec's canonical name for a charset, or ``None`` when unknown.

    >>> known("ISO-8859-1"), known("unknown-8bit"), known(None)
    ('iso8859-1', None, None)
    """
    if not charset:
        return None
    try:
        return codecs.lookup(charset.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None


def declared(content_type: bytes) -> str | None:
    """The charset a raw Content-Type header declares, when Python knows it.

    >>> declared(b'text/plain; charset="ISO-8859-15"')
    'iso8859-15'
    """
    found = _CHARSET_PARAM.search(content_type)
    return known(found.group(1).decode("ascii")) if found else None


def decode_8bit(raw: bytes, charset: str | None = None) -> str:
    """Raw header bytes as text: UTF-8 if they are, else ``charset``, else
    windows-1252 (latin-1 for the few bytes windows-1252 leaves undefined).

    >>> decode_8bit(b"Caf\\xc3\\xa9"), decode_8bit(b"Caf\\xe9 \\x93x\\x94")
    ('Café', 'Café “x”')
    >>> decode_8bit(b"\\xa4", "iso8859-15")
    '€'
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for codec in (known(charset), FALLBACK):
        if codec and codec not in ("utf-8", "ascii"):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                continue
    return raw.decode("latin-1")


def clean_header(raw: bytes, charset: str | None = None) -> bytes:
    """A raw header made safe to parse: 8-bit bytes become UTF-8 (which
    Python's parser reads as such), and encoded-words in an unknown charset
    are relabelled windows-1252.

    >>> clean_header(b"Subject: Caf\\xe9")
    b'Subject: Caf\\xc3\\xa9'
    >>> clean_header(b"Subject: =?unknown-8bit?q?Caf=E9?=")
    b'Subject: =?windows-1252?q?Caf=E9?='
    """
    if not raw.isascii():
        raw = decode_8bit(raw, charset).encode("utf-8")
    return _ENCODED_WORD_CHARSET.sub(_relabel, raw)


def _relabel(found: re.Match[bytes]) -> bytes:
    charset = found.group(1).decode("ascii", "replace")
    if known(charset):
        return found.group(0)
    return b"=?" + FALLBACK.encode() + b"?" + found.group(3) + b"?"
