"""``/metrics``, for Prometheus: what the service has done and whether it is
keeping up.

Each scrape reads the database (``intake.submissions.queries.service_counts``, worker
heartbeats, the oldest undecided file), so the figures cover every web and
worker process on every machine without prometheus-client's multiprocess
folder, and survive restarts.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from intake import workers
from intake.submissions import queries
from web.pages import intake_service

bp = Blueprint("metrics", __name__)


class ServiceCollector:
    """Collects the service's figures from its database at each scrape."""

    def collect(self) -> Iterator[Metric]:
        intake = intake_service()
        with intake.db.session() as session:
            counts = queries.service_counts(session)
            durations = queries.durations(session)
        received = CounterMetricFamily(
            "intake_forms_received", "Files accepted, per channel", labels=["channel"]
        )
        for channel, count in sorted(counts["received"].items()):
            received.add_metric([channel], count)
        yield received
        requests = GaugeMetricFamily(
            "intake_requests", "Requests in each status now", labels=["status"]
        )
        for status, count in sorted(counts["statuses"].items()):
            requests.add_metric([status], count)
        yield requests
        reasons = CounterMetricFamily(
            "intake_decision_reasons", "Reasons given in decisions, per code", labels=["code"]
        )
        for code, count in sorted(counts["reasons"].items()):
            reasons.add_metric([code], count)
        yield reasons
        for name, doc in (
            ("read", "Seconds the reader took over each file"),
            ("decision", "Seconds from a file's acceptance to the service's decision"),
        ):
            found = durations[name]
            yield HistogramMetricFamily(
                f"intake_{name}_seconds",
                doc,
                buckets=[(str(b), n) for b, n in found.buckets] + [("+Inf", found.count)],
                sum_value=found.total,
            )
        live = workers.live_workers(intake.db, intake.settings.queue)
        yield GaugeMetricFamily("intake_workers_live", "Workers that beat lately", value=live)
        waited = workers.oldest_undecided_s(intake.db) or 0.0
        yield GaugeMetricFamily(
            "intake_oldest_undecided_seconds",
            "How long the oldest file not yet decided has waited",
            value=waited,
        )


@bp.get("/metrics")
def metrics() -> Response:
    registry = CollectorRegistry()
    registry.register(ServiceCollector())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
