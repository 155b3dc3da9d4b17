"""Private Redis and PostgreSQL servers (:mod:`bench.servers`) the fault
tests may stop, flush and restart. One that cannot start fails the test."""

from __future__ import annotations

import pytest

from bench.servers import PrivatePostgres, PrivateRedis


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    server.start()
    yield server
    server.remove()
