"""One poll of a mailbox at a time, across every process and machine.

PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) held on a
connection of its own for the length of the poll; SQLite (one machine): an
``flock`` on a file beside the database. Both are let go by the operating
system or the database when the holder dies, so a killed poller never
leaves the mailbox locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text

from intake.db import Database


@contextlib.contextmanager
def held(db: Database, name: str) -> Iterator[bool]:
    """Try to take the lock ``name``; yields whether it was taken (never waits)."""
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            taken = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}))
            conn.commit()
            try:
                yield taken
            finally:
                if taken:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
        return
    database = db.engine.url.database
    folder = Path(database).parent if database and database != ":memory:" else None
    path = (folder or Path(tempfile.gettempdir())) / f".intake-lock-{key & 0xFFFFFFFF:08x}"
    with open(path, "a+b") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
