"""bench/results.json: sections merge their figures without losing others'."""

from __future__ import annotations

import json

from bench import results


def test_merging_keeps_other_sections_figures_and_refreshes_the_machine(tmp_path):
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"reading_pages_per_s": 12.5, "verify_p50_ms_1k": 9.0}))

    merged = results.merge({"verify_p50_ms_1k": 1.5}, path)

    assert json.loads(path.read_text()) == merged
    assert merged["reading_pages_per_s"] == 12.5
    assert merged["verify_p50_ms_1k"] == 1.5
    assert {"cpu_count", "cpu_model", "ram_gb", "python", "date"} <= set(merged["machine"])


def test_merging_starts_a_missing_or_broken_file_afresh(tmp_path):
    path = tmp_path / "results.json"
    path.write_text("{not json")
    assert set(results.merge({"a": 1}, path)) == {"a", "machine"}


def test_the_table_lists_every_figure():
    text = results.table({"directory_import_rows_per_s": 207120.4, "ok": True})
    assert "207,120" in text and "yes" in text
