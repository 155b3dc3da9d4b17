"""Fixtures for the mail tests: real SMTP and IMAP servers (see
:mod:`tests.mail.servers`). A server that cannot start fails the test; none
is ever skipped."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
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
