"""Where the intake mailbox and the outgoing SMTP server are."""

from __future__ import annotations

from dataclasses import dataclass

from intake.config import Settings
from intake.mail.oauth import OAuthClient

#: ``none`` (plain, tests and a local relay), ``starttls`` or ``ssl``.
SECURITY = ("none", "starttls", "ssl")


@dataclass(frozen=True)
class MailboxSettings:
    """The IMAP mailbox forms are emailed to, and how much one poll may do."""

    host: str
    port: int = 993
    user: str = ""
    password: str = ""
    folder: str = "INBOX"
    security: str = "ssl"
    #: Read timeout: how long any one answer from the server may take.
    timeout_s: float = 60.0
    #: Connect timeout: the connection and the server's greeting.
    connect_timeout_s: float = 10.0
    #: Sign in with XOAUTH2 and a token from this client (else the password).
    oauth: OAuthClient | None = None
    #: A message bigger than this (RFC822.SIZE) is not downloaded at all.
    max_message_bytes: int = 50_000_000
    #: At most this many new messages are taken per poll.
    batch: int = 50
    #: Base of the status links in acknowledgements (``<public_url>/status/<token>``).
    public_url: str = "http://127.0.0.1:8000"
    #: The service's own addresses: mail from them is never answered (no loops).
    own_addresses: tuple[str, ...] = ()
    #: Raw bounds on headers, before any parser sees them (see
    #: :class:`intake.ingest.message.HeaderLimits`).
    max_header_bytes: int = 65_536
    max_header_line_bytes: int = 8_192
    max_encoded_words: int = 100
    #: A message whose handling failed this many times is set aside.
    max_tries: int = 3
    #: Refusals per hour to all senders together (acknowledgements of forms
    #: are never limited).
    max_refusals_per_hour: int = 100
    #: Our receiving server's authserv-id (RFC 8601); ``None``: not checked.
    authserv_id: str | None = None
    #: Failed methods that mark the From address as forged.
    auth_fail_on: tuple[str, ...] = ("dmarc",)

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise ValueError(f"mailbox security must be one of {SECURITY}, not {self.security!r}")


@dataclass(frozen=True)
class SmtpSettings:
    """The SMTP server outgoing mail is handed to."""

    host: str
    port: int = 25
    user: str = ""
    password: str = ""
    security: str = "none"
    #: Connect and command timeout.
    timeout_s: float = 60.0
    #: How long the answer to the end of the data may take (RFC 5321
    #: 4.5.3.2: 10 minutes); a send that timed out there may have gone.
    data_timeout_s: float = 600.0
    #: Sign in with XOAUTH2 and a token from this client (else the password).
    oauth: OAuthClient | None = None
    mail_from: str = "pcse-intake@localhost"
    #: Base of the status links in the mails sent (put in when each is sent).
    public_url: str = "http://127.0.0.1:8000"

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise ValueError(f"SMTP security must be one of {SECURITY}, not {self.security!r}")


def mailbox_settings(settings: Settings) -> MailboxSettings | None:
    """The mailbox settings, or ``None`` when no ``INTAKE_IMAP_HOST`` is set."""
    if not settings.imap_host:
        return None
    return MailboxSettings(
        host=settings.imap_host,
        port=settings.imap_port,
        user=settings.imap_user,
        password=settings.imap_password,
        folder=settings.imap_folder,
        security=settings.imap_security,
        timeout_s=float(settings.imap_timeout_s),
        connect_timeout_s=float(settings.imap_connect_timeout_s),
        oauth=oauth_client(settings),
        max_message_bytes=settings.mail_max_message_bytes,
        public_url=settings.public_url,
        own_addresses=(settings.mail_from,),
        max_header_bytes=settings.mail_max_header_bytes,
        max_header_line_bytes=settings.mail_max_header_line_bytes,
        max_encoded_words=settings.mail_max_encoded_words,
        max_tries=settings.mail_max_tries,
        max_refusals_per_hour=settings.mail_max_refusals_per_hour,
        authserv_id=settings.mail_authserv_id,
        auth_fail_on=settings.mail_auth_fail_on,
    )


def smtp_settings(settings: Settings) -> SmtpSettings | None:
    """The SMTP settings, or ``None`` when no ``INTAKE_SMTP_HOST`` is set."""
    if not settings.smtp_host:
        return None
    return SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        user=settings.smtp_user,
        password=settings.smtp_password,
        security=settings.smtp_security,
        timeout_s=float(settings.smtp_timeout_s),
        data_timeout_s=float(settings.smtp_data_timeout_s),
        oauth=oauth_client(settings),
        mail_from=settings.mail_from,
        public_url=settings.public_url,
    )


def oauth_client(settings: Settings) -> OAuthClient | None:
    """The mail OAuth client, or ``None`` when no client id is set."""
    if not settings.mail_oauth_client_id:
        return None
    return OAuthClient(
        token_url=settings.mail_oauth_token_url,
        client_id=settings.mail_oauth_client_id,
        client_secret=settings.mail_oauth_client_secret,
        scope=settings.mail_oauth_scope,
    )


def outbox_time_limit_s(settings: Settings) -> int:
    """How long one run of the outbox sender may take: its budget (most of
    the interval), then the slowest one send can be (connect, three
    commands, the data)."""
    one_send = 4 * settings.smtp_timeout_s + settings.smtp_data_timeout_s
    return int(settings.outbox_interval_s + one_send + 60)
