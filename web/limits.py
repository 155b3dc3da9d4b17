"""Rate limits (Flask-Limiter), counted in storage every web process shares.

With Redis configured the counters live there (``INTAKE_RATELIMIT_STORAGE_URL``,
default: the broker's Redis), so limits hold across processes and machines;
the single-machine default counts in memory of the one web process. While
that storage cannot be reached, each process counts in its own memory.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import TooManyRequests

from intake.accounts.tokens import token_hash

limiter = Limiter(key_func=get_remote_address, default_limits=[])

#: Default limits, per client address (the API: per token). Each can be
#: changed with the Flask config key ``RATELIMIT_<NAME>``.
DEFAULTS = {
    "LOGIN": "10 per minute",
    "UPLOAD": "30 per minute",
    # Per status link; and per address, much higher, only to bound a flood
    # (an office behind one address may have many links open).
    "STATUS": "120 per minute",
    "STATUS_ADDRESS": "1200 per minute",
    "API_WRITE": "120 per minute",
    "API_READ": "600 per minute",
}


def _configured(name: str):
    def value() -> str:
        return current_app.config.get(f"RATELIMIT_{name}", DEFAULTS[name])

    return value


LOGIN = _configured("LOGIN")
UPLOAD = _configured("UPLOAD")
STATUS = _configured("STATUS")
STATUS_ADDRESS = _configured("STATUS_ADDRESS")
API_WRITE = _configured("API_WRITE")
API_READ = _configured("API_READ")


def api_key() -> str:
    """Limit the API per token (by its hash: tokens never reach the storage),
    else per address."""
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    return f"token:{token_hash(token)[:24]}" if token else get_remote_address()


def status_link() -> str:
    """Limit a status page per link (by its hash), not per address: behind
    one proxy or office address, each requester has a budget of their own."""
    token = (request.view_args or {}).get("token", "")
    return f"status:{token_hash(token)[:24]}"


def init_app(app: Flask, storage_url: str) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage_url)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # When the shared storage is down (Redis restarting), count in this
    # process's memory until it is back, rather than answer 500: a limit
    # kept per process for a while is better than no service.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    limiter.init_app(app)
    # The limiter is one object for the process; an app made after another
    # whose storage went down must start with its own storage taken as alive.
    limiter._storage_dead = False

    # The API answers its own 429 in JSON (web.api); this is the pages'.
    @app.errorhandler(TooManyRequests)
    def _too_many(error: TooManyRequests):
        return render_template("too_many.html", limit=error.description), 429
