"""The dashboard's statistics: volumes, outcomes per reason, time to
decision, the share decided without a caseworker, and the queue's age.

Each figure is one aggregate query (a percentile is a count and then one
row read by offset), so none loads the requests themselves: at 100,000
requests the page costs what its few queries do. Reasons are a JSON list on
each request, unpacked by the database (``json_each`` on SQLite,
``json_array_elements`` on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import case, distinct, func, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session

from intake.db import aware
from intake.submissions.models import Request, Status, Submission

#: Days shown in the volumes table, today included.
DAYS = 30
#: Statuses of a request a decision has closed.
DECIDED = (Status.APPLIED, Status.REJECTED)


@dataclass(frozen=True)
class DayVolume:
    """Files and requests received on one day."""

    day: dt.date
    files: int
    requests: int


@dataclass(frozen=True)
class ReasonOutcomes:
    """How many requests were given one reason code, per status they are in now."""

    code: str
    by_status: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class Statistics:
    """Every figure of the statistics page."""

    #: Oldest first, one per day of the last :data:`DAYS` (zeros included).
    volumes: list[DayVolume]
    #: Most given first.
    reasons: list[ReasonOutcomes]
    #: Requests the service has decided (``decision_seconds`` known).
    timed: int
    #: Seconds from the file's acceptance to the service's decision.
    decision_p50: float | None
    decision_p95: float | None
    #: Applied or rejected requests, and those the service decided alone.
    decided: int
    decided_by_system: int
    #: Requests waiting for a caseworker, and when the oldest and the median arrived.
    queue: int
    queue_oldest: dt.datetime | None
    queue_median: dt.datetime | None

    @property
    def automatic_share(self) -> float | None:
        """The share of applied and rejected requests decided without a caseworker."""
        return self.decided_by_system / self.decided if self.decided else None


def statistics(session: Session, *, today: dt.date) -> Statistics:
    """Every figure, read from the tables now (``today``: the last day of the volumes)."""
    timed, (p50, p95) = _percentiles(session, Request.decision_seconds, (0.5, 0.95))
    decided, by_system = session.execute(
        select(func.count(), func.count(case((Request.decided_by == "system", 1)))).where(
            Request.status.in_(DECIDED)
        )
    ).one()
    queue, oldest, median = _queue_age(session)
    return Statistics(
        volumes=volumes(session, today=today),
        reasons=reason_outcomes(session),
        timed=timed,
        decision_p50=p50,
        decision_p95=p95,
        decided=decided,
        decided_by_system=by_system,
        queue=queue,
        queue_oldest=oldest,
        queue_median=median,
    )


def volumes(session: Session, *, today: dt.date, days: int = DAYS) -> list[DayVolume]:
    """Files and requests received on each of the last ``days`` days (the
    day the form reached PCSE), oldest first, a day with none included."""
    first = today - dt.timedelta(days=days - 1)
    rows = session.execute(
        select(
            Submission.received_on,
            func.count(distinct(Submission.id)),
            func.count(Request.id),
        )
        .join(Request, Request.submission_id == Submission.id)
        .where(Submission.received_on >= first, Submission.received_on <= today)
        .group_by(Submission.received_on)
    ).all()
    counted = {day: (files, requests) for day, files, requests in rows}
    return [
        DayVolume(day, *counted.get(day, (0, 0)))
        for day in (first + dt.timedelta(days=n) for n in range(days))
    ]


_REASONS_SQL = {
    "sqlite": """
        SELECT json_extract(reason.value, '$.code') AS code, r.status, count(DISTINCT r.id)
        FROM requests AS r, json_each(
            CASE WHEN json_type(r.reasons) = 'array' THEN r.reasons ELSE '[]' END
        ) AS reason
        WHERE r.reasons IS NOT NULL
        GROUP BY code, r.status
    """,
    "postgresql": """
        SELECT reason ->> 'code' AS code, r.status, count(DISTINCT r.id)
        FROM requests AS r, json_array_elements(
            CASE WHEN json_typeof(r.reasons) = 'array' THEN r.reasons ELSE '[]'::json END
        ) AS reason
        WHERE r.reasons IS NOT NULL
        GROUP BY code, r.status
    """,
}


def reason_outcomes(session: Session) -> list[ReasonOutcomes]:
    """For each reason code ever given, how many requests carry it, per
    status (a request given a code twice counts once); most given first."""
    dialect = session.get_bind().dialect.name
    found: dict[str, dict[str, int]] = {}
    for code, status, count in session.execute(text(_REASONS_SQL[dialect])):
        if code:
            found.setdefault(code, {})[status] = count
    outcomes = [ReasonOutcomes(code, by_status) for code, by_status in found.items()]
    return sorted(outcomes, key=lambda o: (-o.total, o.code))


def _percentiles(
    session: Session, column: InstrumentedAttribute[float | None], quantiles: tuple[float, ...]
) -> tuple[int, list[float | None]]:
    """How many rows have a value, and each quantile's value (nearest rank)."""
    count = session.scalar(select(func.count(column))) or 0
    ordered = select(column).where(column.is_not(None)).order_by(column)
    if not count:
        return 0, [None for _ in quantiles]
    return count, [session.scalar(ordered.offset(_rank(count, q)).limit(1)) for q in quantiles]


def _rank(count: int, quantile: float) -> int:
    """The 0-based nearest-rank position of a quantile among ``count`` values.

    >>> _rank(100, 0.95), _rank(20, 0.95), _rank(1, 0.5), _rank(4, 0.5)
    (94, 18, 0, 1)
    """
    return max(0, min(count - 1, math.ceil(quantile * count) - 1))


def _queue_age(session: Session) -> tuple[int, dt.datetime | None, dt.datetime | None]:
    """How many requests wait in review, and when the oldest and the median
    of them were made (the status and creation time index serves both)."""
    waiting = Request.status == Status.REVIEW
    count = session.scalar(select(func.count()).where(waiting)) or 0
    if not count:
        return 0, None, None
    ordered = select(Request.created_at).where(waiting).order_by(Request.created_at)
    oldest = session.scalar(ordered.limit(1))
    median = session.scalar(ordered.offset(_rank(count, 0.5)).limit(1))
    return count, aware(oldest), aware(median)


def duration(seconds: float | None) -> str:
    """A length of time in words: its largest unit and the next one.

    >>> duration(0.42), duration(75), duration(3 * 3600 + 125), duration(None)
    ('0.4 seconds', '1 minute 15 seconds', '3 hours 2 minutes', '')
    >>> duration(2 * 86400 + 5), duration(60)
    ('2 days', '1 minute')
    """
    if seconds is None:
        return ""
    if seconds < 10:
        return f"{seconds:.1f} seconds"
    units = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))
    rest = round(seconds)
    largest = next(i for i, (_, size) in enumerate(units) if rest >= size)
    parts = []
    for name, size in units[largest : largest + 2]:
        amount, rest = divmod(rest, size)
        if amount:
            parts.append(f"{amount} {name}{'' if amount == 1 else 's'}")
    return " ".join(parts)
