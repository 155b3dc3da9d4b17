"""What our own mail server says about a message's sender (RFC 8601).

Anyone can write an ``Authentication-Results`` header into a message, so
only one whose authserv-id is our own receiving server's
(``INTAKE_MAIL_AUTHSERV_ID``) counts, and only the topmost such header (the
one our server added last; RFC 8601 §5 has it remove any it did not add).
With no authserv-id configured nothing is checked and every sender is
``unchecked``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

PASS = "pass"
FAIL = "fail"
#: Our server vouches for the From domain (DMARC passed).
VERIFIED = "verified"
#: Our server said nothing either way (no header of ours, or none checked).
UNVERIFIED = "unverified"
#: A checked method failed: the From address is probably forged.
FAILED = "failed"
#: No authserv-id is configured: nothing was looked at.
UNCHECKED = "unchecked"

_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*=\s*([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Authentication:
    """Our server's verdict on one message, as stored on its inbound record."""

    verdict: str
    #: ``{"dmarc": "fail", "spf": "pass", "dkim": "pass"}`` from our header.
    results: dict[str, str] = field(default_factory=dict)

    def as_detail(self) -> dict[str, object]:
        """The JSON kept on the inbound message record."""
        return {"verdict": self.verdict, **({"results": self.results} if self.results else {})}


def parse(value: str) -> tuple[str, dict[str, str]]:
    """``(authserv-id, {method: result})`` of one header's value; of several
    results for one method (two DKIM signatures), a pass wins.

    >>> parse("mx.example.org; spf=pass smtp.mailfrom=a.org; "
    ...       "dkim=fail (bad sig) header.d=a.org; dkim=pass header.d=a.org; "
    ...       "dmarc=fail (p=reject) header.from=a.org")
    ('mx.example.org', {'spf': 'pass', 'dkim': 'pass', 'dmarc': 'fail'})
    >>> parse("mx.example.org 1; none")
    ('mx.example.org', {})
    """
    text = value
    for _ in range(5):  # nested comments, a few levels
        text = _COMMENT.sub(" ", text)
    head, _, rest = text.partition(";")
    authserv_id = (head.split() or [""])[0].lower()
    results: dict[str, str] = {}
    for part in rest.split(";"):
        found = _RESULT.match(part)
        if found is None:
            continue
        method, result = found.group(1).lower(), found.group(2).lower()
        if results.get(method) != PASS:
            results[method] = result
    return authserv_id, results


def judge(
    headers: Sequence[str], authserv_id: str | None, fail_on: Iterable[str] = ("dmarc",)
) -> Authentication:
    """Our server's verdict from a message's ``Authentication-Results``
    headers (topmost first).

    >>> h = ["evil.example; dmarc=pass", "mx.pcse.example; dmarc=fail header.from=nhs.net"]
    >>> judge(h, "mx.pcse.example").verdict
    'failed'
    >>> judge(["mx.pcse.example; spf=fail; dmarc=pass"], "mx.pcse.example").verdict
    'verified'
    >>> judge(["mx.pcse.example; spf=fail; dmarc=none"], "mx.pcse.example", ["spf"]).verdict
    'failed'
    >>> judge(h[:1], "mx.pcse.example").verdict
    'unverified'
    >>> judge(h, None).verdict
    'unchecked'
    """
    if not authserv_id:
        return Authentication(UNCHECKED)
    for value in headers:
        server, results = parse(value)
        if server != authserv_id.lower():
            continue
        if any(results.get(method) == FAIL for method in fail_on):
            return Authentication(FAILED, results)
        if results.get("dmarc") == PASS:
            return Authentication(VERIFIED, results)
        return Authentication(UNVERIFIED, results)
    return Authentication(UNVERIFIED)
