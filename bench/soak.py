"""``make soak``: 2,000 forms through ``intake serve`` on the embedded
default (SQLite, the folder broker) with two worker processes, sent through
the API by several clients; then what became of each form, and how many
times a worker died. Not part of ``make test`` or ``make bench``: it takes
minutes. Its figures are merged into ``bench/results.json`` (``soak_*``)."""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from bench import results
from bench.served import Served, Traffic, outcome, wait_until_decided, wrong


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--forms", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--clients", type=int, default=4, help="API clients sending at once")
    parser.add_argument(
        "--results", type=Path, default=results.RESULTS, help="where the figures are merged"
    )
    args = parser.parse_args(argv)

    served = Served.create()
    try:
        # As many client systems as keep the API's limit (per token) out of
        # the way: the soak is of the workers, not of the rate limiter.
        traffic = Traffic.with_tokens(served, max(args.clients, args.forms // 100))
        served.start("serve", "serve", "--workers", str(args.workers))
        served.wait_until_serving()
        started = time.monotonic()
        traffic.send(args.forms, args.clients)
        sent_s = time.monotonic() - started
        intake = served.intake()
        try:
            wait_until_decided(intake, len(traffic.references), timeout=1800)
            total_s = time.monotonic() - started
            found = outcome(intake, traffic.references)
        finally:
            intake.db.dispose()
    finally:
        served.stop()
    log = served.log("serve")
    figures = {
        "soak_forms": args.forms,
        "soak_worker_processes": args.workers,
        "soak_seconds": round(total_s, 1),
        "soak_forms_per_s": round(len(traffic.references) / total_s, 1),
        "soak_sending_seconds": round(sent_s, 1),
        "soak_answers": {str(code): n for code, n in sorted(traffic.answers.items())},
        # The supervisor logs each exit of the worker; kombu's fatal errors
        # say "Unrecoverable error".
        "soak_worker_deaths": len(re.findall(r"the worker exited", log))
        + log.count("Unrecoverable error"),
        **{f"soak_{key}": value for key, value in found.items()},
    }
    results.merge(figures, args.results)
    print(results.table(figures))
    failed = wrong(found)
    if figures["soak_worker_deaths"]:
        failed.append(f"{figures['soak_worker_deaths']} worker deaths")
    if found["accepted"] != args.forms:
        failed.append(f"{found['accepted']} of {args.forms} forms accepted")
    if failed:
        raise SystemExit(f"the soak failed: {'; '.join(failed)} (logs in {served.folder})")
    served.remove()
    print("\nevery form decided, no worker died")


if __name__ == "__main__":
    main()
