"""Secret tokens (API tokens, status links): random, shown once, and kept
only as SHA-256, so a leaked database does not leak a usable token. Plain
Python: no database, no framework."""

from __future__ import annotations

import hashlib
import secrets


def token_hash(token: str) -> str:
    """The stored form of a token.

    >>> len(token_hash("abc"))
    64
    """
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str) -> str:
    """A fresh random token with a readable prefix (``itk_…`` for the API)."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"
