"""Section ``ods``: 100,000 organisations through ``directory import-ods``
against the plain CSV import of the same rows.

The ODS side is the four generated reports (``bench.make_ods``: epraccur,
egdpprac, eopthq as legacy headerless 27-column files, and the eccg file that
resolves ICB codes); the plain side is ``import_directory`` of an
``organisations.csv`` holding the same organisations and a one-row
``staff.csv``. Each import runs five times (the two alternating), each into a new empty database;
the best time of each counts. The bar: ODS under 1.5 times the plain import.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench.make_ods import write_ods
from bench.run import LARGE, Run
from intake.db import Database
from intake.directory.ods import import_ods
from intake.directory.services import import_directory
from intake.migrate import upgrade

REPEATS = 5
REPORTS = ("epraccur.csv", "egdpprac.csv", "eopthq.csv", "eccg.csv")


def _time(bench: Run, backend: str, label: str, load: Callable[[Database], object]) -> float:
    db = Database(bench.new_database(backend, f"ods-{label}"))
    try:
        upgrade(db.engine)
        started = time.perf_counter()
        load(db)
        return time.perf_counter() - started
    finally:
        db.dispose()


def run(bench: Run) -> dict[str, Any]:
    folder = bench.scratch / "ods"
    rows = write_ods(folder, LARGE.orgs)
    (folder / "staff.csv").write_text(
        "org_code,full_name,email,staff_role,status\n"
        "A80000,Sarah Collins,sarah.collins@nhs.net,gp_partner,active\n",
        encoding="utf-8",
    )
    files = [folder / name for name in REPORTS]

    def import_plain(db: Database) -> object:
        return import_directory(db, folder, actor="bench")

    def import_files(db: Database) -> object:
        summary = import_ods(db, files, actor="bench")
        if summary.added != rows:
            raise RuntimeError(f"ODS import added {summary.added:,} of {rows:,} organisations")
        return summary

    figures: dict[str, Any] = {"ods_import_orgs": rows}
    backends = ["sqlite"] + (["postgres"] if bench.has_postgres else [])
    for backend in backends:
        suffix = "" if backend == "sqlite" else "_postgres"
        print(f"  {rows:,} organisations, ODS files and plain CSV, into {backend} ...", flush=True)
        plain = ods = float("inf")
        for repeat in range(REPEATS):  # alternated, so a busy moment hits both
            plain = min(plain, _time(bench, backend, f"plain-{repeat}", import_plain))
            ods = min(ods, _time(bench, backend, f"ods-{repeat}", import_files))
        figures[f"ods_import_seconds{suffix}"] = round(ods, 3)
        figures[f"ods_plain_csv_import_seconds{suffix}"] = round(plain, 3)
        figures[f"ods_import_ratio{suffix}"] = round(ods / plain, 2)
        figures[f"ods_import_under_1_5x{suffix}"] = ods < 1.5 * plain
    return figures
