"""Throwaway PostgreSQL databases for the benchmark, created and dropped here."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def server_url() -> str:
    """The server to use: ``INTAKE_BENCH_POSTGRES_URL`` or the test server."""
    return os.environ.get("INTAKE_BENCH_POSTGRES_URL") or DEFAULT_URL


def _admin(url: str) -> dict[str, object]:
    parsed = make_url(url)
    return dict(
        host=parsed.host,
        port=parsed.port,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
        connect_timeout=5,
        autocommit=True,
    )


def available(url: str) -> str | None:
    """``None`` when the server answers, else why not."""
    try:
        with psycopg.connect(**_admin(url)):
            return None
    except psycopg.Error as exc:
        return str(exc).strip()


@contextmanager
def throwaway_database(url: str) -> Iterator[str]:
    """A new empty database on the server of ``url``, dropped afterwards."""
    name = f"intake_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**_admin(url)) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**_admin(url)) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
