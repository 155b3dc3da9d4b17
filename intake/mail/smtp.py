"""Handing mail to the SMTP server: one connection for a batch, and errors
sorted into "try again later" and "this message will never go"."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from types import TracebackType

from intake.mail import oauth
from intake.mail.settings import SmtpSettings


class _DataTimeout:
    """Waits ``data_timeout`` for the answer to a message's data (RFC 5321
    4.5.3.2: 10 minutes), the ordinary timeout for everything else."""

    data_timeout: float | None = None

    def data(self, msg):  # smtplib's name
        sock = self.sock  # type: ignore[attr-defined]
        before = sock.gettimeout() if sock else None
        if sock is not None and self.data_timeout is not None:
            sock.settimeout(self.data_timeout)
        try:
            return super().data(msg)  # type: ignore[misc]
        finally:
            if self.sock is not None:  # type: ignore[attr-defined]
                self.sock.settimeout(before)  # type: ignore[attr-defined]


class _SMTP(_DataTimeout, smtplib.SMTP):
    pass


class _SMTP_SSL(_DataTimeout, smtplib.SMTP_SSL):  # noqa: N801 (smtplib's name)
    pass


class SendFailed(Exception):
    """The server did not take the message.

    ``permanent`` means it refused this message for good (a 5xx reply);
    ``connection`` means the server could not be reached or dropped the
    line, so the rest of the batch should wait too.
    """

    def __init__(self, message: str, *, permanent: bool, connection: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.connection = connection


class SmtpSender:
    """Opens a connection on the first send and keeps it for the batch."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, message: EmailMessage, *, envelope_from: str, to: str) -> None:
        """Hand one message to the server; raises :class:`SendFailed`.

        Returning means the server accepted it (it answered 250 to the data).
        """
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            # Whatever goes wrong before the first message (no server, a
            # refused login) is the server's or the settings' fault, not this
            # message's: try again later.
            self.close()
            raise SendFailed(
                f"could not reach the SMTP server: {exc!r}", permanent=False, connection=True
            ) from exc
        try:
            smtp.send_message(message, from_addr=envelope_from, to_addrs=[to])
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (0, b""))
            raise SendFailed(_describe(code, text), permanent=code >= 500) from exc
        except smtplib.SMTPResponseException as exc:
            permanent = exc.smtp_code >= 500
            if not permanent:
                self.close()
            raise SendFailed(
                _describe(exc.smtp_code, exc.smtp_error),
                permanent=permanent,
                connection=not permanent,
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise SendFailed(f"the server cannot take this message: {exc}", permanent=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise SendFailed(
                f"could not reach the SMTP server: {exc!r}", permanent=False, connection=True
            ) from exc

    def close(self) -> None:
        """Say goodbye to the server (quietly: it may already be gone)."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        s = self.settings
        if s.security == "ssl":
            smtp: _SMTP | _SMTP_SSL = _SMTP_SSL(
                s.host, s.port, timeout=s.timeout_s, context=ssl.create_default_context()
            )
        else:
            smtp = _SMTP(s.host, s.port, timeout=s.timeout_s)
        smtp.data_timeout = s.data_timeout_s
        try:
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.oauth is not None:
                self._xoauth2(smtp)
            elif s.user:
                smtp.login(s.user, s.password)
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def _xoauth2(self, smtp: smtplib.SMTP) -> None:
        s = self.settings
        assert s.oauth is not None
        response = oauth.xoauth2(s.user, oauth.access_token(s.oauth))
        smtp.ehlo_or_helo_if_needed()
        try:
            smtp.auth("XOAUTH2", lambda challenge=None: response, initial_response_ok=True)
        except smtplib.SMTPException:
            oauth.forget(s.oauth)  # perhaps revoked: a new one next time
            raise


def _describe(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"the SMTP server answered {code} {text}".strip()
