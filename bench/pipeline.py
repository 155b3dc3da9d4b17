"""End to end: forms/s with 1 and 2 workers on Redis, upload-to-decision
latency, and worker memory, against raw pdfplumber on the same forms.

Real parts throughout: ``intake worker`` processes on Redis, PostgreSQL
(SQLite if PostgreSQL is unreachable), the bounded reader child. Latency is
taken from the clock before ``accept`` to the request's ``decided_at``;
throughput from the first acceptance to the last decision. The service's own
reader is timed on the same forms too: latency minus its read is what the
pipeline itself costs (accepting, the queue, the child, deciding).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pdfplumber
from sqlalchemy import func, select

from bench.run import Run
from intake import workers
from intake.config import Settings
from intake.db import aware
from intake.directory.services import import_directory
from intake.reading import ReadLimits, read_document
from intake.service import Intake
from intake.submissions.models import Request, Submission, SubmissionState

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_forms"
REDIS_URL = os.environ.get("INTAKE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
THROUGHPUT_FORMS = 120
LATENCY_FORMS = 30
RECEIVED = dt.date(2026, 11, 20)


def sample_forms() -> list[Path]:
    """The committed sample files that hold at least one form."""
    expected = json.loads((SAMPLES / "expected.json").read_text())
    return [
        SAMPLES / entry["file"]
        for entry in expected
        if entry["requests"][0]["codes"] not in (["NOT_A_PDF"], ["PDF_UNREADABLE"])
    ]


def raw_read_seconds(path: Path) -> float:
    """pdfplumber opening the file and extracting every page's words: the floor."""
    started = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
    return time.perf_counter() - started


def own_read_seconds(path: Path) -> float:
    """The service's own reader on the same file, in this process (no child)."""
    started = time.perf_counter()
    read_document(path, ReadLimits())
    return time.perf_counter() - started


def raw_baseline(forms: list[Path], repeat: int = 3) -> dict[str, float]:
    """Best-of-``repeat`` raw read time of each form, and the single-process
    rate; and the same for the service's own reader, so the pipeline's own
    cost (latency minus reading) can be told apart from reading."""
    best = [min(raw_read_seconds(path) for _ in range(repeat)) for path in forms]
    own = [min(own_read_seconds(path) for _ in range(repeat)) for path in forms]
    return {
        "raw_read_p50_ms": statistics.median(best) * 1000,
        "raw_parse_forms_per_s": len(best) / sum(best),
        "own_read_p50_ms": statistics.median(own) * 1000,
    }


def _environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(
        INTAKE_DATA_DIR=str(settings.data_dir),
        INTAKE_DATABASE_URL=settings.database_url,
        INTAKE_BROKER_URL=settings.broker_url or "",
        INTAKE_QUEUE=settings.queue,
        INTAKE_SECRET_KEY=settings.secret_key,
        INTAKE_SAMPLE_SHARE="0",
    )
    return env


def start_workers(intake: Intake, count: int) -> list[subprocess.Popen[bytes]]:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli",
                "worker",
                "--concurrency",
                "1",
                "--no-beat",
                "--quiet",
            ],
            env=_environment(intake.settings),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(count)
    ]
    deadline = time.monotonic() + 60
    while workers.live_workers(intake.db, intake.settings.queue) < count:
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            raise RuntimeError("benchmark workers did not start")
        time.sleep(0.1)
    return procs


