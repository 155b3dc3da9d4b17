"""The statistics page's figures, on a known set of requests, on SQLite and
on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from intake.config import Settings
from intake.service import Intake
from intake.submissions.queries import by_reference
from intake.submissions.services import accept
from intake.submissions.statistics import ReasonOutcomes, statistics

TODAY = dt.date(2026, 11, 30)
_files = itertools.count()


def _reason(code: str, field: str | None = None) -> dict:
    return {"code": code, "field": field, "message": "", "action": ""}


@pytest.fixture
def service(tmp_path, database_url):
    intake = Intake.start(
        Settings(data_dir=tmp_path / "var", database_url=database_url, secret_key="x")
    )
    yield intake
    intake.db.dispose()


def _request(service, received_on: dt.date, **columns) -> str:
    accepted = accept(
        service.db,
        service.store,
        f"%PDF-1.4\n% {next(_files)}\n%%EOF\n".encode(),
        filename="form.pdf",
        channel="web",
        received_on=received_on,
        max_bytes=1024 * 1024,
    )
    reference = accepted.references[0]
    with service.db.session() as session:
        request = by_reference(session, reference)
        for name, value in columns.items():
            setattr(request, name, value)
    return reference


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


@pytest.fixture
def known(service):
    """Seven requests: three decided by the service alone or by a caseworker,
    three waiting in review (one received before the last 30 days), one
    not read yet."""
    _request(service, TODAY, status="applied", decided_by="system", decision_seconds=2.0)
    _request(
        service,
        TODAY,
        status="rejected",
        decided_by="system",
        decision_seconds=4.0,
        reasons=[
            _reason("FIELD_MISSING", "nominee_email"),
            _reason("FIELD_MISSING", "date_signed"),
            _reason("SIGNATURE_MISSING", "signature"),
        ],
    )
    _request(
        service,
        TODAY - dt.timedelta(days=1),
        status="applied",
        decided_by="casey",
        decision_seconds=10.0,
        reasons=[_reason("USER_ADMIN_EXISTS", "role")],
    )
    oldest_in_window = TODAY - dt.timedelta(days=29)
    _request(
        service,
        oldest_in_window,
        status="review",
        decided_by="system",
        decision_seconds=6.0,
        created_at=_at(oldest_in_window),
        reasons=[_reason("USER_ADMIN_EXISTS", "role"), _reason("LOW_CONFIDENCE", "org_code")],
    )
    before_window = TODAY - dt.timedelta(days=30)
    _request(
        service,
        before_window,
        status="review",
        decided_by="system",
        decision_seconds=8.0,
        created_at=_at(before_window),
        reasons=[_reason("LOW_CONFIDENCE", "nominee_name")],
    )
    _request(
        service,
        TODAY - dt.timedelta(days=10),
        status="review",
        created_at=_at(TODAY - dt.timedelta(days=10)),
        reasons=[],
    )
    _request(service, TODAY, reasons=None)  # not read yet; JSON null, not a list
    return oldest_in_window, before_window


def test_volumes_count_each_of_the_last_30_days(service, known):
    oldest_in_window, _ = known

    with service.db.session() as session:
        volumes = statistics(session, today=TODAY).volumes

    assert len(volumes) == 30
    assert volumes[0].day == oldest_in_window and volumes[-1].day == TODAY
    by_day = {v.day: (v.files, v.requests) for v in volumes}
    assert by_day[TODAY] == (3, 3)
    assert by_day[TODAY - dt.timedelta(days=1)] == (1, 1)
    assert by_day[oldest_in_window] == (1, 1)
    assert by_day[TODAY - dt.timedelta(days=2)] == (0, 0)
    assert sum(v.requests for v in volumes) == 6


def test_outcomes_per_reason_count_requests_by_status(service, known):
    with service.db.session() as session:
        reasons = statistics(session, today=TODAY).reasons

    assert reasons == [
        ReasonOutcomes("LOW_CONFIDENCE", {"review": 2}),
        ReasonOutcomes("USER_ADMIN_EXISTS", {"applied": 1, "review": 1}),
        ReasonOutcomes("FIELD_MISSING", {"rejected": 1}),  # given twice, one request
        ReasonOutcomes("SIGNATURE_MISSING", {"rejected": 1}),
    ]


def test_time_to_decision_and_the_share_decided_without_a_caseworker(service, known):
    with service.db.session() as session:
        figures = statistics(session, today=TODAY)

    assert figures.timed == 5
    assert figures.decision_p50 == 6.0
    assert figures.decision_p95 == 10.0
    assert (figures.decided, figures.decided_by_system) == (3, 2)
    assert figures.automatic_share == pytest.approx(2 / 3)


def test_the_queue_age_is_its_oldest_and_median_request(service, known):
    oldest_in_window, before_window = known

    with service.db.session() as session:
        figures = statistics(session, today=TODAY)

    assert figures.queue == 3
    assert figures.queue_oldest == _at(before_window)
    assert figures.queue_median == _at(oldest_in_window)


def test_an_empty_service_has_no_figures_yet(service):
    with service.db.session() as session:
        figures = statistics(session, today=TODAY)

    assert sum(v.requests for v in figures.volumes) == 0
    assert figures.reasons == []
    assert (figures.timed, figures.decision_p50, figures.decision_p95) == (0, None, None)
    assert figures.automatic_share is None
    assert (figures.queue, figures.queue_oldest, figures.queue_median) == (0, None, None)
