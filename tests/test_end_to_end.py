"""Every sample form through the real pipeline: the CLI, the queue and a real
worker process, on Redis and on the embedded broker."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from intake.directory.services import import_directory
from intake.service import Intake
from tests.conftest import ROOT, make_settings, settings_env

SAMPLES = ROOT / "sample_forms"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text())


def run_submit(settings, files, received, *extra):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "submit",
            *map(str, files),
            "--received",
            received,
            "--wait",
            "--json",
            *extra,
        ],
        env=settings_env(settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def assert_matches_expected(results: list[dict], entries: list[dict]) -> None:
    by_file = defaultdict(list)
    for row in results:
        by_file[row["source_file"]].append(row)
    for entry in entries:
        got = by_file[Path(entry["file"]).name]
        assert len(got) == len(entry["requests"]), entry["file"]
        for want, row in zip(entry["requests"], got, strict=True):
            where = f"{entry['file']} ({entry.get('about', '')}) {row['reference']}"
            codes = sorted(reason["code"] for reason in row["reasons"])
            assert (row["status"], codes) == (want["status"], sorted(want["codes"])), where
            assert row["fields"] == want["fields"], where
            assert all(reason["message"] and reason["action"] for reason in row["reasons"])


@pytest.fixture(params=["embedded", "redis"])
def pipeline_settings(request, tmp_path):
    broker_url = request.getfixturevalue("redis_server") if request.param == "redis" else None
    return make_settings(tmp_path, broker_url=broker_url)


@pytest.mark.pipeline
def test_every_sample_form_reaches_its_expected_decision(pipeline_settings, start_worker):
    intake = Intake.start(pipeline_settings)
    import_directory(intake.db, SAMPLES / "directory")
    start_worker(pipeline_settings, intake)

    by_day = defaultdict(list)
    for entry in EXPECTED:
        by_day[entry["received"]].append(entry)
    for received, entries in by_day.items():
        results = run_submit(pipeline_settings, [SAMPLES / e["file"] for e in entries], received)
        assert all(row["status"] in ("applied", "rejected", "review") for row in results)
        assert_matches_expected(results, entries)


@pytest.mark.pipeline
def test_submit_wait_starts_a_worker_of_its_own_when_none_is_running(tmp_path):
    settings = make_settings(tmp_path)
    intake = Intake.start(settings)
    import_directory(intake.db, SAMPLES / "directory")
    entries = EXPECTED[:2]

    results = run_submit(settings, [SAMPLES / e["file"] for e in entries], entries[0]["received"])

    assert_matches_expected(results, entries)


@pytest.mark.pipeline
def test_the_same_file_submitted_twice_is_one_request(tmp_path, start_worker):
    settings = make_settings(tmp_path)
    intake = Intake.start(settings)
    import_directory(intake.db, SAMPLES / "directory")
    start_worker(settings, intake)
    sample = SAMPLES / EXPECTED[0]["file"]

    first = run_submit(settings, [sample], EXPECTED[0]["received"])
    again = run_submit(settings, [sample], EXPECTED[0]["received"])

    assert [r["reference"] for r in again] == [r["reference"] for r in first]
    assert again[0]["status"] == first[0]["status"]


@pytest.mark.pipeline
def test_submit_draws_a_progress_bar_on_a_terminal(tmp_path, start_worker):
    settings = make_settings(tmp_path)
    intake = Intake.start(settings)
    import_directory(intake.db, SAMPLES / "directory")
    start_worker(settings, intake)
    files = [str(SAMPLES / e["file"]) for e in EXPECTED[:3]]
    main, terminal = pty.openpty()

    result = subprocess.run(
        [sys.executable, "-m", "cli", "submit", *files, "--received", "2026-11-20", "--wait"],
        env=settings_env(settings),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=terminal,
        text=True,
        timeout=300,
    )
    os.close(terminal)
    drawn = b""
    while select.select([main], [], [], 0.5)[0]:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(main)

    assert result.returncode == 0
    assert b"deciding" in drawn and b"3/3" in drawn
    assert len(result.stdout.splitlines()) == 3


def submit_process(settings, files, *extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", "submit", *map(str, files), "--json", *extra],
        env=settings_env(settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_every_file_given_gets_its_object_an_empty_one_too(tmp_path):
    settings = make_settings(tmp_path)
    intake = Intake.start(settings)
    import_directory(intake.db, SAMPLES / "directory")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    entry = EXPECTED[0]

    result = submit_process(
        settings, [SAMPLES / entry["file"], empty], "--wait", "--received", entry["received"]
    )

    rows = json.loads(result.stdout)
    assert [row["source_file"] for row in rows] == [entry["file"], "empty.pdf"]
    assert rows[1]["status"] == "not_submitted"
    assert rows[1]["reference"] is None
    assert rows[1]["reasons"][0]["code"] == "EMPTY_FILE"
    assert_matches_expected(rows[:1], [entry])
    assert result.returncode == 1  # a file was not submitted: scripts can tell


def test_at_its_timeout_wait_lists_every_request_and_says_which_are_pending(tmp_path):
    settings = make_settings(tmp_path)
    intake = Intake.start(settings)
    import_directory(intake.db, SAMPLES / "directory")
    files = [SAMPLES / e["file"] for e in EXPECTED[:3]]

    result = submit_process(settings, files, "--wait", "--timeout", "0")

    rows = json.loads(result.stdout)
    assert sorted(row["source_file"] for row in rows) == sorted(f.name for f in files)
    assert all(row["reference"] for row in rows)
    assert "gave up waiting" in result.stderr and "still pending" in result.stderr
    assert result.returncode == 2
