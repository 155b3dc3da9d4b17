"""Mail no one should answer: bounces, auto-replies and list mail (RFC 3834).

A bounce (a delivery report, an empty ``Return-Path``, a mail daemon) is
not taken at all: it carries someone else's message, not a form. Other
automated mail (``Auto-Submitted``, ``Precedence: bulk``, a mailing list)
may still carry forms: a scan-to-email printer often marks its mail
``auto-generated``. Its PDFs are taken; it is simply never replied to.
"""

from __future__ import annotations

from collections.abc import Callable

BOUNCE = "bounce"
AUTO_REPLY = "auto-reply"
LIST = "list"

_DAEMONS = ("mailer-daemon", "postmaster")


def automated_kind(header: Callable[[str], str], sender: str | None) -> str | None:
    """``"bounce"``, ``"auto-reply"``, ``"list"`` or ``None`` for mail a
    person sent. ``header(name)`` returns a header's value or ``""``.

    >>> h = {"auto-submitted": "auto-replied"}
    >>> automated_kind(lambda name: h.get(name.lower(), ""), "a@b.org")
    'auto-reply'
    >>> automated_kind(lambda name: "", "MAILER-DAEMON@b.org")
    'bounce'
    >>> automated_kind(lambda name: "", "a@b.org") is None
    True
    """
    return_path = header("Return-Path").strip()
    content_type = header("Content-Type").strip().lower()
    local_part = (sender or "").rpartition("@")[0].lower()
    if (
        return_path.replace(" ", "") == "<>"
        or local_part in _DAEMONS
        or content_type.startswith("multipart/report")
    ):
        return BOUNCE
    auto_submitted = header("Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return AUTO_REPLY
    if header("X-Autoreply") or header("X-Autorespond"):
        return AUTO_REPLY
    precedence = header("Precedence").strip().lower()
    if precedence == "auto_reply":
        return AUTO_REPLY
    if precedence in ("bulk", "junk", "list"):
        return LIST
    if header("List-Id") or header("List-Unsubscribe") or header("List-Post"):
        return LIST
    return None
