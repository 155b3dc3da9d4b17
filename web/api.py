"""The HTTP JSON API under ``/api/v1``: submit a PDF, read a request back."""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, current_app, g, jsonify, request, url_for
from werkzeug.exceptions import HTTPException, TooManyRequests

from intake.accounts.services import check_api_token
from intake.config import LONDON
from intake.service import Intake
from intake.submissions import queries
from intake.submissions.filekind import not_a_pdf
from intake.submissions.outcome import corrections_of
from intake.submissions.services import UploadRejected, sent_by
from tasks.processing import enqueue
from web import limits
from web.limits import limiter
from web.openapi import openapi_document
from web.security import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Automation authenticates with a bearer token, never a cookie: no CSRF risk.
csrf.exempt(bp)

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

#: Short error codes for HTTP errors raised by Flask itself.
_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORISED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "FILE_TOO_LARGE",
    500: "INTERNAL_ERROR",
}


class ApiError(Exception):
    """An error answered as ``{"error": {"code", "message"}}`` with ``status``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _intake() -> Intake:
    return current_app.extensions["intake"]


def error_response(status: int, code: str, message: str):
    return jsonify(error={"code": code, "message": message}), status


@bp.errorhandler(TooManyRequests)
def _too_many(error: TooManyRequests):
    return error_response(
        429, "RATE_LIMITED", f"Too many requests ({error.description}); slow down."
    )


@bp.before_request
def _require_token():
    """Every route but the OpenAPI document needs ``Authorization: Bearer <token>``."""
    if request.endpoint == "api.openapi":
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    found = check_api_token(_intake().db, token.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        response, status = error_response(
            401, "UNAUTHORISED", "Send a valid API token as 'Authorization: Bearer <token>'."
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="intake"'
        return response, status
    g.api_token = found
    return None


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return error_response(error.status, error.code, error.message)


@bp.app_errorhandler(HTTPException)
def _http_error(error: HTTPException):
    """JSON for every HTTP error under ``/api/`` (routing 404/405, Flask's own
    413, unhandled 500s); other paths keep Flask's default page."""
    if not request.path.startswith("/api/"):
        return error
    status = error.code or 500
    code = _HTTP_CODES.get(status, (error.name or "ERROR").upper().replace(" ", "_"))
    message = error.description or error.name
    if status == 500:
        message = "Something went wrong on our side. Please try again later."
    response, status = error_response(status, code, message)
    # Keep headers the error carries, such as Allow on a 405.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response, status


#: How far back a client may date a form's arrival: the 90-day rule counts
#: from it, and the reference is named by its year.
RECEIVED_AT_MOST_DAYS_AGO = 366


def parse_received(raw: str | None) -> dt.date | None:
    """The ``received`` form field: absent/blank, or strictly ``YYYY-MM-DD``,
    not after today and not more than a year back."""
    if raw is None or not raw.strip():
        return None
    raw = raw.strip()
    try:
        if not _ISO_DAY.fullmatch(raw):
            raise ValueError(raw)
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise ApiError(
            400, "INVALID_RECEIVED_DATE", f"'received' must be a date as YYYY-MM-DD, not {raw!r}."
        ) from None
    today = dt.datetime.now(LONDON).date()
    earliest = today - dt.timedelta(days=RECEIVED_AT_MOST_DAYS_AGO)
    if not earliest <= day <= today:
        raise ApiError(
            400,
            "INVALID_RECEIVED_DATE",
            f"'received' must be between {earliest.isoformat()} and today "
            f"({today.isoformat()}), not {day.isoformat()}.",
        )
    return day


@bp.post("/submissions")
@limiter.limit(limits.API_WRITE, key_func=limits.api_key)
def create_submission():
    uploads = request.files.getlist("file")
    if not uploads:
        raise ApiError(
            400, "FILE_REQUIRED", "Send the PDF as multipart/form-data in a field named 'file'."
        )
    if len(uploads) > 1:
        raise ApiError(
            400,
            "ONE_FILE_PER_REQUEST",
            f"Send one file per request; this one has {len(uploads)} parts named 'file', "
            "and none was stored.",
        )
    (upload,) = uploads
    received_on = parse_received(request.form.get("received"))
    intake = _intake()
    data = upload.read()
    try:
        accepted = intake.accept(
            data,
            filename=upload.filename or "upload.pdf",
            channel="api",
            received_on=received_on,
            after_commit=enqueue,
            api_token_id=g.api_token.id,
        )
    except UploadRejected as rejected:
        status = 413 if rejected.code == "FILE_TOO_LARGE" else 400
        raise ApiError(status, rejected.code, rejected.message) from None
    status_urls = [
        url_for("api.get_submission", reference=ref, _external=True) for ref in accepted.references
    ]
    body = {
        "submission_id": accepted.submission_id,
        "references": list(accepted.references),
        "duplicate": accepted.duplicate,
        "status_urls": status_urls,
        "status_url": url_for("views.status", token=accepted.status_token, _external=True),
        # A file that is not a PDF is kept (and will be rejected NOT_A_PDF);
        # say so now, in the words the web upload uses.
        "warning": _not_a_pdf_warning(data, upload.filename or ""),
    }
    response = jsonify(body)
    response.status_code = 200 if accepted.duplicate else 202
    if status_urls:
        response.headers["Location"] = status_urls[0]
    return response


def _not_a_pdf_warning(data: bytes, filename: str) -> dict[str, str] | None:
    message = not_a_pdf(data, filename)
    return {"code": "NOT_A_PDF", "message": message} if message else None


@bp.get("/submissions/<reference>")
@limiter.limit(limits.API_READ, key_func=limits.api_key)
def get_submission(reference: str):
    token = g.api_token
    with _intake().db.session() as session:
        found = queries.by_reference(session, reference.strip().upper())
        # A submitter token reads only what it sent: anything else is "not
        # found", so that walking references tells it nothing.
        if found is not None and token.scope != "reader":
            found = found if sent_by(session, found.submission_id, token.id) else None
        if found is None:
            raise ApiError(404, "NOT_FOUND", f"No request has the reference {reference!r}.")
        return jsonify(queries.request_as_dict(found, corrections_of(session, found)))


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
