"""Import a directory in this process and print what it cost, as JSON.

``python -m bench.import_child DATABASE_URL FOLDER``: brings the schema up to
date, then times ``import_directory`` alone, into the empty directory and
then again over the first (a re-import, with its change report). ``peak_mb`` is this process's
peak resident size over its whole life (interpreter, SQLAlchemy, Alembic and
the import); ``baseline_mb`` is the same just before the import started.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from intake.db import Database
from intake.directory.services import import_directory
from intake.migrate import upgrade


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main(url: str, folder: str) -> None:
    db = Database(url)
    upgrade(db.engine)
    baseline = peak_mb()
    started = time.perf_counter()
    summary = import_directory(db, Path(folder), actor="bench")
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    import_directory(db, Path(folder), actor="bench")  # again: what a nightly import does
    reimport_seconds = time.perf_counter() - started
    db.dispose()
    report = {
        "seconds": seconds,
        "reimport_seconds": reimport_seconds,
        "rows": sum(summary.counts.values()),
        "counts": summary.counts,
        "baseline_mb": baseline,
        "peak_mb": peak_mb(),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:3])
