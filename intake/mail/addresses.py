"""One plain email address from a header's value."""

from __future__ import annotations

import re
from email.utils import getaddresses

_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"\\]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def plain_address(value: str) -> str | None:
    """The one plain address in a From header, or ``None`` when there is not
    exactly one well-formed address.

    >>> plain_address('"Emma Wilson" <Emma.Wilson@NHS.net>')
    'emma.wilson@nhs.net'
    >>> plain_address("a@b.org, c@d.org") is None
    True
    >>> plain_address("someone@localhost\\r\\nBcc: x@y.org") is None
    True
    """
    if "\r" in value or "\n" in value:
        return None
    pairs = [addr for _, addr in getaddresses([value]) if addr]
    if len(pairs) != 1 or len(pairs[0]) > 254 or not _ADDRESS.fullmatch(pairs[0]):
        return None
    return pairs[0].lower()
