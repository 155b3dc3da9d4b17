"""Requester pages: upload forms, follow them by an unguessable link; the health check.

A status link (``/status/<token>``) shows the requests of one uploaded file
and nothing else: no audit detail, no other file. An unknown or mistyped
link is a plain 404 that says nothing about what exists.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from intake import workers
from intake.submissions import queries
from intake.submissions.filekind import not_a_pdf
from intake.submissions.filenames import display_filename
from intake.submissions.models import Request
from intake.submissions.outcome import Correction, Told, corrections_of, tell
from intake.submissions.services import UploadRejected, accept, submission_for_status_token
from tasks import broker_reachable
from tasks.processing import enqueue
from web import limits
from web.limits import limiter
from web.pages import field_rows, intake_service, is_pending

bp = Blueprint("views", __name__)

#: How many files one web upload may carry (each within the per-file limit).
MAX_FILES_PER_UPLOAD = 10
#: A reference as "Send a corrected form" carries it.
_REFERENCE = re.compile(r"UA-\d{4}-\d{6,}")


# --- Upload ---


@dataclass(frozen=True)
class FileResult:
    filename: str
    references: tuple[str, ...] = ()
    duplicate: bool = False
    error: str | None = None
    status_token: str = ""
    #: What the file is when it is not a PDF (accepted and recorded all the same).
    not_a_pdf: str | None = None


def _corrects(raw: str | None) -> str | None:
    """The reference a corrected form is sent for, when it looks like one."""
    reference = (raw or "").strip().upper()
    return reference if _REFERENCE.fullmatch(reference) else None


@bp.get("/")
def upload_form():
    return _upload_page(corrects=_corrects(request.args.get("corrects")))


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
    corrects = _corrects(request.form.get("corrects"))
    files = [f for f in request.files.getlist("files") if f.filename]
    if not files:
        return _upload_page("Choose at least one PDF file to upload.", 400, corrects=corrects)
    if len(files) > MAX_FILES_PER_UPLOAD:
        return _upload_page(
            f"Upload at most {MAX_FILES_PER_UPLOAD} files at a time.", 400, corrects=corrects
        )
    results = [_accept_one(f.filename, f.read(), corrects) for f in files]
    return render_template("results.html", results=results, corrects=corrects)


def _accept_one(filename: str, data: bytes, corrects: str | None = None) -> FileResult:
    """Accept one file. A file that is not a PDF is accepted and recorded too
    (the worker decides it NOT_A_PDF, for the audit), and answered at once
    with what it is."""
    intake = intake_service()
    shown = display_filename(filename)
    try:
        accepted = accept(
            intake.db,
            intake.store,
            data,
            filename=filename,
            channel="web",
            max_bytes=intake.settings.max_upload_bytes,
            after_commit=enqueue,
            corrects=corrects,
        )
    except UploadRejected as rejected:
        return FileResult(shown, error=rejected.message)
    return FileResult(
        shown,
        accepted.references,
        accepted.duplicate,
        None,
        accepted.status_token,
        not_a_pdf(data, shown),
    )


@bp.errorhandler(RequestEntityTooLarge)
def _upload_too_large(_error):
    limit_mb = intake_service().settings.max_upload_bytes / 1e6
    return _upload_page(
        f"The upload was too large. Each file may be up to {limit_mb:.0f} MB; "
        "try sending fewer files at a time.",
        413,
    )


def _upload_page(error: str | None = None, status: int = 200, *, corrects: str | None = None):
    return render_template(
        "upload.html",
        error=error,
        corrects=corrects,
        max_files=MAX_FILES_PER_UPLOAD,
        max_mb=intake_service().settings.max_upload_bytes / 1e6,
    ), status


# --- Status, by the upload's secret link ---


@dataclass(frozen=True)
class Shown:
    """One request as its status page shows it."""

    request: Request
    told: Told
    corrections: dict[str, Correction]

    @property
    def rows(self):
        return [_readable(row) for row in field_rows(self.request)]

    @property
    def any_value(self) -> bool:
        return any(value is not None for value in (self.request.fields or {}).values())


def _readable(row):
    """A field row with its date as people write it ("1 November 2026")."""
    if row.key == "date_signed" and isinstance(row.value, str):
        try:
            signed = dt.date.fromisoformat(row.value)
        except ValueError:
            return row
        return replace(row, value=f"{signed.day} {signed:%B %Y}")
    return row


def _requests_for_token(token: str) -> list[Shown] | None:
    with intake_service().db.session() as session:
        submission = submission_for_status_token(session, token)
        if submission is None:
            return None
        found = queries.for_submissions(session, [submission.id])
        shown = []
        for r in found:
            corrections = corrections_of(session, r)
            shown.append(Shown(r, tell(r, corrections), corrections))
        return shown


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
    settings = intake_service().settings
    submission = found[0].request.submission if found else None
    return render_template(
        "status.html",
        requests=found,
        submission=submission,
        filename=display_filename(submission.original_filename) if submission else "",
        pending=any(is_pending(s.request) for s in found),
        poll_url=url_for("views.status_json", token=token),
        decide_within_days=settings.review_escalate_after_days,
        contact_email=settings.contact_email,
    )


@bp.get("/status/<token>.json")
@limiter.limit(limits.STATUS, key_func=limits.status_link)
@limiter.limit(limits.STATUS_ADDRESS)
def status_json(token: str):
    found = _requests_for_token(token)
    if found is None:
        return jsonify(error={"code": "NOT_FOUND", "message": "No such status link."}), 404
    response = jsonify(
        pending=any(is_pending(s.request) for s in found),
        requests=[
            {
                "reference": s.request.reference,
                "status": s.request.status,
                "status_label": s.told.tag,
                "headline": s.told.headline,
                "pending": is_pending(s.request),
            }
            for s in found
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
