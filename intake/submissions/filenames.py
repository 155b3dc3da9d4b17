"""A requester's file name as safe display text, wherever it is shown.

A file name comes from whoever sent the file, so it may carry characters
that change how the text around them is drawn: a right-to-left override
(U+202E) makes ``x\\u202Egpj.exe.pdf`` display as ``xfdp.exe.jpg``. Pages,
JSON answers and mails all show names through :func:`display_filename`.
"""

from __future__ import annotations

import unicodedata

#: The bidirectional controls (embeddings, overrides, isolates, marks).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
#: Unicode categories that are never shown as themselves: controls, format
#: characters (the bidi controls, zero-width ones), line and paragraph
#: separators, surrogates and unassigned code points.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})

MAX_LENGTH = 255


def display_filename(name: str | None, *, default: str = "upload.pdf") -> str:
    """``name`` without any path, control or bidi character, on one line,
    at most :data:`MAX_LENGTH` characters (``default`` if nothing is left).

    >>> display_filename("x\\u202Egpj.exe.pdf")
    'xgpj.exe.pdf'
    >>> display_filename("C:\\\\Users\\\\me\\\\form\\t1.pdf")
    'form 1.pdf'
    >>> display_filename("../../etc/passwd\\x00.pdf")
    'passwd.pdf'
    >>> display_filename("\\u2067\\u2069")
    'upload.pdf'
    """
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for ch in text:
        if ch in BIDI_CONTROLS:
            continue
        if ch.isspace():
            kept.append(" ")
        elif unicodedata.category(ch) not in _HIDDEN:
            kept.append(ch)
    shown = " ".join("".join(kept).split())
    return (shown or default)[:MAX_LENGTH]
