"""The watched folder: a third way in, for scanners and shared drives.

A file is taken once it is stable: its size and modification time are the
same at two looks at least ``stable_for_s`` apart (a file still being copied
keeps changing). The looks are remembered in ``.intake-watch.json`` in the
folder, so a scan may run from a loop (``intake watch``) or a scheduled
task alike; a lock file keeps two scans of one folder from overlapping.

A PDF goes through ``accept()`` (channel ``folder``) and, only after that
has committed, is moved to ``processed/``. Anything else (not a PDF, empty,
over the size limit) is moved to ``refused/`` with ``<name>.txt`` beside it
saying why. A crash after the commit but before the move leaves the file
where it was: the next scan accepts the same bytes again, which answers
with the first references, and moves it then. Each file taken or refused is
recorded as a :class:`~intake.models.WatchedFile`.

Hidden and partial files are left alone: names starting with ``.`` or
``~`` and names ending ``.part``, ``.tmp``, ``.crdownload`` or ``.partial``;
so are symbolic links and sub-folders.

The received day is the day the file appeared in the folder (its status
change time, Europe/London), which whoever copies it cannot set, unlike its
modification time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intake.config import LONDON
from intake.ingest.message import looks_like_pdf
from intake.ingest.models import WatchedFile
from intake.reading.detect import describe
from intake.service import Intake
from intake.storage import fsync_dir
from intake.submissions.services import UploadRejected

STATE_FILE = ".intake-watch.json"
LOCK_FILE = ".intake-watch.lock"
PROCESSED = "processed"
REFUSED = "refused"
PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


@dataclass(frozen=True)
class WatchResult:
    """One file taken or refused by a scan."""

    name: str
    outcome: str  # taken | refused
    references: tuple[str, ...] = ()
    duplicate: bool = False
    why: str = ""
    moved_to: Path | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def scan_folder(
    intake: Intake,
    folder: Path,
    enqueue: Callable[[int], None] | None,
    *,
    stable_for_s: float = 2.0,
    now: float | None = None,
) -> list[WatchResult]:
    """Look at ``folder`` once; take or refuse the files that are stable.

    ``now`` (seconds since the epoch) is for tests. Returns ``[]`` when
    another scan of the folder is running.
    """
    now = time.time() if now is None else now
    folder = Path(folder)
    with _locked(folder) as locked:
        if not locked:
            return []
        state = _load_state(folder)
        looks: dict[str, dict[str, Any]] = {}
        results = []
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if _ignored(entry):
                continue
            stat = entry.stat(follow_symlinks=False)
            signature = [stat.st_size, stat.st_mtime_ns]
            earlier = state.get(entry.name)
            if earlier is None or earlier.get("signature") != signature:
                looks[entry.name] = {"signature": signature, "since": now}
            elif now - float(earlier.get("since", now)) < stable_for_s:
                looks[entry.name] = earlier
            else:
                with contextlib.suppress(FileNotFoundError):  # taken away meanwhile
                    results.append(_take(intake, folder, Path(entry.path), stat, enqueue))
        _save_state(folder, looks)
    return results


def _ignored(entry: os.DirEntry) -> bool:
    name = entry.name
    return (
        name.startswith((".", "~"))
        or name.lower().endswith(PARTIAL_SUFFIXES)
        or entry.is_symlink()
        or not entry.is_file(follow_symlinks=False)
    )


def _take(
    intake: Intake,
    folder: Path,
    path: Path,
    stat: os.stat_result,
    enqueue: Callable[[int], None] | None,
) -> WatchResult:
    limit = intake.settings.max_upload_bytes
    if stat.st_size > limit:
        why = f"the file is {stat.st_size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB"
        return _refuse(intake, folder, path, "", why)
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    if not looks_like_pdf(data):
        return _refuse(intake, folder, path, sha256, describe(data))
    received_on = dt.datetime.fromtimestamp(stat.st_ctime, LONDON).date()
    try:
        accepted = intake.accept(
            data,
            filename=path.name,
            channel="folder",
            received_on=received_on,
            after_commit=enqueue,
        )
    except UploadRejected as exc:
        return _refuse(intake, folder, path, sha256, exc.message)
    detail = {
        "references": list(accepted.references),
        "duplicate": accepted.duplicate,
        "received_on": received_on.isoformat(),
    }
    _record(intake, path, sha256, "taken", accepted.submission_id, detail)
    moved = _move(path, folder / PROCESSED)
    return WatchResult(
        path.name,
        "taken",
        accepted.references,
        accepted.duplicate,
        moved_to=moved,
        detail=detail,
    )


def _refuse(intake: Intake, folder: Path, path: Path, sha256: str, why: str) -> WatchResult:
    _record(intake, path, sha256, "refused", None, {"why": why})
    target = folder / REFUSED
    target.mkdir(exist_ok=True)
    moved = _free_name(target, path.name)
    note = moved.with_name(moved.name + ".txt")
    note.write_text(
        f"{path.name} was not taken: {why}.\n"
        "Put the completed, signed authorisation form in the folder as a PDF file.\n"
    )
    os.rename(path, moved)
    fsync_dir(target)
    return WatchResult(path.name, "refused", why=why, moved_to=moved)


def _record(intake, path: Path, sha256: str, outcome: str, submission_id, detail) -> None:
    with intake.db.session() as session:
        session.add(
            WatchedFile(
                path=str(path)[:1000],
                sha256=sha256,
                submission_id=submission_id,
                outcome=outcome,
                detail=detail,
            )
        )


def _move(path: Path, target: Path) -> Path:
    target.mkdir(exist_ok=True)
    moved = _free_name(target, path.name)
    os.rename(path, moved)
    fsync_dir(target)
    return moved


def _free_name(target: Path, name: str) -> Path:
    """``target/name``, or ``target/<stem>-2<suffix>`` and so on if taken."""
    candidate = target / name
    stem, suffix = os.path.splitext(name)
    number = 1
    while candidate.exists() or candidate.with_name(candidate.name + ".txt").exists():
        number += 1
        candidate = target / f"{stem}-{number}{suffix}"
    return candidate


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[bool]:
    with open(folder / LOCK_FILE, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _load_state(folder: Path) -> dict[str, dict[str, Any]]:
    try:
        state = json.loads((folder / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _save_state(folder: Path, state: dict[str, dict[str, Any]]) -> None:
    tmp = folder / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state))
    os.replace(tmp, folder / STATE_FILE)
