"""``python -m bench [SECTION ...]``: run benchmark sections, merge into results.json.

With no section named, every section runs. Each section's figures are merged
into ``bench/results.json`` as soon as it finishes (other sections' keys are
kept), and a table of this run's figures is printed at the end.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from bench import (
    dashboard,
    directory,
    engines,
    ods,
    pipeline,
    reading,
    resolutions,
    results,
    verify,
)
from bench.run import Run

Section = Callable[[Run], dict[str, Any]]


def _filling(fill: Callable[[dict[str, Any]], None]) -> Section:
    """A section written as ``fill(results)`` rather than ``run(bench) -> dict``."""

    def section(_bench: Run) -> dict[str, Any]:
        found: dict[str, Any] = {}
        fill(found)
        return found

    return section


SECTIONS: dict[str, Section] = {
    "directory": directory.run,
    "ods": ods.run,
    "verify": verify.run,
    "reading": _filling(reading.run),
    "resolutions": _filling(resolutions.run),
    "engines": lambda _bench: engines.run()[0],
    "dashboard": _filling(dashboard.run),
    "pipeline": pipeline.run,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "sections", nargs="*", metavar="SECTION", help=f"any of {', '.join(SECTIONS)} (all)"
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.sections if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    names = args.sections or list(SECTIONS)

    figures: dict[str, Any] = {}
    started = time.perf_counter()
    bench = Run()
    try:
        for name in names:
            print(f"[{name}]", flush=True)
            section_started = time.perf_counter()
            found = SECTIONS[name](bench)
            found[f"bench_{name}_seconds"] = round(time.perf_counter() - section_started, 1)
            results.merge(found)
            figures.update(found)
    finally:
        bench.close()
    print()
    print(results.table(figures))
    print(f"\n{len(figures)} figures in {time.perf_counter() - started:.0f} s -> {results.RESULTS}")


if __name__ == "__main__":
    main()
