"""OAuth 2.0 for NHSmail (issue 18, item 9): the service gets a token by
client credentials and signs in with XOAUTH2 to a real dovecot and to an
SMTP server that takes only that."""

from __future__ import annotations

import base64
import dataclasses
import imaplib
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from intake.ingest import mailbox
from intake.mail import oauth
from intake.mail.oauth import OAuthClient
from intake.mail.smtp import SendFailed, SmtpSender
from tests.mail.messages import WHEN, mail, sample
from tests.mail.servers import SmtpServer


@pytest.fixture(autouse=True)
def no_kept_tokens():
    """Each test starts with no token kept in this process."""
    oauth._tokens.clear()
    yield
    oauth._tokens.clear()


def client_of(issuer, secret: str | None = None) -> OAuthClient:
    return OAuthClient(
        token_url=issuer.token_url,
        client_id=issuer.client_id,
        client_secret=secret or issuer.client_secret,
        scope="https://outlook.office365.com/.default",
    )


def test_xoauth2_sign_in_works_against_dovecot(intake, oauth_imap):
    server, issuer, box = oauth_imap
    server.append(box, mail(sample("applied_gp_partner.pdf")), WHEN)
    by_token = dataclasses.replace(box, password="not-the-password", oauth=client_of(issuer))

    result = mailbox.poll_mailbox(intake, by_token, None)

    assert result.outcomes == {"taken": 1}
    assert len(result.submission_ids) == 1
    assert len(issuer.issued) == 1
    assert list(issuer.introspected) == list(issuer.issued)
    assert all("\\Seen" in flags for flags in server.flags(box).values())


def test_a_token_is_kept_until_shortly_before_it_expires(oauth_imap):
    _, issuer, _ = oauth_imap
    client = client_of(issuer)

    first, second = oauth.access_token(client), oauth.access_token(client)
    token, _ = oauth._tokens[client]
    oauth._tokens[client] = (token, time.time() + oauth.REFRESH_BEFORE - 1)
    third = oauth.access_token(client)

    assert first == second != third
    assert len(issuer.issued) == 2


def test_a_wrong_client_secret_gets_no_token_and_no_sign_in(intake, oauth_imap):
    _, issuer, box = oauth_imap
    box = dataclasses.replace(box, oauth=client_of(issuer, secret="wrong"))

    with pytest.raises(oauth.TokenFailed):
        mailbox.poll_mailbox(intake, box, None)
    assert issuer.issued == {}


def test_dovecot_refuses_a_token_it_did_not_issue(intake, oauth_imap):
    server, issuer, box = oauth_imap
    client = client_of(issuer)
    oauth._tokens[client] = ("tok-forged", time.time() + 3600)
    box = dataclasses.replace(box, oauth=client)

    with pytest.raises(Exception) as refused:
        mailbox.poll_mailbox(intake, box, None)

    assert not isinstance(refused.value, imaplib.IMAP4.abort)
    assert client not in oauth._tokens  # a new one is fetched next time


@dataclass
class OAuthSmtpServer(SmtpServer):
    """An SMTP server that takes mail only after AUTH XOAUTH2 with a token
    ``issuer`` gave out."""

    issuer: Any = None
    signed_in: list[str] = field(default_factory=list)

    async def auth_XOAUTH2(self, server, args) -> AuthResult:  # noqa: N802 (aiosmtpd's name)
        fields = dict(
            part.split("=", 1) for part in base64.b64decode(args[1]).decode().split("\x01") if part
        )
        token = fields.get("auth", "").removeprefix("Bearer ")
        if self.issuer.issued.get(token, 0) < time.time():
            return AuthResult(success=False, handled=False)
        self.signed_in.append(fields["user"])
        return AuthResult(success=True, auth_data=fields["user"])

    def start(self) -> OAuthSmtpServer:
        self.controller = Controller(
            self, hostname="127.0.0.1", port=self.port, auth_require_tls=False, auth_required=True
        )
        self.controller.start()
        return self


# A loopback test server: no TLS to require.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_xoauth2_sign_in_works_against_the_smtp_server(token_issuer):
    server = OAuthSmtpServer(issuer=token_issuer).start()
    try:
        smtp = server.settings(user="pcse-intake@example.org", oauth=client_of(token_issuer))
        message = EmailMessage()
        message["Subject"] = "hello"
        message.set_content("by token")
        with SmtpSender(smtp) as sender:
            sender.send(message, envelope_from="pcse-intake@example.org", to="a@nhs.net")
        with pytest.raises(SendFailed), SmtpSender(server.settings()) as sender:
            sender.send(message, envelope_from="pcse-intake@example.org", to="b@nhs.net")
    finally:
        server.stop()

    assert server.signed_in == ["pcse-intake@example.org"]
    assert [d.rcpt_tos for d in server.delivered] == [["a@nhs.net"]]
