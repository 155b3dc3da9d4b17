"""When the database cannot be reached: 503 with ``Retry-After``, never 500.

A PostgreSQL restart or a full disk is a moment, not a bug: every door
answers "try again shortly" in its own form (a page, or the API's JSON
error), and nothing is left half-stored (``accept`` removes the stored file
when its rows cannot be committed; a broker outage never reaches here, since
the sweeper sends what could not be queued).
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from web.api import error_response

log = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER_S = 30


def init_app(app: Flask) -> None:
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def _unavailable(error: Exception):
        log.warning("database unavailable on %s %s: %s", request.method, request.path, error)
        if request.path.startswith("/api/"):
            body, status = error_response(
                503,
                "UNAVAILABLE",
                f"The service cannot reach its database; nothing was stored. Try again in "
                f"{RETRY_AFTER_S} seconds.",
            )
        else:
            # The page must not reach for the database itself: a signed-in
            # caseworker's account is not loaded (the page shows them as
            # signed out), or loading it would fail again and answer 500.
            g._login_user = current_app.login_manager.anonymous_user()
            body, status = render_template("unavailable.html"), 503
        response = app.make_response((body, status))
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response
