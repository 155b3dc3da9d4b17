"""Mail no one should answer: bounces, auto-replies and list mail (RFC 3834).

A bounce (a delivery report, an empty ``Return-Path``, a mail daemon) is
not taken at all: it carries someone else's message, not a form. Other
automated mail (``Auto-Submitted``, ``Precedence: bulk``, a mailing list)
may still carry forms: a scan-to-email printer often marks its mail
``auto-generated``. Its PDFs are taken; it is simply never replied to.
"""

from __future__ import annotations

import re
from collections.abc import Callable

BOUNCE = "bounce"
AUTO_REPLY = "auto-reply"
LIST = "list"

_DAEMONS = ("mailer-daemon", "postmaster")
#: Headers autoresponders set instead of RFC 3834's ``Auto-Submitted``.
_AUTOREPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-Mail-Autoreply")
#: Subjects of out-of-office replies (English, and Outlook's few others).
_AUTOREPLY_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?(reply|response)|out of (the )?office|"
    r"autoreply|away from (my|the) office|abwesenheitsnotiz|r[ée]ponse automatique)\b",
    re.IGNORECASE,
)


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
    auto_submitted = re.split(r"[\s;(]", header("Auto-Submitted").strip().lower(), maxsplit=1)[0]
    if auto_submitted and auto_submitted != "no":
        return AUTO_REPLY
    if any(header(name).strip() for name in _AUTOREPLY_HEADERS):
        return AUTO_REPLY
    precedence = header("Precedence").strip().lower()
    if precedence == "auto_reply":
        return AUTO_REPLY
    if precedence in ("bulk", "junk", "list"):
        return LIST
    if header("List-Id") or header("List-Unsubscribe") or header("List-Post"):
        return LIST
    return None


def autoreply_hint(header: Callable[[str], str], subject: str) -> str:
    """Why a message without RFC 3834 headers still looks like an
    autoresponder's, or ``""``: Exchange's ``X-Auto-Response-Suppress``
    (set on its own out-of-office replies) or an out-of-office subject.

    Such mail is never refused (a refusal to an autoresponder answers
    itself for ever); a form it carries is still taken and acknowledged.

    >>> autoreply_hint(lambda name: "", "Automatic reply: Authorisation forms")
    'an out-of-office subject'
    >>> h = {"x-auto-response-suppress": "All"}
    >>> autoreply_hint(lambda name: h.get(name.lower(), ""), "Re: forms")
    'X-Auto-Response-Suppress: All'
    >>> autoreply_hint(lambda name: "", "Re: the forms")
    ''
    """
    suppress = header("X-Auto-Response-Suppress").strip()
    if suppress:
        return f"X-Auto-Response-Suppress: {suppress[:60]}"
    if _AUTOREPLY_SUBJECT.match(subject):
        return "an out-of-office subject"
    return ""
