"""``make chaos``: the service as it runs in production (a web process, two
worker processes and the scheduler, on Redis and PostgreSQL of their own),
fed forms through the API without pause while its parts are broken:

- every 20 s one worker is killed with SIGKILL (and started again a second
  later, as a process manager would);
- Redis is killed twice and started again 3 s later, empty (it keeps
  nothing on disk);
- PostgreSQL is stopped at once and started again 3 s later.

Then: every answer the clients got, by status (no 500 may be among them),
and what became of every form accepted: none lost, none left undecided,
none decided or granted twice, and the longest any waited from acceptance
to decision. Run by hand (minutes); its figures are merged into
``bench/results.json`` (``chaos_*``).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bench import results
from bench.served import Served, Traffic, outcome, wait_until_decided, wrong
from bench.servers import PrivatePostgres, PrivateRedis

WORKERS = ("worker-1", "worker-2")


class Chaos:
    """The schedule of breakages, carried out in a thread of its own."""

    def __init__(self, served: Served, redis: PrivateRedis, postgres: PrivatePostgres) -> None:
        self.served = served
        self.redis = redis
        self.postgres = postgres
        self.done: Counter[str] = Counter()
        self.stop = threading.Event()

    def run(self, seconds: float) -> None:
        started = time.monotonic()
        plan: list[tuple[float, str, Callable[[], None]]] = [
            (35, "redis crashed", self._crash_redis),
            (70, "postgresql restarted", self._restart_postgres),
            (95, "redis crashed", self._crash_redis),
        ]
        plan += [(t, "worker killed", self._kill_a_worker) for t in range(20, int(seconds), 20)]
        plan.sort(key=lambda step: step[0])
        for at, name, act in plan:
            if at >= seconds or self.stop.wait(max(0.0, started + at - time.monotonic())):
                break
            print(f"  {time.monotonic() - started:5.1f} s  {name}", flush=True)
            act()
            self.done[name] += 1

    def _kill_a_worker(self) -> None:
        name = random.choice(WORKERS)
        proc = self.served.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        time.sleep(1.0)
        self.served.start(name, "worker", "--no-beat", "--concurrency", "1", "--quiet")

    def _crash_redis(self) -> None:
        self.redis.stop()
        time.sleep(3.0)
        self.redis.start()

    def _restart_postgres(self) -> None:
        self.postgres.stop()
        time.sleep(3.0)
        self.postgres.start()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__)
    parser.add_argument("--seconds", type=float, default=120, help="how long forms are sent")
    parser.add_argument("--clients", type=int, default=4, help="API clients sending at once")
    parser.add_argument(
        "--rate",
        type=float,
        default=10,
        help="forms a second, all clients together (below what the workers decide, so "
        "a wait measures recovery, not a backlog)",
    )
    parser.add_argument(
        "--results", type=Path, default=results.RESULTS, help="where the figures are merged"
    )
    args = parser.parse_args(argv)

    redis = PrivateRedis(Path(tempfile.mkdtemp(prefix="intake-redis-")))
    redis.start()
    postgres = PrivatePostgres()
    postgres.start()
    served = Served.create(INTAKE_BROKER_URL=redis.url, INTAKE_DATABASE_URL=postgres.url)
    try:
        traffic = Traffic.with_tokens(served, 40)
        served.start("web", "web")
        for name in WORKERS:
            served.start(name, "worker", "--no-beat", "--concurrency", "1", "--quiet")
        served.start("beat", "beat")
        served.wait_until_serving()
        chaos = Chaos(served, redis, postgres)
        breaking = threading.Thread(target=chaos.run, args=(args.seconds,))
        started = time.monotonic()
        breaking.start()
        traffic.send(10**9, args.clients, until=started + args.seconds, rate=args.rate)
        chaos.stop.set()
        breaking.join()
        intake = served.intake()
        try:
            wait_until_decided(intake, len(traffic.references), timeout=600)
            found = outcome(intake, traffic.references)
        finally:
            intake.db.dispose()
    finally:
        served.stop()
        redis.stop()
        postgres.remove()
    worker_logs = "".join(served.log(name) for name in WORKERS)
    figures = {
        "chaos_seconds": args.seconds,
        "chaos_rate_forms_per_s": args.rate,
        "chaos_breakages": dict(chaos.done),
        "chaos_answers": {str(code): n for code, n in sorted(traffic.answers.items())},
        "chaos_answers_500": sum(
            n for code, n in traffic.answers.items() if code >= 500 and code != 503
        ),
        "chaos_worker_exits_unforced": worker_logs.count("Unrecoverable error"),
        **{f"chaos_{key}": value for key, value in found.items()},
    }
    results.merge(figures, args.results)
    print(results.table(figures))
    failed = wrong(found)
    if figures["chaos_answers_500"]:
        failed.append(f"{figures['chaos_answers_500']} answers of 500")
    if figures["chaos_worker_exits_unforced"]:
        failed.append(f"{figures['chaos_worker_exits_unforced']} workers stopped by an error")
    if (found["wait_max_s"] or 0) >= 60:
        failed.append(f"a form waited {found['wait_max_s']} s to be decided")
    if failed:
        raise SystemExit(f"the chaos run failed: {'; '.join(failed)} (logs in {served.folder})")
    served.remove()
    print("\nnothing lost, nothing stuck, nothing doubled; every form decided within 60 s")


if __name__ == "__main__":
    main()
