"""Accepted files on disk: written under a generated name, fsynced, never overwritten."""

from __future__ import annotations

import os
import uuid
from pathlib import Path


class FileStore:
    """Keeps accepted files under ``root`` with names the service chooses.

    The requester's file name is never used as a path: it is only stored as
    text in the database.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, data: bytes) -> str:
        """Write ``data`` durably and return its stored name (relative path).

        The bytes go to a temporary file that is fsynced and then renamed, so
        a crash leaves either the whole file or nothing under the final name.
        """
        name = f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.bin"
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
        return name

    def path(self, stored_name: str) -> Path:
        """Where a stored file lives."""
        path = (self.root / stored_name).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"stored name escapes the file store: {stored_name!r}")
        return path

    def read(self, stored_name: str) -> bytes:
        return self.path(stored_name).read_bytes()

    def delete(self, stored_name: str) -> None:
        self.path(stored_name).unlink(missing_ok=True)


def fsync_dir(directory: Path) -> None:
    """Make a file's creation or rename in ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
