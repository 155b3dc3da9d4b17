"""Pages about the service itself: the accessibility statement, and the
error pages (403, 404, 405, 500) drawn like every other page."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, request
from werkzeug.exceptions import HTTPException

bp = Blueprint("info", __name__)

#: What each error page says, in the NHS service manual's words for them.
ERRORS = {
    403: (
        "You cannot see this page",
        "Your account does not allow it. If you need it, ask an administrator of this service.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you "
        "pasted the web address, check you copied the entire address.",
    ),
    405: ("This page cannot be used that way", "Go back and try again from the page before."),
}


@bp.get("/accessibility")
def accessibility():
    return render_template("accessibility.html")


def _error_page(error: HTTPException):
    if request.path.startswith("/api/"):  # the API answers in JSON (its own handler)
        from web.api import _http_error

        return _http_error(error)
    heading, advice = ERRORS.get(
        error.code or 500, ("Sorry, there is a problem with the service", "Try again later.")
    )
    return render_template("error.html", heading=heading, advice=advice), error.code


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    for code in ERRORS:
        app.register_error_handler(code, _error_page)
