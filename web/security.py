"""Cross-cutting web security: CSRF on every form, cookie flags, and headers."""

from __future__ import annotations

from flask import Flask, Response
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

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # Status links carry their secret in the path: never send it onwards.
        headers.setdefault("Referrer-Policy", "no-referrer")
        if response.mimetype == "text/html":
            headers.setdefault("Cache-Control", "no-store")
        return response
