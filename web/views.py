"""Requester pages: upload forms and follow a request; and the health check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.exceptions import RequestEntityTooLarge

from intake import queries
from intake.models import AuditEvent, Request, Status, Submission
from intake.service import Intake
from intake.submissions import UploadRejected, accept
from tasks.processing import enqueue
from verification.fields import FIELD_KEYS, label
from verification.normalise import LOW_CONFIDENCE_THRESHOLD

bp = Blueprint("views", __name__)


#: How many files one web upload may carry (each within the per-file limit).
MAX_FILES_PER_UPLOAD = 10

STATUS_LABELS = {
    Status.RECEIVED: "Received",
    Status.PROCESSING: "Being checked",
    Status.APPLIED: "Applied",
    Status.REJECTED: "Rejected",
    Status.REVIEW: "With a caseworker",
}
#: Statuses that will change by themselves soon: their pages refresh.
PENDING_STATUSES = frozenset({Status.RECEIVED, Status.PROCESSING})


def intake_service() -> Intake:
    return current_app.extensions["intake"]


# --- Shared by the requester's status page and the caseworker's detail page ---


@dataclass(frozen=True)
class FieldRow:
    key: str
    label: str
    value: Any
    confidence: float | None

    @property
    def low_confidence(self) -> bool:
        return self.confidence is not None and self.confidence < LOW_CONFIDENCE_THRESHOLD


@dataclass(frozen=True)
class RequestPage:
    """Everything a page about one request shows, loaded in one session."""

    request: Request
    submission: Submission
    fields: list[FieldRow]
    audit: list[AuditEvent]
    #: References of the other forms found in the same file.
    siblings: list[str]

    @property
    def pending(self) -> bool:
        return self.request.status in PENDING_STATUSES


def load_request_page(session: Session, reference: str) -> RequestPage | None:
    found = queries.by_reference(session, reference.strip().upper())
    if found is None:
        return None
    fields = found.fields or {}
    confidence = found.confidence or {}
    rows = [FieldRow(key, label(key), fields.get(key), confidence.get(key)) for key in FIELD_KEYS]
    siblings = [
        other.reference
        for other in queries.for_submissions(session, [found.submission_id])
        if other.id != found.id and other.reference
    ]
    return RequestPage(found, found.submission, rows, queries.audit_trail(session, found), siblings)


@bp.app_template_filter("status_label")
def _status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@bp.app_template_filter("field_label")
def _field_label(key: str | None) -> str:
    return label(key)


@bp.app_template_filter("when")
def _format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%-d %b %Y %H:%M UTC")


@bp.app_template_filter("day")
def _format_date(value: dt.date | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""


@bp.app_template_filter("field_value")
def _format_field_value(value: Any) -> str:
    if value is None:
        return "Not read"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


# --- Upload ---


@dataclass(frozen=True)
class FileResult:
    filename: str
    references: tuple[str, ...] = ()
    duplicate: bool = False
    error: str | None = None


@bp.get("/")
def upload_form():
    return _upload_page()


@bp.post("/upload")
def upload():
    # Each file may be up to the per-request limit, and a form may carry several.
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit:
        request.max_content_length = limit * MAX_FILES_PER_UPLOAD
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
        accepted = accept(
            intake.db,
            intake.store,
            data,
            filename=filename,
            channel="web",
            max_bytes=intake.settings.max_upload_bytes,
            after_commit=enqueue,
        )
    except UploadRejected as rejected:
        return FileResult(shown, error=rejected.message)
    return FileResult(shown, accepted.references, accepted.duplicate)


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


# --- Status ---


@bp.get("/requests/<reference>")
def request_status(reference: str):
    with intake_service().db.session() as session:
        page = load_request_page(session, reference)
    if page is None:
        return render_template("not_found.html", reference=reference), 404
    return render_template("status.html", page=page)


@bp.get("/healthz")
def healthz():
    try:
        with intake_service().db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
