"""OAuth 2.0 for the mailbox and the SMTP server (Microsoft 365 / NHSmail).

Exchange Online takes no passwords for IMAP; the service signs in with
SASL XOAUTH2 and an access token it gets for itself by the client-credentials
grant (RFC 6749 4.4) from the tenant's token endpoint, with Authlib. A token
is kept per process and fetched again :data:`REFRESH_BEFORE` before it
expires, so a poll never signs in with one about to lapse.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from authlib.integrations.requests_client import OAuth2Session

#: A token is fetched again this long before it expires (seconds).
REFRESH_BEFORE = 300
#: How long the token endpoint may take (seconds).
TOKEN_TIMEOUT_S = 30

_tokens: dict[OAuthClient, tuple[str, float]] = {}
_lock = threading.Lock()


class TokenFailed(Exception):
    """The token endpoint gave no access token."""


@dataclass(frozen=True)
class OAuthClient:
    """A confidential client registered with the mailbox's identity provider.

    For Microsoft 365: ``token_url``
    ``https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`` and
    scope ``https://outlook.office365.com/.default``.
    """

    token_url: str
    client_id: str
    client_secret: str
    scope: str

    def __repr__(self) -> str:  # never the secret, in logs or tracebacks
        return f"OAuthClient({self.token_url!r}, client_id={self.client_id!r})"


def access_token(client: OAuthClient) -> str:
    """An access token for ``client``: the kept one while it has more than
    :data:`REFRESH_BEFORE` seconds left, else a new one."""
    with _lock:
        kept = _tokens.get(client)
        if kept is not None and kept[1] - REFRESH_BEFORE > time.time():
            return kept[0]
        token, expires_at = _fetch(client)
        _tokens[client] = (token, expires_at)
        return token


def forget(client: OAuthClient) -> None:
    """Drop the kept token (the server refused it)."""
    with _lock:
        _tokens.pop(client, None)


def xoauth2(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response, before base64.

    >>> xoauth2("intake@nhs.net", "t0k")
    'user=intake@nhs.net\\x01auth=Bearer t0k\\x01\\x01'
    """
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def _fetch(client: OAuthClient) -> tuple[str, float]:
    session = OAuth2Session(
        client.client_id,
        client.client_secret,
        scope=client.scope,
        token_endpoint_auth_method="client_secret_post",
    )
    try:
        token = session.fetch_token(
            client.token_url, grant_type="client_credentials", timeout=TOKEN_TIMEOUT_S
        )
    except Exception as exc:
        raise TokenFailed(f"no token from {client.token_url}: {exc}") from exc
    finally:
        session.close()
    if not token.get("access_token"):
        raise TokenFailed(f"no access token from {client.token_url}")
    expires_at = token.get("expires_at") or time.time() + float(token.get("expires_in", 3600))
    return str(token["access_token"]), float(expires_at)
