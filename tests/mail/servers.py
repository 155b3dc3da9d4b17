"""Real mail servers for the mail tests, started by the tests themselves.

- an SMTP server (aiosmtpd) that keeps every message it accepts, and can be
  stopped and started again on the same port (an outage);
- an IMAP server: Debian's dovecot, configured in a temporary folder,
  listening on 127.0.0.1 with plain-text login; each test gets its own user
  (its own empty mailbox).

Neither is ever skipped: a server that cannot start fails the test.
"""

from __future__ import annotations

import datetime as dt
import email
import getpass
import os
import pwd
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from imap_tools import MailBoxUnencrypted

from intake.mail.settings import MailboxSettings, SmtpSettings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


# --- SMTP ----------------------------------------------------------------------


@dataclass
class Delivered:
    """One message the SMTP server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class SmtpServer:
    port: int = field(default_factory=free_port)
    delivered: list[Delivered] = field(default_factory=list)
    controller: Controller | None = None
    #: Recipients refused for good (550), as a real server refuses unknown users.
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.delivered.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def start(self) -> SmtpServer:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self, **overrides: object) -> SmtpSettings:
        base = SmtpSettings(
            host="127.0.0.1", port=self.port, timeout_s=5, mail_from="pcse-intake@example.org"
        )
        return SmtpSettings(**{**base.__dict__, **overrides})

    def to(self, address: str) -> list[Delivered]:
        return [d for d in self.delivered if address in d.rcpt_tos]


# --- IMAP (dovecot) ---------------------------------------------------------------

DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_login_user = {login_user}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@dataclass
class ImapServer:
    root: Path
    port: int
    proc: subprocess.Popen | None = None
    #: Users written before the server starts (dovecot may not notice a
    #: password file changed within the same second).
    users: list[tuple[str, str]] = field(
        default_factory=lambda: [(f"u{n}", uuid.uuid4().hex) for n in range(200)]
    )

    def add_user(self) -> MailboxSettings:
        """An unused user with an empty INBOX; returns the settings to poll it."""
        user, password = self.users.pop()
        return MailboxSettings(
            host="127.0.0.1",
            port=self.port,
            user=user,
            password=password,
            security="none",
            timeout_s=30,
            public_url="https://intake.example.org",
            own_addresses=("pcse-intake@example.org",),
        )

    def append(self, box: MailboxSettings, raw: bytes, when: dt.datetime | None = None) -> None:
        """Put a message in the user's INBOX (with this arrival time)."""
        with MailBoxUnencrypted("127.0.0.1", self.port, timeout=30).login(
            box.user, box.password
        ) as mb:
            mb.append(raw, "INBOX", dt=when)

    def flags(self, box: MailboxSettings) -> dict[int, tuple[str, ...]]:
        """Every message's flags, by UID."""
        with MailBoxUnencrypted("127.0.0.1", self.port, timeout=30).login(
            box.user, box.password
        ) as mb:
            return {
                int(msg.uid): msg.flags
                for msg in mb.fetch(headers_only=True, mark_seen=False)
                if msg.uid
            }


def dovecot_users(root: Path) -> dict[str, object]:
    if os.geteuid() == 0:
        mail = pwd.getpwnam("nobody")
        (root / "mail").mkdir()
        os.chown(root / "mail", mail.pw_uid, mail.pw_gid)
        return dict(
            internal_user="dovecot",
            login_user="dovenull",
            mail_uid=mail.pw_uid,
            mail_gid=mail.pw_gid,
        )
    me = getpass.getuser()
    (root / "mail").mkdir()
    return dict(internal_user=me, login_user=me, mail_uid=os.getuid(), mail_gid=os.getgid())
