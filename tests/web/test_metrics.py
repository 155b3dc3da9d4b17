"""/metrics: the service's figures, read from its database at each scrape."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from intake import workers
from intake.decisions import pipeline
from tests.conftest import ROOT


def _samples(client) -> dict[tuple[str, tuple], float]:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.get_data(as_text=True))
        for sample in family.samples
    }


def test_metrics_count_forms_decisions_and_reasons_from_the_database(app, client, make_request):
    intake = app.extensions["intake"]
    make_request(channel="web", status="applied", reasons=[])
    reason = {"code": "ORG_UNKNOWN", "field": "org_code", "message": "m", "action": "a"}
    make_request(filename="b.pdf", channel="api", status="rejected", reasons=[reason])
    workers.beat(intake.db, "worker@test", intake.settings.queue)

    samples = _samples(client)

    assert samples[("intake_forms_received_total", (("channel", "web"),))] == 1
    assert samples[("intake_forms_received_total", (("channel", "api"),))] == 1
    assert samples[("intake_requests", (("status", "applied"),))] == 1
    assert samples[("intake_requests", (("status", "rejected"),))] == 1
    assert samples[("intake_decision_reasons_total", (("code", "ORG_UNKNOWN"),))] == 1
    assert samples[("intake_workers_live", ())] == 1


def test_metrics_say_when_nothing_is_being_decided(client, make_request):
    make_request(status="received")

    samples = _samples(client)

    assert samples[("intake_workers_live", ())] == 0
    assert samples[("intake_oldest_undecided_seconds", ())] > 0  # a file is waiting


def test_metrics_give_reading_and_decision_times_as_histograms(app, client):
    intake = app.extensions["intake"]
    form = (ROOT / "sample_forms" / "applied_gp_partner.pdf").read_bytes()
    accepted = intake.accept(form, filename="form.pdf", channel="api")
    pipeline.handle(intake, accepted.submission_id)

    samples = _samples(client)

    for name in ("intake_read_seconds", "intake_decision_seconds"):
        assert samples[(f"{name}_count", ())] == 1
        assert samples[(f"{name}_bucket", (("le", "+Inf"),))] == 1
        assert samples[(f"{name}_bucket", (("le", "600.0"),))] == 1
        assert samples[(f"{name}_bucket", (("le", "0.05"),))] in (0, 1)
        assert 0 < samples[(f"{name}_sum", ())] < 600
    # A decision comes after its reading.
    assert samples[("intake_decision_seconds_sum", ())] >= samples[("intake_read_seconds_sum", ())]
