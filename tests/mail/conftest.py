"""Fixtures for the mail tests: real SMTP and IMAP servers (see
:mod:`tests.mail.servers`). A server that cannot start fails the test; none
is ever skipped."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake.mail.settings import MailboxSettings
from tests.mail.servers import (
    DOVECOT_CONF,
    ImapServer,
    SmtpServer,
    dovecot_users,
    free_port,
    wait_for_port,
)


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    """Dovecot on 127.0.0.1 from a temporary configuration; stopped at the end."""
    binary = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/sbin")
    if binary is None:
        pytest.fail("dovecot is not installed (apt-get install dovecot-imapd dovecot-core)")
    # Not under pytest's 0700 tmp folder: dovecot's own users must reach it.
    root = Path(tempfile.mkdtemp(prefix="intake-dovecot-"))
    root.chmod(0o755)
    for sub in ("run", "state"):
        (root / sub).mkdir()
    port = free_port()
    conf = root / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(root=root, port=port, **dovecot_users(root)))
    server = ImapServer(root, port)
    (root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in server.users))
    with open(root / "stdout.log", "wb") as out:
        server.proc = subprocess.Popen(
            [binary, "-F", "-c", str(conf)], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        if not wait_for_port(port):
            logs = "".join(
                p.read_text(errors="replace")
                for p in (root / "stdout.log", root / "dovecot.log")
                if p.exists()
            )
            pytest.fail(f"dovecot did not start on port {port}:\n{logs[-3000:]}")
        yield server
    finally:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(imap_server: ImapServer) -> MailboxSettings:
    """An empty mailbox of its own for one test."""
    return imap_server.add_user()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server that records what it is sent."""
    server = SmtpServer().start()
    yield server
    server.stop()


class Tarpit:
    """An IMAP server that takes connections and never says a word (a hung
    mailbox): it counts the connections it holds."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.held.append(conn)

    def settings(self, **overrides: object) -> MailboxSettings:
        return MailboxSettings(
            host="127.0.0.1", port=self.port, user="u", password="p", security="none", **overrides
        )

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in [*self.held, self.sock]:
            conn.close()


@pytest.fixture
def tarpit() -> Iterator[Tarpit]:
    """An IMAP server that accepts and never answers; closed after the test."""
    server = Tarpit()
    yield server
    server.close()
