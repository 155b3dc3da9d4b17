"""``bench/results.json``: the machine, then every section's figures, merged.

Each section reads the file, adds or replaces its own keys and writes it back,
so sections added later (reading, pipeline, ...) keep each other's figures.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results.json")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _proc_field("/proc/cpuinfo", "model name") or platform.processor(),
        "ram_gb": round(_mem_total_kb() / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def merge(figures: Mapping[str, Any], path: Path = RESULTS) -> dict[str, Any]:
    """Add ``figures`` to the results file (read, update, write); the whole file."""
    try:
        results = json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        results = {}
    results.update(figures)
    results["machine"] = machine()
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    partial.replace(path)
    return results


def table(figures: Mapping[str, Any]) -> str:
    """The figures as a two-column text table."""
    rows = [(key, _show(value)) for key, value in figures.items()]
    width = max((len(key) for key, _ in rows), default=10)
    lines = [f"{'figure':<{width}}  value", f"{'-' * width}  {'-' * 12}"]
    lines += [f"{key:<{width}}  {value}" for key, value in rows]
    return "\n".join(lines)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 1000 else f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Mapping | list):
        return json.dumps(value)
    return str(value)


def _proc_field(path: str, name: str) -> str | None:
    try:
        with open(path) as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key.strip() == name:
                    return value.strip()
    except OSError:
        pass
    return None


def _mem_total_kb() -> int:
    value = _proc_field("/proc/meminfo", "MemTotal") or "0 kB"
    return int(value.split()[0])
