"""Requester pages: upload forms, follow them by an unguessable link; the health check.

A status link (``/status/<token>``) shows the requests of one uploaded file
and nothing else: no audit detail, no other file. An unknown or mistyped
link is a plain 404 that says nothing about what exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from intake import workers
from intake.submissions import queries
from intake.submissions.models import Request
from intake.submissions.services import UploadRejected, submission_for_status_token
from tasks import broker_reachable
from tasks.processing import enqueue
from web import limits
from web.limits import limiter
from web.pages import STATUS_LABELS, field_rows, intake_service, is_pending

bp = Blueprint("views", __name__)

#: How many files one web upload may carry (each within the per-file limit).
MAX_FILES_PER_UPLOAD = 10


# --- Upload ---


@dataclass(frozen=True)
class FileResult:
    filename: str
    references: tuple[str, ...] = ()
    duplicate: bool = False
    error: str | None = None
    status_token: str = ""


@bp.get("/")
def upload_form():
    return _upload_page()


def allow_several_files() -> None:
    """Let an upload carry :data:`MAX_FILES_PER_UPLOAD` files, each up to the
    per-file limit. An app-wide hook, registered before CSRF protection: that
    reads the form first, and would hold the request to one file's size."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.endpoint == "views.upload":
        request.max_content_length = limit * MAX_FILES_PER_UPLOAD


@bp.post("/upload")
@limiter.limit(limits.UPLOAD)
def upload():
    files = [f for f in request.files.getlist("files") if f.filename]
    if not files:
        return _upload_page("Choose at least one PDF file to upload.", 400)
    if len(files) > MAX_FILES_PER_UPLOAD:
        return _upload_page(f"Upload at most {MAX_FILES_PER_UPLOAD} files at a time.", 400)
    results = [_accept_one(f.filename, f.read()) for f in files]
    return render_template("results.html", results=results)


def _accept_one(filename: str, data: bytes) -> FileResult:
    intake = intake_service()
    shown = filename.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        accepted = intake.accept(
            data,
            filename=filename,
            channel="web",
            after_commit=enqueue,
        )
    except UploadRejected as rejected:
        return FileResult(shown, error=rejected.message)
    return FileResult(shown, accepted.references, accepted.duplicate, None, accepted.status_token)


@bp.errorhandler(RequestEntityTooLarge)
def _upload_too_large(_error):
    limit_mb = intake_service().settings.max_upload_bytes / 1e6
    return _upload_page(
        f"The upload was too large. Each file may be up to {limit_mb:.0f} MB; "
        "try sending fewer files at a time.",
        413,
    )


def _upload_page(error: str | None = None, status: int = 200):
    return render_template(
        "upload.html",
        error=error,
        max_files=MAX_FILES_PER_UPLOAD,
        max_mb=intake_service().settings.max_upload_bytes / 1e6,
    ), status


# --- Status, by the upload's secret link ---


def _requests_for_token(token: str) -> list[Request] | None:
    with intake_service().db.session() as session:
        submission = submission_for_status_token(session, token)
        if submission is None:
            return None
        return queries.for_submissions(session, [submission.id])


def _link_not_found():
    response = render_template("link_not_found.html")
    return response, 404


@bp.get("/status/<token>")
@limiter.limit(limits.STATUS, key_func=limits.status_link)
@limiter.limit(limits.STATUS_ADDRESS)
def status(token: str):
    found = _requests_for_token(token)
    if found is None:
        return _link_not_found()
    pending = any(is_pending(r) for r in found)
    return render_template(
        "status.html",
        requests=[(r, field_rows(r)) for r in found],
        submission=found[0].submission if found else None,
        pending=pending,
        poll_url=url_for("views.status_json", token=token),
    )


@bp.get("/status/<token>.json")
@limiter.limit(limits.STATUS, key_func=limits.status_link)
@limiter.limit(limits.STATUS_ADDRESS)
def status_json(token: str):
    found = _requests_for_token(token)
    if found is None:
        return jsonify(error={"code": "NOT_FOUND", "message": "No such status link."}), 404
    response = jsonify(
        pending=any(is_pending(r) for r in found),
        requests=[
            {
                "reference": r.reference,
                "status": r.status,
                "status_label": STATUS_LABELS.get(r.status, r.status),
                "pending": is_pending(r),
            }
            for r in found
        ],
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.after_request
def _private(response):
    # A status link is a secret: keep its pages out of caches and search engines.
    if request.endpoint in ("views.status", "views.status_json"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/healthz")
def healthz():
    """Whether the service is doing its work: the database and the broker
    answer, a worker has beaten lately, and nothing accepted has waited past
    :data:`~intake.workers.STUCK_AFTER_S`. 503 (with what is wrong) if not."""
    intake = intake_service()
    report: dict = {"database": "ok"}
    problems = []
    try:
        with intake.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        report["workers"] = workers.live_workers(intake.db, intake.settings.queue)
        report["oldest_undecided_s"] = workers.oldest_undecided_s(intake.db)
    except SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        report["database"] = "unreachable"
        problems.append("the database cannot be reached")
    report["broker"] = "ok" if broker_reachable(intake.settings) else "unreachable"
    if report["broker"] != "ok":
        problems.append("the queue's broker cannot be reached")
    if report.get("workers") == 0:
        problems.append("no worker has beaten in the last few seconds")
    waited = report.get("oldest_undecided_s")
    if waited is not None and waited > workers.STUCK_AFTER_S:
        problems.append(f"a file has waited {waited:.0f} s to be decided")
    report["status"] = "error" if problems else "ok"
    report["problems"] = problems
    return jsonify(report), 503 if problems else 200