def stop_workers(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def peak_rss_mb(procs: list[subprocess.Popen[bytes]]) -> float:
    """The largest peak RSS (VmHWM) of any process descended from the workers:
    the worker itself, its pool process and the pool's reader child."""
    parents: dict[int, int] = {}
    peaks: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        pid = int(status.parent.name)
        parents[pid] = int(fields.get("PPid", "0").strip() or 0)
        peaks[pid] = int(fields.get("VmHWM", "0 kB").split()[0])
    roots = {proc.pid for proc in procs}

    def descends(pid: int) -> bool:
        while pid > 1:
            if pid in roots:
                return True
            pid = parents.get(pid, 0)
        return False

    return max((peak for pid, peak in peaks.items() if descends(pid)), default=0) / 1024


def submit_copy(intake: Intake, path: Path, n: int, enqueue) -> int:
    data = path.read_bytes() + f"% bench copy {n} {uuid.uuid4().hex}\n".encode()
    return intake.accept(
        data,
        filename=path.name,
        channel="api",
        received_on=RECEIVED,
        after_commit=enqueue,
    ).submission_id


def wait_done(intake: Intake, ids: list[int], timeout: float = 600, poll: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with intake.db.session() as session:
            done = session.scalar(
                select(func.count()).where(
                    Submission.id.in_(ids), Submission.state == SubmissionState.DONE
                )
            )
        if done == len(ids):
            return
        time.sleep(poll)
    raise RuntimeError(f"{len(ids) - done} submissions not decided in {timeout}s")


def decided_span(intake: Intake, ids: list[int]) -> float:
    with intake.db.session() as session:
        first = session.scalar(
            select(func.min(Submission.received_at)).where(Submission.id.in_(ids))
        )
        last = session.scalar(
            select(func.max(Request.decided_at)).where(Request.submission_id.in_(ids))
        )
    return (aware(last) - aware(first)).total_seconds()


def run(bench: Run) -> dict[str, Any]:
    """The pipeline section of ``python -m bench``."""
    from tasks.processing import enqueue
    from web import create_app

    forms = sample_forms()
    found: dict[str, Any] = raw_baseline(forms)
    backends = ["sqlite"] + (["postgres"] if bench.has_postgres else [])
    for backend in backends:
        suffix = "" if backend == "sqlite" else "_postgres"
        for count in (1, 2):
            figures = _measure(bench, backend, count, forms, enqueue, create_app)
            found.update({f"{key}{suffix}": value for key, value in figures.items()})
        found[f"worker_peak_rss_mb{suffix}"] = max(
            found[f"worker_peak_rss_mb_1{suffix}"], found[f"worker_peak_rss_mb_2{suffix}"]
        )
        found[f"pipeline_latency_vs_read_ratio{suffix}"] = round(
            found[f"pipeline_latency_p50_ms{suffix}"] / found["raw_read_p50_ms"], 3
        )
        found[f"throughput_vs_parse_ratio_2_workers{suffix}"] = round(
            found[f"forms_per_s_2_workers{suffix}"] / found["raw_parse_forms_per_s"], 3
        )
        found[f"pipeline_overhead_p50_ms{suffix}"] = round(
            found[f"pipeline_latency_p50_ms{suffix}"] - found["own_read_p50_ms"], 2
        )
    for key in ("raw_read_p50_ms", "raw_parse_forms_per_s", "own_read_p50_ms"):
        found[key] = round(found[key], 2)
    return found


def _measure(bench: Run, backend: str, count: int, forms, enqueue, create_app) -> dict[str, Any]:
    """Throughput with ``count`` workers (and latency with one) on one database."""
    settings = Settings(
        data_dir=bench.scratch / f"pipeline-{backend}-{count}",
        database_url=bench.new_database(backend, f"pipeline-{count}"),
        broker_url=REDIS_URL,
        secret_key="bench",
        queue=f"bench-{uuid.uuid4().hex[:8]}",
        sample_share=0.0,
    )
    app = create_app({"INTAKE_SETTINGS": settings})
    intake = app.extensions["intake"]
    import_directory(intake.db, SAMPLES / "directory")
    procs = start_workers(intake, count)
    figures: dict[str, Any] = {}
    try:
        with app.app_context():
            warm = [submit_copy(intake, path, -1, enqueue) for path in forms[: 2 * count]]
            wait_done(intake, warm)
            ids = [
                submit_copy(intake, forms[n % len(forms)], n, enqueue)
                for n in range(THROUGHPUT_FORMS)
            ]
            wait_done(intake, ids)
            rate = THROUGHPUT_FORMS / decided_span(intake, ids)
            figures[f"forms_per_s_{count}_worker{'s' if count > 1 else ''}"] = round(rate, 2)
            if count == 1:
                figures.update(_latency(intake, forms, enqueue))
        figures[f"worker_peak_rss_mb_{count}"] = round(peak_rss_mb(procs), 1)
    finally:
        stop_workers(procs)
        intake.db.dispose()
    return figures


def _latency(intake: Intake, forms: list[Path], enqueue) -> dict[str, float]:
    """Upload-to-decision time, one form at a time on an idle worker."""
    latencies = []
    for n in range(LATENCY_FORMS):
        started = dt.datetime.now(dt.UTC)
        submission_id = submit_copy(intake, forms[n % len(forms)], 10_000 + n, enqueue)
        wait_done(intake, [submission_id], poll=0.005)
        with intake.db.session() as session:
            decided = session.scalar(
                select(func.max(Request.decided_at)).where(Request.submission_id == submission_id)
            )
        latencies.append((aware(decided) - started).total_seconds() * 1000)
    latencies.sort()
    return {
        "pipeline_latency_p50_ms": round(statistics.median(latencies), 2),
        "pipeline_latency_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 2),
    }
