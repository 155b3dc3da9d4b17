"""Fixtures shared by the whole suite: settings, databases on SQLite and
PostgreSQL, Redis, and a real worker process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from sqlalchemy.engine import make_url

from intake import workers
from intake.config import Settings
from intake.service import Intake

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get(
    "INTAKE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("INTAKE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server URL; fails (never skips) when it is unreachable."""
    url = make_url(POSTGRES_URL)
    try:
        with psycopg.connect(
            host=url.host, port=url.port, user=url.username, dbname=url.database, connect_timeout=5
        ):
            pass
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc}")
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    url = make_url(postgres_server)
    name = f"intake_test_{uuid.uuid4().hex[:12]}"
    admin = dict(host=url.host, port=url.port, user=url.username, dbname=url.database)
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def redis_server() -> str:
    """The Redis URL; fails (never skips) when it is unreachable."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'intake.sqlite3'}"
    return request.getfixturevalue("postgres_url")


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    """Settings for a test: its own data folder, SQLite unless told otherwise."""
    base = Settings(
        data_dir=tmp_path / "var",
        database_url=f"sqlite:///{tmp_path / 'intake.sqlite3'}",
        secret_key="test-secret",
        queue=f"intake-test-{uuid.uuid4().hex[:8]}",
    )
    return base.with_overrides(**overrides)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def intake(settings: Settings) -> Iterator[Intake]:
    service = Intake.start(settings)
    yield service
    service.db.dispose()


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment a child process needs to see the same settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    env.update(
        INTAKE_DATA_DIR=str(settings.data_dir),
        INTAKE_DATABASE_URL=settings.database_url,
        INTAKE_SECRET_KEY=settings.secret_key,
        INTAKE_QUEUE=settings.queue,
        INTAKE_SWEEP_INTERVAL_S=str(settings.sweep_interval_s),
        INTAKE_RESEND_AFTER_S=str(settings.resend_after_s),
        INTAKE_CLAIM_LEASE_S=str(settings.claim_lease_s),
        INTAKE_READER_MEMORY_MB=str(settings.reader_memory_mb),
        INTAKE_READER_TIMEOUT_S=str(settings.reader_timeout_s),
        INTAKE_FAST_READ_S=str(settings.fast_read_s),
        INTAKE_QUARANTINE_AFTER=str(settings.quarantine_after),
    )
    if settings.broker_url:
        env["INTAKE_BROKER_URL"] = settings.broker_url
    return env


class WorkerProcess:
    """A real ``intake worker`` process, started and stopped by a test."""

    def __init__(
        self, settings: Settings, log: Path, concurrency: int = 2, lane: str = "both"
    ) -> None:
        self.settings = settings
        self.log = log
        self.concurrency = concurrency
        self.lane = lane
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, intake: Intake, timeout: float = 180) -> WorkerProcess:
        before = workers.live_workers(intake.db, self.settings.queue)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    *(sys.executable, "-m", "cli", "worker"),
                    *("--concurrency", str(self.concurrency), "--lane", self.lane),
                    *(("--no-beat",) if self.lane == "heavy" else ()),
                ],
                env=settings_env(self.settings),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while workers.live_workers(intake.db, self.settings.queue) <= before:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"worker did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator:
    """Start real worker processes; every one is stopped after the test."""
    started: list[WorkerProcess] = []

    def start(
        settings: Settings, intake: Intake, concurrency: int = 2, lane: str = "both"
    ) -> WorkerProcess:
        log = tmp_path / f"worker-{len(started)}.log"
        worker = WorkerProcess(settings, log, concurrency, lane)
        started.append(worker)
        return worker.start(intake)

    yield start
    for worker in started:
        worker.stop()
    for worker in started:
        # Celery logs (and survives) a hook that raises: a broken hook would
        # otherwise pass unseen.
        log = worker.log.read_text(errors="replace")
        assert "Signal handler" not in log, f"a worker hook raised:\n{log[-3000:]}"
