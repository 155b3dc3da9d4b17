"""Cross-cutting web security: CSRF on every form, cookie flags, headers,
and no control characters at any door."""

from __future__ import annotations

import unicodedata

from flask import Flask, Response, abort, current_app, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

#: Only this site's own scripts, styles and images; no framing; forms post here.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


#: Flask config the factory starts from (a caller's config may override it).
#: Flask's own defaults are lax, so these must be set before the caller's
#: config, not with ``setdefault`` afterwards. Browsers keep Secure cookies
#: over plain http on localhost/127.0.0.1 only: serve anything else over https.
COOKIE_CONFIG = {
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # a form's token is valid for the session's life
}


def init_app(app: Flask) -> None:
    """Turn on CSRF protection, strict cookies and security headers."""
    for key, value in COOKIE_CONFIG.items():
        app.config.setdefault(key, value)
    csrf.init_app(app)
    app.before_request(_refuse_control_characters)

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # Status links carry their secret in the path: never send it onwards.
        headers.setdefault("Referrer-Policy", "no-referrer")
        # Pages, JSON and page images carry personal data: no cache keeps
        # them. Only the design system's files may be kept.
        if not request.path.startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")
        if _served_over_https():
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def _served_over_https() -> bool:
    public_url = current_app.extensions["intake"].settings.public_url or ""
    return public_url.startswith("https://")


#: The control characters a form's text may hold (tab and line ends).
_ALLOWED_CONTROLS = frozenset("\t\r\n")


def _has_control(text: str) -> bool:
    """
    >>> _has_control("Sarah Collins"), _has_control("a\\x00b"), _has_control("line\\r\\nend")
    (False, True, False)
    """
    return any(unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS for c in text)


def _refuse_control_characters() -> None:
    """A NUL or other control character in the path, the query or a form
    field is 400 at every door, before anything reads it (a database would
    refuse it later with a 500). Uploaded files are not text and are not
    looked at here."""
    fields = [request.path]
    fields += [part for key, value in request.args.items(multi=True) for part in (key, value)]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += [part for key, value in request.form.items(multi=True) for part in (key, value)]
    if any(_has_control(field) for field in fields):
        abort(400, "The request holds a control character (such as NUL); nothing was done.")
