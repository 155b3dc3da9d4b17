"""Reading untrusted PDFs in a bounded child process.

A PDF can be built to exhaust memory (decompression bombs), loop forever
(xref ``/Prev`` cycles, circular XObjects) or crash a parser. So the worker
never parses in its own process: it hands the file's path to a long-lived
reader child (started once per worker process, so the import cost is paid
once) over a pipe, and gets back the reading as JSON, never pickle.

Bounds:

- **memory**: the child runs under ``RLIMIT_AS``; a bomb gets ``MemoryError``
  inside the child, which reports it (``PDF_UNREADABLE``);
- **time**: the parent waits at most ``wall_s`` seconds for an answer, then
  kills the child (``PDF_UNREADABLE``) and starts a new one next time;
- **pages and bytes**: ``ReadLimits``, checked by the reader itself.

A child that dies without answering (a crash) raises :class:`ReaderCrashed`:
the task retries, and the pipeline quarantines a file that keeps doing it.
The child is replaced after ``recycle_after`` documents or when its memory
grows past ``recycle_rss_mb``, so a worker's memory stays flat.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import resource
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from intake.reading import DocumentReading, FieldReading, FormReading, ReadLimits
from intake.reading.model import NoPreview, NotAPdf, PdfUnreadable, ReadError, TooHeavy


class ReaderCrashed(Exception):
    """The reader child died without answering (a parser crash)."""


@dataclasses.dataclass(frozen=True)
class SandboxLimits:
    memory_mb: int = 1536
    wall_s: float = 120.0
    recycle_after: int = 200
    recycle_rss_mb: int = 600


def reading_to_json(reading: DocumentReading) -> dict[str, Any]:
    """A JSON-safe dict of a reading (tuples become lists)."""
    return dataclasses.asdict(reading)


def reading_from_json(data: dict[str, Any]) -> DocumentReading:
    """The inverse of :func:`reading_to_json`."""
    forms = []
    for form in data.pop("forms"):
        fields = {key: FieldReading(**value) for key, value in form.pop("fields").items()}
        form["pages"] = tuple(form["pages"])
        forms.append(FormReading(fields=fields, **form))
    for name, value in list(data.items()):
        if isinstance(value, list):
            data[name] = tuple(value)
    return DocumentReading(forms=tuple(forms), **data)


class ReaderProcess:
    """One reader child, restarted when it dies, hangs or grows."""

    def __init__(self, limits: SandboxLimits | None = None, *, pages_only: bool = False) -> None:
        self.limits = limits or SandboxLimits()
        #: A child that only draws pages (for previews): it loads no OCR engine.
        self.pages_only = pages_only
        self._proc: subprocess.Popen[bytes] | None = None
        self._served = 0
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "intake.reading.sandbox_child"),
                *(("--pages-only",) if self.pages_only else ()),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,  # the worker's stderr: what the child says reaches the log
            start_new_session=True,  # its own process group, killed as one
            env=env,
        )
        # Bounded from outside (no pre-exec hook: the worker has threads).
        # The child reads nothing untrusted before its first request arrives.
        memory = self.limits.memory_mb * 1024 * 1024
        resource.prlimit(proc.pid, resource.RLIMIT_AS, (memory, memory))
        resource.prlimit(proc.pid, resource.RLIMIT_CORE, (0, 0))
        return proc

    def render(self, source: Path, page: int, target: Path) -> None:
        """Draw page ``page`` of ``source`` into ``target`` (a PNG) in the
        child, within its memory and time bounds; raises :class:`NoPreview`."""
        request = {"render": {"source": str(source), "page": page, "target": str(target)}}
        with self._lock:
            try:
                if self._proc is None or self._proc.poll() is not None:
                    self._proc = self._start()
                    self._served = 0
                assert self._proc.stdin is not None
                self._proc.stdin.write(json.dumps(request).encode() + b"\n")
                self._proc.stdin.flush()
                line = self._answer(self._proc, self.limits.wall_s)
            except TimeoutError:
                self._kill()
                raise NoPreview(
                    f"the page could not be drawn within {self.limits.wall_s:g} seconds"
                ) from None
            except OSError:
                line = None
            if not line:
                self._kill()
                raise NoPreview("the page could not be drawn (the drawing process stopped)")
            answer = json.loads(line)
            self._served += 1
            if answer.get("rss_mb", 0) > self.limits.recycle_rss_mb:
                self.close()
        if "no_preview" in answer:
            raise NoPreview(answer["no_preview"])

    def read(self, path: Path, limits: ReadLimits) -> DocumentReading:
        """Read ``path`` in the child; raises ``ReadError`` or ``ReaderCrashed``."""
        return self.begin(path, limits).result()

    def begin(self, path: Path, limits: ReadLimits, wall_s: float | None = None) -> PendingRead:
        """Send ``path`` to the child and return at once; the caller may do
        other work (claim the submission) before asking for the result.

        In the fast lane (``limits.heavy`` false) the read may take at most
        ``wall_s``; a file that takes longer is :class:`TooHeavy`, not
        unreadable."""
        self._lock.acquire()
        try:
            if self._proc is None or self._proc.poll() is not None:
                self._proc = self._start()
                self._served = 0
            request = {"path": str(path), "limits": dataclasses.asdict(limits)}
            assert self._proc.stdin is not None
            self._proc.stdin.write(json.dumps(request).encode() + b"\n")
            self._proc.stdin.flush()
            sent = True
        except OSError:  # the child's end of the pipe is gone
            sent = False
        fast = not limits.heavy and wall_s is not None
        return PendingRead(self, sent, wall_s if fast else None)

    def _finish(self, sent: bool, fast_wall_s: float | None = None) -> DocumentReading:
        """Wait for the answer to the request in flight (lock held by begin)."""
        try:
            try:
                wall_s = fast_wall_s or self.limits.wall_s
                line = self._answer(self._proc, wall_s) if sent and self._proc else None
            except TimeoutError:  # before OSError, of which it is a kind
                self._kill()
                if fast_wall_s:
                    raise TooHeavy(f"reading took over {fast_wall_s:g} s") from None
                raise PdfUnreadable(
                    f"Reading the file took longer than {self.limits.wall_s:.0f} seconds."
                ) from None
            except OSError:
                line = None
            if not line:
                self._kill()
                raise ReaderCrashed("the reader stopped without answering")
            answer = json.loads(line)
            self._served += 1
            if (
                self._served >= self.limits.recycle_after
                or answer.get("rss_mb", 0) > self.limits.recycle_rss_mb
            ):
                self.close()
        finally:
            self._lock.release()
        if "heavy" in answer:
            raise TooHeavy(answer["heavy"])
        if "error" in answer:
            error = NotAPdf if answer["error"] == "NOT_A_PDF" else PdfUnreadable
            raise error(answer["message"], answer.get("cause"))
        return reading_from_json(answer["reading"])

    def _answer(self, proc: subprocess.Popen[bytes], wall_s: float) -> bytes | None:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], wall_s)
        if not ready:
            raise TimeoutError
        return proc.stdout.readline()

    def _kill(self) -> None:
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait()
            self._proc = None

    def close(self) -> None:
        """Stop the child (it exits when its input closes)."""
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._kill()
            self._proc = None


class PendingRead:
    """A file being read in the child; ask for :meth:`result` exactly once."""

    def __init__(self, reader: ReaderProcess, sent: bool, fast_wall_s: float | None) -> None:
        self._reader = reader
        self._sent = sent
        self._fast_wall_s = fast_wall_s
        self._done = False

    def result(self) -> DocumentReading:
        """The reading; raises ``ReadError``, ``TooHeavy`` or ``ReaderCrashed``."""
        if self._done:
            raise RuntimeError("the result of a read was already taken")
        self._done = True
        return self._reader._finish(self._sent, self._fast_wall_s)

    def discard(self) -> None:
        """Drop the reading (the submission was not ours after all)."""
        if not self._done:
            with contextlib.suppress(ReadError, TooHeavy, ReaderCrashed):
                self.result()


_reader: ReaderProcess | None = None


def _reader_for(sandbox: SandboxLimits | None) -> ReaderProcess:
    global _reader
    if _reader is None or (sandbox is not None and _reader.limits != sandbox):
        if _reader is not None:
            _reader.close()
        _reader = ReaderProcess(sandbox)
    return _reader


def warm_up(sandbox: SandboxLimits | None = None) -> None:
    """Start this process's reader child now, so the first file doesn't wait."""
    reader = _reader_for(sandbox)
    with reader._lock:
        if reader._proc is None:
            reader._proc = reader._start()


def begin_bounded(
    path: Path,
    limits: ReadLimits,
    sandbox: SandboxLimits | None = None,
    fast_wall_s: float | None = None,
) -> PendingRead:
    """Start reading a PDF in this process's reader child; see :class:`PendingRead`."""
    return _reader_for(sandbox).begin(path, limits, fast_wall_s)


__all__ = [
    "ReadError",
    "ReaderCrashed",
    "PendingRead",
    "ReaderProcess",
    "begin_bounded",
    "SandboxLimits",
    "warm_up",
]
