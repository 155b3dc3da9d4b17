"""Section ``directory``: import 100,000 organisations / 1,000,000 staff.

Each import runs in a child process (``bench.import_child``) on a fresh
database, so its peak resident size is the import's own. A smaller import
(a tenth of the rows) shows whether memory grows with the files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.run import LARGE, Run, Size, cached_directory

ROOT = Path(__file__).resolve().parents[1]
TENTH = Size(LARGE.orgs // 10, LARGE.staff // 10)
TIMEOUT_S = 1800


def import_in_child(url: str, folder: Path) -> dict[str, Any]:
    """Run ``bench.import_child`` and return its report."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_child", url, str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"import failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(bench: Run) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    backends = ["sqlite"] + (["postgres"] if bench.has_postgres else [])
    for backend in backends:
        suffix = "" if backend == "sqlite" else "_postgres"
        for size, label in ((TENTH, "_tenth"), (LARGE, "")):
            folder, _ = cached_directory(size)
            url = bench.new_database(backend, f"import-{size.key}")
            print(f"  importing {size.staff:,} staff into {backend} ...", flush=True)
            report = import_in_child(url, folder)
            if size == LARGE:
                bench.imported[(backend, size.key)] = url  # the verify section reuses it
                figures[f"directory_import_rows{suffix}"] = report["rows"]
                figures[f"directory_import_seconds{suffix}"] = round(report["seconds"], 2)
                figures[f"directory_reimport_seconds{suffix}"] = round(
                    report["reimport_seconds"], 2
                )
                figures[f"directory_import_rows_per_s{suffix}"] = round(
                    report["rows"] / report["seconds"]
                )
                figures[f"directory_import_baseline_mb{suffix}"] = round(report["baseline_mb"], 1)
            figures[f"directory_import_peak_mb{label}{suffix}"] = round(report["peak_mb"], 1)
    return figures
