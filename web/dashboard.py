"""The caseworker dashboard: the list of requests and one request in full."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from intake.models import Request, Status
from web.views import intake_service, load_request_page

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """The list's query string, parsed leniently (a bad value means no filter)."""

    status: str | None = None
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Filters:
        status = args.get("status") or None
        if status not in {s.value for s in Status}:
            status = None
        try:
            page = max(1, int(args.get("page", 1)))
        except ValueError:
            page = 1
        return cls(status, (args.get("q") or "").strip()[:200], page)

    def args(self, **changes) -> dict[str, object]:
        """Query-string arguments for a link to this list with some changed."""
        current = {"status": self.status, "q": self.q or None, "page": None}
        current.update(changes)
        return {k: v for k, v in current.items() if v not in (None, "", 1)}


def list_requests(session: Session, filters: Filters) -> tuple[list[Request], bool]:
    """One page of requests, newest first, and whether another page follows."""
    query = select(Request).options(joinedload(Request.submission))
    if filters.status:
        query = query.where(Request.status == filters.status)
    if filters.q:
        needle = filters.q.lower()
        query = query.where(
            or_(
                *(
                    func.lower(column).contains(needle, autoescape=True)
                    for column in (Request.reference, Request.org_code, Request.nominee_email)
                )
            )
        )
    query = (
        query.order_by(Request.created_at.desc(), Request.id.desc())
        .offset((filters.page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    rows = list(session.scalars(query))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def status_counts(session: Session) -> dict[str, int]:
    """How many requests are in each status (every status, zero included)."""
    query = select(Request.status, func.count()).group_by(Request.status)
    counts = {status: count for status, count in session.execute(query)}
    return {s.value: counts.get(s.value, 0) for s in Status}


@bp.get("")
def index():
    filters = Filters.from_args(request.args)
    with intake_service().db.session() as session:
        rows, has_next = list_requests(session, filters)
        counts = status_counts(session)
    return render_template(
        "dashboard.html", rows=rows, has_next=has_next, counts=counts, filters=filters
    )


@bp.get("/requests/<reference>")
def detail(reference: str):
    with intake_service().db.session() as session:
        page = load_request_page(session, reference)
    if page is None:
        return render_template("not_found.html", reference=reference), 404
    return render_template("dashboard_detail.html", page=page)
