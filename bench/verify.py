"""Section ``verify``: time ``verify()`` over ``SqlDirectory`` at 1k and 1M staff.

The same mix of ~500 realistic forms (``bench.forms``) runs against a
directory of 100 organisations / 1,000 staff and one of 100,000 / 1,000,000,
each form in its own session as the worker does. One untimed pass warms the
caches; the timed passes give p50 and p95. The bar: p50 at 1M within 1.5x of
p50 at 1k. The SQL a pass issues is then checked with EXPLAIN for full scans
of the directory tables.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.forms import RECEIVED, Form, build_forms
from bench.run import LARGE, SMALL, Run, Size, cached_directory
from intake.db import Database
from intake.directory.queries import SqlDirectory
from verification.rules import verify

FORMS = 500
TIMED_PASSES = 3
BAR = 1.5
BIG_TABLES = ("organisations", "staff", "ael_entries", "role_holders", "icb_contacts")


def _verify_one(db: Database, form: Form) -> tuple[float, str]:
    with db.sessions() as session:
        started = time.perf_counter()
        verdict = verify(form, {}, received=RECEIVED, directory=SqlDirectory(session))
        return time.perf_counter() - started, verdict.outcome.value


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_verify(url: str, forms: list[Form]) -> dict[str, Any]:
    """p50/p95 in ms, outcomes, queries per form, and scans found by EXPLAIN."""
    db = Database(url)
    statements: dict[str, Any] = {}
    executed = 0

    def capture(conn, cursor, statement, parameters, context, executemany):
        nonlocal executed
        executed += 1
        statements.setdefault(statement, parameters)

    try:
        outcomes = Counter(_verify_one(db, form)[1] for form in forms)  # warm-up
        event.listen(db.engine, "before_cursor_execute", capture)
        for form in forms:
            _verify_one(db, form)
        event.remove(db.engine, "before_cursor_execute", capture)
        timings = [_verify_one(db, form)[0] for _ in range(TIMED_PASSES) for form in forms]
        scans = full_scans(db.engine, statements)
    finally:
        db.dispose()
    return {
        "p50_ms": _percentile(timings, 0.50) * 1000,
        "p95_ms": _percentile(timings, 0.95) * 1000,
        "queries_per_form": executed / len(forms),
        "outcomes": dict(sorted(outcomes.items())),
        "full_scans": scans,
    }


def full_scans(engine: Engine, statements: dict[str, Any]) -> list[str]:
    """Plan lines that read a whole directory table, for each statement issued."""
    sqlite = engine.dialect.name == "sqlite"
    found = []
    with engine.connect() as conn:
        for statement, parameters in statements.items():
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = conn.exec_driver_sql(explain + statement, parameters).all()
            lines = [str(row[-1]) for row in rows]
            for line in lines:
                scan = line.lstrip().startswith("SCAN") if sqlite else "Seq Scan" in line
                if scan and any(table in line for table in BIG_TABLES):
                    found.append(f"{line.strip()}  <-  {' '.join(statement.split())[:160]}")
    return found


def run(bench: Run) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    backends = ["sqlite"] + (["postgres"] if bench.has_postgres else [])
    sizes: tuple[tuple[Size, str], ...] = ((SMALL, "1k"), (LARGE, "1m"))
    for backend in backends:
        suffix = "" if backend == "sqlite" else "_postgres"
        for size, label in sizes:
            _, info = cached_directory(size)
            forms = [form for _, form in build_forms(info, FORMS)]
            url = bench.directory_database(backend, size)
            print(f"  verifying {len(forms)} forms x {TIMED_PASSES} on {backend}, {label} ...")
            result = time_verify(url, forms)
            figures[f"verify_p50_ms_{label}{suffix}"] = round(result["p50_ms"], 3)
            figures[f"verify_p95_ms_{label}{suffix}"] = round(result["p95_ms"], 3)
            figures[f"verify_queries_per_form_{label}{suffix}"] = round(
                result["queries_per_form"], 1
            )
            figures[f"verify_outcomes_{label}{suffix}"] = result["outcomes"]
            figures[f"verify_full_scans_{label}{suffix}"] = result["full_scans"]
        ratio = figures[f"verify_p50_ms_1m{suffix}"] / figures[f"verify_p50_ms_1k{suffix}"]
        figures[f"verify_1m_vs_1k_p50_ratio{suffix}"] = round(ratio, 3)
        figures[f"verify_1m_within_bar{suffix}"] = ratio <= BAR
    figures["verify_forms"] = FORMS
    return figures
