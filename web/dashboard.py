"""The caseworker dashboard: the request list, the queues, and one request in full.

Every route needs a signed-in caseworker (``caseworker_required``). Decisions
go through ``intake.decisions.review.decide_review``, the same apply path the CLI uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from intake import audit, workers
from intake.decisions import casework, oversight
from intake.decisions.grants import replaced_on_apply
from intake.decisions.review import ReviewRefused, decide_review
from intake.directory import conflicts
from intake.directory.facts import facts_for
from intake.submissions import export, queries
from intake.submissions import statistics as stats
from intake.submissions.models import Request, Status
from intake.submissions.outcome import corrections_of
from intake.submissions.services import CHANNELS
from verification import checks
from verification.fields import BOOLEAN_KEYS, FIELD_KEYS
from verification.reasons import HARD_LIMITS, ReasonCode
from web import previews
from web.auth import caseworker_required
from web.pages import field_rows, hard_limits, intake_service, is_pending

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
caseworker_required(bp)

PAGE_SIZE = 50
QUEUE_SIZE = 100


# --- The request list ---


@dataclass(frozen=True)
class ListArgs:
    """The list's query string, parsed leniently (a bad value means no filter)."""

    filters: queries.RequestFilter
    before: int | None = None
    after: int | None = None

    @classmethod
    def from_args(cls, args: MultiDict) -> ListArgs:
        def choice(name: str, allowed) -> str | None:
            value = (args.get(name) or "").strip()
            return value if value in allowed else None

        org = (args.get("org") or "").strip().upper().replace(" ", "")[:10]
        filters = queries.RequestFilter(
            status=choice("status", {s.value for s in Status}),
            reason=choice("reason", {c.value for c in ReasonCode}),
            org_code=org if org.isalnum() else None,
            channel=choice("channel", CHANNELS),
            received_from=_date(args.get("from")),
            received_to=_date(args.get("to")),
            q=(args.get("q") or "").strip()[:200],
        )
        return cls(filters, _int(args.get("before")), _int(args.get("after")))

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for a link to the list with some changed
        (a change of filter starts again from the newest page)."""
        f = self.filters
        current = {
            "status": f.status,
            "reason": f.reason,
            "org": f.org_code,
            "channel": f.channel,
            "from": f.received_from.isoformat() if f.received_from else None,
            "to": f.received_to.isoformat() if f.received_to else None,
            "q": f.q or None,
        }
        current.update(changes)
        return {k: v for k, v in current.items() if v not in (None, "")}

    @property
    def filtered(self) -> bool:
        return any(v for k, v in self.args().items() if k != "status")


def _int(raw: str | None) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if value > 0 else None


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


@bp.get("")
def index():
    list_args = ListArgs.from_args(request.args)
    with intake_service().db.session() as session:
        page = queries.list_requests(
            session,
            list_args.filters,
            before=list_args.before,
            after=list_args.after,
            size=PAGE_SIZE,
        )
        counts = queries.status_counts(session)
        checked = audit.last_passed(session)
    return render_template(
        "dashboard.html",
        page=page,
        counts=counts,
        audit_checked=checked,
        list_args=list_args,
        reason_codes=[c.value for c in ReasonCode],
        channels=CHANNELS,
    )


# --- The list as CSV, and the statistics ---


@bp.get("/export.csv")
def export_csv():
    filters = ListArgs.from_args(request.args).filters
    db = intake_service().db

    def chunks():
        with db.session() as session:
            yield from export.csv_chunks(session, filters)

    name = f"requests-{dt.date.today().isoformat()}.csv"
    return Response(
        stream_with_context(chunks()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/statistics")
def statistics():
    with intake_service().db.session() as session:
        figures = stats.statistics(session, today=dt.date.today())
    return render_template(
        "statistics.html", stats=figures, duration=stats.duration, days=stats.DAYS
    )


# --- The exception queue and the audit queue ---


@bp.get("/queue")
def queue():
    after = _int(request.args.get("after"))
    with intake_service().db.session() as session:
        rows = queries.review_queue(session, after=after, size=QUEUE_SIZE + 1)
        counts = queries.status_counts(session)
    more = len(rows) > QUEUE_SIZE
    rows = rows[:QUEUE_SIZE]
    return render_template(
        "queue.html",
        rows=rows,
        total=counts[Status.REVIEW],
        next_after=rows[-1].id if more else None,
        escalate_after=intake_service().settings.review_escalate_after_days,
    )


@bp.get("/audit")
def audit_queue():
    with intake_service().db.session() as session:
        waiting = oversight.awaiting_second_look(session)
        recent = oversight.recent_second_looks(session)
    return render_template(
        "audit_queue.html",
        waiting=waiting,
        recent=recent,
        share=intake_service().settings.sample_share,
        error=None,
    )


@bp.post("/audit/<reference>")
def second_look(reference: str):
    try:
        oversight.record_second_look(
            intake_service().db,
            reference,
            outcome=request.form.get("outcome", ""),
            note=request.form.get("note", ""),
            actor=current_user.username,
        )
    except oversight.SecondLookRefused as refused:
        flash(f"{reference}: {refused.message}", "error")
        return redirect(url_for("dashboard.audit_queue"))
    flash(f"Second look at {reference} recorded.", "success")
    return redirect(url_for("dashboard.audit_queue"))


@bp.get("/directory-conflicts")
def directory_conflicts():
    with intake_service().db.session() as session:
        open_, resolved = conflicts.conflicts(session)
    return render_template(
        "directory_conflicts.html", open=open_, resolved=resolved, kinds=conflicts.KINDS
    )


@bp.post("/directory-conflicts/<int:conflict_id>")
def resolve_conflict(conflict_id: int):
    try:
        done = conflicts.resolve(
            intake_service().db,
            conflict_id,
            note=request.form.get("note", ""),
            actor=current_user.username,
        )
    except conflicts.ConflictRefused as refused:
        flash(refused.message, "error")
    else:
        flash(f"Conflict about {done.email} at {done.org_code} resolved.", "success")
    return redirect(url_for("dashboard.directory_conflicts"))


# --- One request ---


@dataclass(frozen=True)
class Detail:
    """Everything the detail page shows, loaded in one session."""

    request: Request
    siblings: list[str]
    audit: list
    preview_pages: list[int]
    is_pdf: bool
    replaced: list[tuple[str, str]]  # (name, email) applying would deactivate
    corrections: list  # what a caseworker corrected, beside what the form said
    reason_facts: dict[str, list]  # per reason code: the directory records behind it

    @property
    def fields(self):
        return field_rows(self.request)

    @property
    def hard_limits(self):
        return hard_limits(self.request)


def _load_detail(reference: str) -> Detail | None:
    intake = intake_service()
    with intake.db.session() as session:
        found = queries.by_reference(session, reference.strip().upper())
        if found is None:
            return None
        siblings = [
            other.reference
            for other in queries.for_submissions(session, [found.submission_id])
            if other.id != found.id and other.reference
        ]
        trail = queries.audit_trail(session, found)
        corrections = list(corrections_of(session, found).values())
        codes = [reason.get("code", "") for reason in found.reasons or []]
        facts = facts_for(session, found.fields or {}, codes)
        reason_facts = {
            code: [fact for kind in checks.FACTS.get(ReasonCode(code), ()) for fact in facts[kind]]
            for code in codes
            if code in ReasonCode.__members__
        }
        replaced = []
        if found.status == Status.REVIEW:
            replaced = [
                (holder.full_name, holder.email)
                for holder in replaced_on_apply(session, found.fields or {})
            ]
    is_pdf = _sniff_pdf(found)
    pages = list(found.pages or [])
    if not pages and is_pdf:
        pages = list(range(min(found.submission.page_count or 1, 2)))
    return Detail(
        found,
        siblings,
        trail,
        pages[: previews.MAX_PAGES],
        is_pdf,
        replaced,
        corrections,
        reason_facts,
    )


def _sniff_pdf(found: Request) -> bool:
    try:
        with open(intake_service().store.path(found.submission.stored_name), "rb") as handle:
            return previews.looks_like_pdf(handle.read(previews.HEADER_BYTES))
    except OSError:
        return False


@bp.get("/requests/<reference>")
def detail(reference: str):
    found = _load_detail(reference)
    if found is None:
        return render_template("not_found.html", reference=reference), 404
    return render_template("dashboard_detail.html", page=found, refused=None, form=MultiDict())


@bp.post("/requests/<reference>/decision")
def decide(reference: str):
    found = _load_detail(reference)
    if found is None:
        abort(404)
    decision = request.form.get("decision")
    if decision not in ("apply", "reject"):
        return _refused(found, ReviewRefused("Choose apply or reject."))
    try:
        outcome = decide_review(
            intake_service().db,
            found.request.reference,
            decision=decision,
            note=request.form.get("note", ""),
            actor=current_user.username,
            corrections=_corrections(request.form) or None,
            message=request.form.get("message"),
        )
    except ReviewRefused as refused:
        return _refused(found, refused)
    flash(f"{outcome.reference} is now {outcome.status}.", "success")
    return redirect(url_for("dashboard.detail", reference=outcome.reference))


@bp.post("/requests/<reference>/case")
def case(reference: str):
    """Claim, take over or release a review case."""
    action = request.form.get("action")
    db, actor = intake_service().db, current_user.username
    try:
        if action == "release":
            casework.release(db, reference, actor=actor)
            flash(f"You have released {reference}.", "success")
        else:
            casework.claim(db, reference, actor=actor, take_over=action == "take-over")
            flash(f"You are working on {reference}.", "success")
    except casework.CaseRefused as refused:
        flash(refused.message, "error")
    return redirect(url_for("dashboard.detail", reference=reference))


def _refused(found: Detail, refused: ReviewRefused):
    return render_template(
        "dashboard_detail.html", page=found, refused=refused, form=request.form
    ), 422


def _corrections(form: MultiDict) -> dict[str, Any]:
    """Fields the caseworker typed a new value for (blank means keep)."""
    corrections: dict[str, Any] = {}
    for key in FIELD_KEYS:
        raw = (form.get(f"fix-{key}") or "").strip()
        if not raw:
            continue
        corrections[key] = raw == "yes" if key in BOOLEAN_KEYS else raw
    return corrections


@bp.get("/requests/<reference>/pages/<int:page>.png")
def page_image(reference: str, page: int):
    intake = intake_service()
    with intake.db.session() as session:
        found = queries.by_reference(session, reference.strip().upper())
    if found is None:
        abort(404)
    try:
        png = previews.preview_png(
            intake.settings,
            intake.store.path(found.submission.stored_name),
            found.submission.sha256,
            page,
        )
    except previews.NoPreview as reason:
        # Not found, with an image in its place that says why.
        svg = previews.placeholder_svg(str(reason))
        return Response(svg, mimetype="image/svg+xml", status=404)
    except OSError:
        abort(404)
    response = send_file(png, mimetype="image/png", max_age=0)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/requests/<reference>/file")
def original_file(reference: str):
    intake = intake_service()
    with intake.db.session() as session:
        found = queries.by_reference(session, reference.strip().upper())
    if found is None:
        abort(404)
    path = intake.store.path(found.submission.stored_name)
    with open(path, "rb") as handle:
        is_pdf = previews.looks_like_pdf(handle.read(previews.HEADER_BYTES))
    name = found.submission.original_filename
    if is_pdf and not name.lower().endswith(".pdf"):
        name += ".pdf"
    response = send_file(
        path,
        mimetype="application/pdf" if is_pdf else "application/octet-stream",
        as_attachment=True,
        download_name=name if is_pdf else f"{name}.bin",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def hard_limit_codes() -> frozenset[str]:
    return frozenset(c.value for c in HARD_LIMITS)


def no_worker_alive() -> bool:
    """Whether no worker has beaten lately: files are kept but none is read."""
    intake = intake_service()
    return workers.live_workers(intake.db, intake.settings.queue) == 0


@bp.app_context_processor
def _dashboard_helpers():
    return {
        "is_pending": is_pending,
        "hard_limit_codes": hard_limit_codes(),
        "no_worker_alive": no_worker_alive,
    }
