"""The service as an operator runs it, for the soak and the chaos run: real
``intake`` processes on a data folder of their own, fed through the HTTP
API by several clients, and what became of every form read back from the
database."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.servers import free_port
from intake.accounts.services import create_api_token
from intake.audit import AuditEvent
from intake.config import Settings
from intake.db import aware
from intake.directory.models import RoleHolder
from intake.service import Intake
from intake.submissions.models import Request, Submission

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_forms"
FORMS = [
    "applied_gp_partner.pdf",
    "rejected_org_closed.pdf",
    "review_user_admin_exists.pdf",
    "applied_caldicott_acroform_by_key.pdf",
    "rejected_field_missing.pdf",
]
DECIDED = ("applied", "rejected", "review")
#: How many times a client sends one form that is not taken (429, 503, no answer).
TRIES = 20


@dataclass
class Served:
    """A data folder, its environment, and the ``intake`` processes started on it."""

    env: dict[str, str]
    folder: Path
    port: int
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @classmethod
    def create(cls, **environment: str) -> Served:
        """A fresh data folder with the schema and the sample directory."""
        folder = Path(tempfile.mkdtemp(prefix="intake-served-"))
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
        env.update(
            INTAKE_DATA_DIR=str(folder / "var"),
            INTAKE_SECRET_KEY="served-secret",
            INTAKE_WEB_PORT=str(port),
            **environment,
        )
        served = cls(env, folder, port)
        served.command("db", "upgrade")
        served.command("directory", "import", str(SAMPLES / "directory"))
        return served

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def intake(self) -> Intake:
        return Intake.start(Settings.from_env(self.env), migrate=False)

    def command(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "cli", *args],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        """Start ``intake ARGS`` as process ``name``, its output in ``name.log``."""
        with open(self.folder / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "cli", *args],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_until_serving(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the service did not become healthy in {timeout:.0f} s")

    def remove(self) -> None:
        """Delete the data folder and the logs (after a run that went well)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@dataclass
class Traffic:
    """Clients sending forms through the API; every answer is counted."""

    served: Served
    tokens: list[str]
    answers: Counter[int] = field(default_factory=Counter)
    references: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _unique: itertools.count = field(default_factory=itertools.count)

    @classmethod
    def with_tokens(cls, served: Served, count: int) -> Traffic:
        """``count`` API tokens, one per client system (the API's rate limit,
        120 uploads a minute, is per token)."""
        intake = served.intake()
        try:
            tokens = [
                create_api_token(intake.db, f"client-{n}", created_by="operator")
                for n in range(count)
            ]
        finally:
            intake.db.dispose()
        return cls(served, tokens)

    def send(
        self, forms: int, clients: int, *, until: float | None = None, rate: float | None = None
    ) -> None:
        """Send ``forms`` distinct forms from ``clients`` threads, each sending
        as fast as it is answered, or together about ``rate`` forms a second.
        An answer of 429 or 503 (or none at all) is counted and the form sent
        again after ``Retry-After``, as a client that honours it would (at
        most :data:`TRIES` times)."""
        samples = [(name, (SAMPLES / name).read_bytes()) for name in FORMS]
        budget = itertools.count()

        def client() -> None:
            while (number := next(budget)) < forms:
                token = self.tokens[number % len(self.tokens)]
                name, data = samples[number % len(samples)]
                body = data + f"\n%soak {next(self._unique)}\n".encode()
                for _ in range(TRIES):
                    status, reply, retry_after = post_file(self.served.base, token, name, body)
                    with self._lock:
                        self.answers[status] += 1
                        if status == 202:
                            self.references.extend(reply)
                    if status not in (429, 503, 0):
                        break
                    time.sleep(retry_after)
                if until is not None and time.monotonic() > until:
                    return
                if rate:
                    time.sleep(clients / rate)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def post_file(base: str, token: str, name: str, data: bytes) -> tuple[int, list[str], float]:
    """POST one file to the API: the status (0 when no answer came at all),
    the references, and how long to wait before trying again."""
    boundary = f"intake-{os.urandom(8).hex()}"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base}/api/v1/submissions",
        data=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())["references"], 0.0
    except urllib.error.HTTPError as error:
        return error.code, [], float(error.headers.get("Retry-After") or 1)
    except (urllib.error.URLError, OSError):
        return 0, [], 1.0


def wait_until_decided(intake: Intake, expected: int, timeout: float) -> float:
    """Seconds until ``expected`` requests are decided (raises at ``timeout``)."""
    started = time.monotonic()
    while True:
        with intake.db.session() as session:
            decided = session.scalar(
                select(func.count()).select_from(Request).where(Request.status.in_(DECIDED))
            )
        if decided >= expected:
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"only {decided} of {expected} requests decided in {timeout:.0f} s")
        time.sleep(1.0)


def outcome(intake: Intake, references: list[str]) -> dict[str, Any]:
    """What became of every accepted form: lost, undecided, decided twice,
    granted twice, and how long each waited from acceptance to decision."""
    with intake.db.session() as session:
        rows = session.execute(
            select(
                Request.id,
                Request.reference,
                Request.status,
                Request.decided_at,
                Submission.received_at,
            ).join(Submission, Submission.id == Request.submission_id)
        ).all()
        decisions = Counter(
            session.scalars(select(AuditEvent.request_id).where(AuditEvent.event.like("decided %")))
        )
        grants = Counter(
            session.scalars(select(RoleHolder.request_id).where(RoleHolder.source == "intake"))
        )
    known = {row.reference: row for row in rows}
    waits = [
        (aware(row.decided_at) - aware(row.received_at)).total_seconds()
        for row in rows
        if row.decided_at is not None
    ]
    waits.sort()
    return {
        "accepted": len(set(references)),
        "lost": len([r for r in set(references) if r not in known]),
        "undecided": len([row for row in rows if row.status not in DECIDED]),
        "decided_twice": len([n for n in decisions.values() if n > 1]),
        "granted_twice": len([n for n in grants.values() if n > 1]),
        "wait_p50_s": round(statistics.median(waits), 2) if waits else None,
        "wait_p95_s": round(waits[int(len(waits) * 0.95) - 1], 2) if waits else None,
        "wait_max_s": round(waits[-1], 2) if waits else None,
    }


def wrong(found: dict[str, Any]) -> list[str]:
    """What :func:`outcome` found amiss, in words (empty when all is well)."""
    return [
        f"{found[key]} {words}"
        for key, words in (
            ("lost", "accepted forms lost"),
            ("undecided", "requests left undecided"),
            ("decided_twice", "requests decided twice"),
            ("granted_twice", "requests granted twice"),
        )
        if found[key]
    ]
