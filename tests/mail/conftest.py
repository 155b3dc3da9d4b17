"""Fixtures for the mail tests: real SMTP and IMAP servers (see
:mod:`tests.mail.servers`). A server that cannot start fails the test; none
is ever skipped."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class TokenIssuer:
    """A tiny OAuth 2.0 authorisation server on 127.0.0.1: ``/token`` issues
    access tokens by client credentials (RFC 6749 4.4) to one client, and
    ``/introspect`` (RFC 7662) tells dovecot whose a token is."""

    client_id = "intake-test-client"
    client_secret = "s3cret-" + uuid.uuid4().hex

    def __init__(self, user: str) -> None:
        self.user = user
        self.issued: dict[str, float] = {}
        self.introspected: list[str] = []
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self.http.server_address[1]
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    @property
    def token_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                one = {k: v[0] for k, v in form.items()}
                if self.path == "/token":
                    self._token(one)
                elif self.path == "/introspect":
                    issuer.introspected.append(one.get("token", ""))
                    expires = issuer.issued.get(one.get("token", ""), 0)
                    if expires > time.time():
                        self._json(200, {"active": True, "username": issuer.user})
                    else:
                        self._json(200, {"active": False})
                else:
                    self._json(404, {"error": "not_found"})

            def _token(self, form: dict[str, str]) -> None:
                right = (form.get("client_id"), form.get("client_secret")) == (
                    issuer.client_id,
                    issuer.client_secret,
                )
                if form.get("grant_type") != "client_credentials" or not right:
                    self._json(401, {"error": "invalid_client"})
                    return
                token = "tok-" + uuid.uuid4().hex
                issuer.issued[token] = time.time() + 3600
                self._json(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


OAUTH2_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf
}}
"""

OAUTH2_CONF = """\
introspection_mode = post
introspection_url = {url}
username_attribute = username
active_attribute = active
active_value = true
"""


@pytest.fixture
def oauth_imap(tmp_path_factory) -> Iterator[tuple[ImapServer, TokenIssuer, MailboxSettings]]:
    """A dovecot of its own that also takes XOAUTH2, its tokens checked at a
    local introspection endpoint; with one user's mailbox settings."""
    binary = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/sbin")
    if binary is None:
        pytest.fail("dovecot is not installed (apt-get install dovecot-imapd dovecot-core)")
    root = Path(tempfile.mkdtemp(prefix="intake-dovecot-oauth-"))
    root.chmod(0o755)
    for sub in ("run", "state"):
        (root / sub).mkdir()
    port = free_port()
    server = ImapServer(root, port)
    user, password = server.users[-1]
    issuer = TokenIssuer(user)
    conf = DOVECOT_CONF.format(root=root, port=port, **dovecot_users(root))
    conf = conf.replace("auth_mechanisms = plain login", "auth_mechanisms = plain login xoauth2")
    conf += OAUTH2_PASSDB.format(root=root)
    (root / "dovecot.conf").write_text(conf)
    (root / "oauth2.conf").write_text(
        OAUTH2_CONF.format(url=f"http://127.0.0.1:{issuer.port}/introspect")
    )
    (root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in server.users))
    with open(root / "stdout.log", "wb") as out:
        server.proc = subprocess.Popen(
            [binary, "-F", "-c", str(root / "dovecot.conf")], stdout=out, stderr=subprocess.STDOUT
        )
    try:
        if not wait_for_port(port):
            logs = "".join(
                p.read_text(errors="replace")
                for p in (root / "stdout.log", root / "dovecot.log")
                if p.exists()
            )
            pytest.fail(f"dovecot did not start on port {port}:\n{logs[-3000:]}")
        yield server, issuer, server.add_user()
    finally:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()
        issuer.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def token_issuer() -> Iterator[TokenIssuer]:
    """A local token endpoint (client credentials) for the user ``intake``."""
    issuer = TokenIssuer("pcse-intake@example.org")
    yield issuer
    issuer.close()
