"""Configuration from environment variables, parsed strictly.

Every setting has one name, one type and one default; a bad value stops the
service at start with a message naming the variable. A ``.env`` file in the
working directory may set any of them (real environment variables win).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

#: PCSE's clock: the day a form was received is a day in London.
LONDON = ZoneInfo("Europe/London")


class ConfigError(ValueError):
    """A configuration value is missing or malformed."""


#: The service's roles an identity provider's claim can grant.
OIDC_ROLES = ("caseworker", "admin")
#: How the service can authenticate itself at the provider's token endpoint.
OIDC_CLIENT_AUTH = ("client_secret_basic", "client_secret_post", "private_key_jwt")
#: The curves of EC keys a client assertion can be signed with (ES256/384/512).
EC_CURVES = ("secp256r1", "secp384r1", "secp521r1")


@dataclass(frozen=True)
class OidcSettings:
    """Sign-in through an OpenID Connect provider (``INTAKE_OIDC_*``)."""

    issuer: str
    client_id: str
    client_secret: str
    #: The provider's discovery document (default: the issuer's
    #: ``/.well-known/openid-configuration``).
    metadata_url: str
    scopes: str = "openid profile email"
    #: Assurance levels the provider may send, weakest first, and the weakest
    #: this service accepts (``None``: any, or none at all).
    acr_levels: tuple[str, ...] = ()
    min_acr: str | None = None
    #: The claim that carries the person's roles; ``a.b`` reads ``b`` from
    #: each object in the list (or the object) ``a``.
    role_claim: str = "roles"
    #: Claim value -> the service's role.
    role_values: tuple[tuple[str, str], ...] = ()
    #: The button's words on the sign-in page.
    label: str = "Sign in with your NHS account"
    #: Whether the service's own username-and-password sign-in stays open.
    local_login: bool = True
    #: Seconds of clock difference allowed when checking the ID token's times.
    leeway_s: int = 60
    #: How the service proves itself at the token endpoint: a client secret
    #: (HTTP Basic or in the form), or a JWT signed with its private key
    #: (``private_key_jwt``, RFC 7523).
    client_auth: str = "client_secret_basic"
    #: The PEM RSA or EC private key that signs that JWT, and its ``kid``.
    private_key_file: Path | None = None
    key_id: str | None = None

    @property
    def accepted_acr(self) -> tuple[str, ...]:
        """The ``acr`` values good enough to sign in (empty: any)."""
        if self.min_acr is None:
            return ()
        return self.acr_levels[self.acr_levels.index(self.min_acr) :]


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment."""

    data_dir: Path = Path("./var")
    database_url: str = ""
    #: ``None`` means the embedded broker (files under ``data_dir``).
    broker_url: str | None = None
    secret_key: str = ""
    #: Name of the queue tasks go to (lets tests share one Redis safely).
    queue: str = "intake"
    #: Seconds a claimed submission may stay in processing before the
    #: sweeper hands it to another worker.
    claim_lease_s: int = 600
    #: Seconds between sweeps for received-but-unfinished submissions.
    sweep_interval_s: int = 15
    #: Seconds after which an unclaimed submission's message is sent again.
    resend_after_s: int = 120
    max_upload_bytes: int = 20_000_000
    max_pages: int = 50
    #: Bounds on the child process that reads each PDF.
    reader_memory_mb: int = 1536
    reader_timeout_s: int = 120
    #: The fast lane reads ordinary forms; a file it cannot read within this
    #: many seconds (or that needs OCR, or holds far more drawing than a
    #: form) waits in the heavy lane instead of holding ordinary forms up.
    fast_read_s: int = 3
    #: A file whose reading crashed (or whose worker died) this many times is
    #: set aside unread.
    quarantine_after: int = 3
    #: Review cases older than this are escalated (marked, and in the digest).
    review_escalate_after_days: int = 5
    #: Share of auto-applied requests sampled for a caseworker's second look.
    sample_share: float = 0.05
    #: Where rate-limit counters are kept (shared by every web process).
    ratelimit_storage_url: str = "memory://"
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    #: none | starttls | ssl
    smtp_security: str = "none"
    mail_from: str = "pcse-intake@localhost"
    #: Seconds between runs of the outbox sender.
    outbox_interval_s: int = 30
    #: SMTP connect and command timeout, seconds.
    smtp_timeout_s: int = 60
    #: How long the SMTP server may take to answer the end of a message's
    #: data before the send is called failed (RFC 5321 4.5.3.2: 10 minutes).
    smtp_data_timeout_s: int = 600
    #: The intake mailbox (unset host: no mailbox is polled).
    imap_host: str | None = None
    imap_port: int = 993
    imap_user: str = ""
    imap_password: str = ""
    imap_folder: str = "INBOX"
    #: none | starttls | ssl
    imap_security: str = "ssl"
    mail_poll_interval_s: int = 60
    #: A message bigger than this is refused without being downloaded.
    mail_max_message_bytes: int = 50_000_000
    #: IMAP read timeout (each answer), seconds.
    imap_timeout_s: int = 60
    #: IMAP connect timeout (the connection and the server's greeting), seconds.
    imap_connect_timeout_s: int = 10
    #: Raw bounds on a message's headers before they are parsed.
    mail_max_header_bytes: int = 65_536
    mail_max_header_line_bytes: int = 8_192
    mail_max_encoded_words: int = 100
    #: A message whose handling failed this many times is set aside.
    mail_max_tries: int = 3
    #: Refusals (replies to mail that gave no form) per hour, all senders.
    mail_max_refusals_per_hour: int = 100
    #: Our own receiving server's authserv-id in Authentication-Results
    #: (RFC 8601); unset: the sender's authentication is not checked.
    mail_authserv_id: str | None = None
    #: Which failed methods mark a sender as forged (no reply, not kept).
    mail_auth_fail_on: tuple[str, ...] = ("dmarc",)
    #: Base of the status links sent in acknowledgements.
    public_url: str = "http://127.0.0.1:8000"
    #: Where requesters ask about a request (the status page shows it): PCSE
    #: Online's enquiries address, as PCSE's user management guidance gives it.
    contact_email: str = "pcse.portalenquiries@nhs.net"
    #: How many proxies in front of the web server to trust for the client's
    #: address and scheme (X-Forwarded-For, -Proto, -Host); 0: none.
    trusted_proxies: int = 0
    #: The watched folder (unset: none).
    watch_dir: Path | None = None
    watch_interval_s: int = 5
    #: Sign-in through an identity provider (unset: local accounts only).
    oidc: OidcSettings | None = None
    #: OAuth 2.0 client credentials for IMAP and SMTP (XOAUTH2); unset
    #: client id: both sign in with a password.
    mail_oauth_client_id: str | None = None
    mail_oauth_client_secret: str = ""
    mail_oauth_tenant: str = ""
    #: Default: Microsoft's token endpoint for the tenant.
    mail_oauth_token_url: str = ""
    mail_oauth_scope: str = "https://outlook.office365.com/.default"

    @property
    def files_dir(self) -> Path:
        """Where accepted files are kept."""
        return self.data_dir / "files"

    @property
    def broker_dir(self) -> Path:
        """The embedded broker's message folder."""
        return self.data_dir / "broker"

    @property
    def heavy_queue(self) -> str:
        """The heavy lane's queue: files that need OCR or long reading."""
        return f"{self.queue}.heavy"

    @property
    def mail_queue(self) -> str:
        """The mail lane's queue: polling the mailbox and sending the outbox,
        apart from the form workers."""
        return f"{self.queue}.mail"

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with some settings replaced (tests use this)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``environ`` (default: the process environment
        after loading ``.env``)."""
        if environ is None:
            from dotenv import load_dotenv

            load_dotenv(override=False)
            environ = os.environ
        env = {k: v for k, v in environ.items() if k.startswith("INTAKE_") and v != ""}
        data_dir = Path(env.get("INTAKE_DATA_DIR", "./var")).resolve()
        settings = cls(
            data_dir=data_dir,
            database_url=env.get("INTAKE_DATABASE_URL", f"sqlite:///{data_dir / 'intake.sqlite3'}"),
            broker_url=env.get("INTAKE_BROKER_URL"),
            secret_key=env.get("INTAKE_SECRET_KEY") or _dev_secret(data_dir),
            queue=env.get("INTAKE_QUEUE", cls.queue),
            claim_lease_s=_int(env, "INTAKE_CLAIM_LEASE_S", cls.claim_lease_s, minimum=10),
            sweep_interval_s=_int(env, "INTAKE_SWEEP_INTERVAL_S", cls.sweep_interval_s, minimum=1),
            resend_after_s=_int(env, "INTAKE_RESEND_AFTER_S", cls.resend_after_s, minimum=1),
            max_upload_bytes=_int(
                env, "INTAKE_MAX_UPLOAD_BYTES", cls.max_upload_bytes, minimum=1024
            ),
            max_pages=_int(env, "INTAKE_MAX_PAGES", cls.max_pages, minimum=1),
            reader_memory_mb=_int(
                env, "INTAKE_READER_MEMORY_MB", cls.reader_memory_mb, minimum=1024
            ),
            reader_timeout_s=_int(env, "INTAKE_READER_TIMEOUT_S", cls.reader_timeout_s, minimum=5),
            fast_read_s=_int(env, "INTAKE_FAST_READ_S", cls.fast_read_s, minimum=1),
            quarantine_after=_int(env, "INTAKE_QUARANTINE_AFTER", cls.quarantine_after, minimum=1),
            review_escalate_after_days=_int(
                env, "INTAKE_REVIEW_ESCALATE_AFTER_DAYS", cls.review_escalate_after_days, minimum=1
            ),
            sample_share=_share(env, "INTAKE_SAMPLE_SHARE", cls.sample_share),
            ratelimit_storage_url=env.get(
                "INTAKE_RATELIMIT_STORAGE_URL", env.get("INTAKE_BROKER_URL", "memory://")
            ),
            web_host=env.get("INTAKE_WEB_HOST", cls.web_host),
            web_port=_int(env, "INTAKE_WEB_PORT", cls.web_port, minimum=1, maximum=65535),
            smtp_host=env.get("INTAKE_SMTP_HOST"),
            smtp_port=_int(env, "INTAKE_SMTP_PORT", cls.smtp_port, minimum=1, maximum=65535),
            smtp_user=env.get("INTAKE_SMTP_USER", cls.smtp_user),
            smtp_password=env.get("INTAKE_SMTP_PASSWORD", cls.smtp_password),
            smtp_security=_choice(env, "INTAKE_SMTP_SECURITY", cls.smtp_security, _SECURITY),
            mail_from=env.get("INTAKE_MAIL_FROM", cls.mail_from),
            outbox_interval_s=_int(
                env, "INTAKE_OUTBOX_INTERVAL_S", cls.outbox_interval_s, minimum=1
            ),
            imap_host=env.get("INTAKE_IMAP_HOST"),
            imap_port=_int(env, "INTAKE_IMAP_PORT", cls.imap_port, minimum=1, maximum=65535),
            imap_user=env.get("INTAKE_IMAP_USER", cls.imap_user),
            imap_password=env.get("INTAKE_IMAP_PASSWORD", cls.imap_password),
            imap_folder=env.get("INTAKE_IMAP_FOLDER", cls.imap_folder),
            imap_security=_choice(env, "INTAKE_IMAP_SECURITY", cls.imap_security, _SECURITY),
            mail_poll_interval_s=_int(
                env, "INTAKE_MAIL_POLL_INTERVAL_S", cls.mail_poll_interval_s, minimum=5
            ),
            mail_max_message_bytes=_int(
                env, "INTAKE_MAIL_MAX_MESSAGE_BYTES", cls.mail_max_message_bytes, minimum=1024
            ),
            imap_timeout_s=_int(env, "INTAKE_IMAP_TIMEOUT_S", cls.imap_timeout_s, minimum=1),
            imap_connect_timeout_s=_int(
                env, "INTAKE_IMAP_CONNECT_TIMEOUT_S", cls.imap_connect_timeout_s, minimum=1
            ),
            smtp_timeout_s=_int(env, "INTAKE_SMTP_TIMEOUT_S", cls.smtp_timeout_s, minimum=1),
            smtp_data_timeout_s=_int(
                env, "INTAKE_SMTP_DATA_TIMEOUT_S", cls.smtp_data_timeout_s, minimum=1
            ),
            **_mail_oauth(env),
            mail_max_header_bytes=_int(
                env, "INTAKE_MAIL_MAX_HEADER_BYTES", cls.mail_max_header_bytes, minimum=4096
            ),
            mail_max_header_line_bytes=_int(
                env,
                "INTAKE_MAIL_MAX_HEADER_LINE_BYTES",
                cls.mail_max_header_line_bytes,
                minimum=1000,
            ),
            mail_max_encoded_words=_int(
                env, "INTAKE_MAIL_MAX_ENCODED_WORDS", cls.mail_max_encoded_words, minimum=1
            ),
            mail_max_tries=_int(env, "INTAKE_MAIL_MAX_TRIES", cls.mail_max_tries, minimum=1),
            mail_max_refusals_per_hour=_int(
                env,
                "INTAKE_MAIL_MAX_REFUSALS_PER_HOUR",
                cls.mail_max_refusals_per_hour,
                minimum=0,
            ),
            mail_authserv_id=env.get("INTAKE_MAIL_AUTHSERV_ID", "").strip().lower() or None,
            mail_auth_fail_on=_auth_methods(env, "INTAKE_MAIL_AUTH_FAIL_ON", cls.mail_auth_fail_on),
            public_url=env.get("INTAKE_PUBLIC_URL", cls.public_url).rstrip("/"),
            contact_email=env.get("INTAKE_CONTACT_EMAIL", cls.contact_email).strip(),
            trusted_proxies=_int(env, "INTAKE_TRUSTED_PROXIES", cls.trusted_proxies, minimum=0),
            watch_dir=Path(env["INTAKE_WATCH_DIR"]).resolve()
            if "INTAKE_WATCH_DIR" in env
            else None,
            watch_interval_s=_int(env, "INTAKE_WATCH_INTERVAL_S", cls.watch_interval_s, minimum=1),
            oidc=_oidc(env),
        )
        if not settings.public_url.startswith(("http://", "https://")):
            raise ConfigError(
                "INTAKE_PUBLIC_URL must start with http:// or https://, "
                f"not {settings.public_url!r}"
            )
        if "@" not in settings.contact_email:
            raise ConfigError(
                f"INTAKE_CONTACT_EMAIL must be an email address, not {settings.contact_email!r}"
            )
        if not settings.database_url.startswith(("sqlite", "postgresql")):
            raise ConfigError(
                "INTAKE_DATABASE_URL must be a sqlite:// or postgresql:// URL, "
                f"not {settings.database_url!r}"
            )
        if settings.broker_url is not None and not settings.broker_url.startswith(
            ("redis://", "rediss://")
        ):
            raise ConfigError(
                f"INTAKE_BROKER_URL must be a redis:// URL (or unset for the embedded "
                f"broker), not {settings.broker_url!r}"
            )
        return settings


_SECURITY = ("none", "starttls", "ssl")


def _oidc(env: Mapping[str, str]) -> OidcSettings | None:
    """The ``INTAKE_OIDC_*`` settings, or ``None`` when none is set."""
    if not any(name.startswith("INTAKE_OIDC_") for name in env):
        return None
    client_auth = _choice(
        env, "INTAKE_OIDC_CLIENT_AUTH", OidcSettings.client_auth, OIDC_CLIENT_AUTH
    )
    proof = (
        "INTAKE_OIDC_PRIVATE_KEY_FILE"
        if client_auth == "private_key_jwt"
        else "INTAKE_OIDC_CLIENT_SECRET"
    )
    missing = [
        name
        for name in ("INTAKE_OIDC_ISSUER", "INTAKE_OIDC_CLIENT_ID", proof)
        if not env.get(name, "").strip()
    ]
    if missing:
        raise ConfigError(f"OpenID Connect sign-in needs {', '.join(missing)} as well")
    private_key_file = _private_key_file(env) if client_auth == "private_key_jwt" else None
    unused = (
        ("INTAKE_OIDC_CLIENT_SECRET",)
        if private_key_file
        else ("INTAKE_OIDC_PRIVATE_KEY_FILE", "INTAKE_OIDC_KEY_ID")
    )
    for name in unused:
        if env.get(name, "").strip():
            raise ConfigError(
                f"{name} is not used with INTAKE_OIDC_CLIENT_AUTH={client_auth}: unset it"
            )
    issuer = env["INTAKE_OIDC_ISSUER"].strip()
    metadata_url = env.get(
        "INTAKE_OIDC_METADATA_URL", issuer.rstrip("/") + "/.well-known/openid-configuration"
    ).strip()
    for name, url in (("INTAKE_OIDC_ISSUER", issuer), ("INTAKE_OIDC_METADATA_URL", metadata_url)):
        _check_provider_url(name, url)
    scopes = " ".join(env.get("INTAKE_OIDC_SCOPES", OidcSettings.scopes).split())
    if "openid" not in scopes.split():
        raise ConfigError(f"INTAKE_OIDC_SCOPES must include openid, not {scopes!r}")
    acr_levels = _list(env.get("INTAKE_OIDC_ACR_LEVELS", ""))
    min_acr = env.get("INTAKE_OIDC_MIN_ACR", "").strip() or None
    if min_acr is not None and not acr_levels:
        acr_levels = (min_acr,)
    if min_acr is not None and min_acr not in acr_levels:
        raise ConfigError(
            f"INTAKE_OIDC_MIN_ACR {min_acr!r} must be one of INTAKE_OIDC_ACR_LEVELS "
            f"({', '.join(acr_levels)})"
        )
    role_values = _role_values(env.get("INTAKE_OIDC_ROLE_VALUES", ""))
    local = env.get("INTAKE_OIDC_LOCAL_LOGIN", "on").strip().lower()
    if local not in ("on", "off"):
        raise ConfigError(f"INTAKE_OIDC_LOCAL_LOGIN must be on or off, not {local!r}")
    return OidcSettings(
        issuer=issuer,
        client_id=env["INTAKE_OIDC_CLIENT_ID"].strip(),
        client_secret=env.get("INTAKE_OIDC_CLIENT_SECRET", ""),
        metadata_url=metadata_url,
        scopes=scopes,
        acr_levels=acr_levels,
        min_acr=min_acr,
        role_claim=env.get("INTAKE_OIDC_ROLE_CLAIM", OidcSettings.role_claim).strip(),
        role_values=role_values,
        label=env.get("INTAKE_OIDC_LABEL", OidcSettings.label).strip(),
        local_login=local == "on",
        leeway_s=_int(env, "INTAKE_OIDC_LEEWAY_S", OidcSettings.leeway_s, minimum=0, maximum=300),
        client_auth=client_auth,
        private_key_file=private_key_file,
        key_id=env.get("INTAKE_OIDC_KEY_ID", "").strip() or None,
    )


def _private_key_file(env: Mapping[str, str]) -> Path:
    """The private key file for ``private_key_jwt``: readable, and a PEM RSA
    (2048 bits or more) or EC (P-256, P-384, P-521) private key without a
    password."""
    name = "INTAKE_OIDC_PRIVATE_KEY_FILE"
    path = Path(env[name].strip())
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{name} {str(path)!r} cannot be read: {error.strerror}") from None
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as error:
        raise ConfigError(
            f"{name} {str(path)!r} is not a PEM private key without a password: {error}"
        ) from None
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size >= 2048:
        return path
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name in EC_CURVES:
        return path
    raise ConfigError(
        f"{name} {str(path)!r} must hold an RSA key of 2048 bits or more, "
        "or an EC key on P-256, P-384 or P-521"
    )


def _check_provider_url(name: str, url: str) -> None:
    """https, or http only to this machine (a provider run for tests)."""
    parts = urlsplit(url)
    local = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")
    if not parts.hostname or not (parts.scheme == "https" or local):
        raise ConfigError(f"{name} must be an https:// URL, not {url!r}")


def _list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _role_values(raw: str) -> tuple[tuple[str, str], ...]:
    """``admin=pcse-admin,caseworker=pcse-caseworker`` -> claim value to role."""
    pairs = []
    for item in _list(raw):
        role, sep, value = (part.strip() for part in item.partition("="))
        if not sep or not value or role not in OIDC_ROLES:
            raise ConfigError(
                "INTAKE_OIDC_ROLE_VALUES must be role=claim value pairs separated by commas, "
                f"each role one of {', '.join(OIDC_ROLES)}, not {item!r}"
            )
        pairs.append((value, role))
    if not pairs:
        raise ConfigError(
            "INTAKE_OIDC_ROLE_VALUES must say which claim values make a caseworker or an admin, "
            "e.g. admin=pcse-admin,caseworker=pcse-caseworker"
        )
    return tuple(pairs)


def _auth_methods(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = env.get(name)
    if raw is None:
        return default
    methods = tuple(m.strip().lower() for m in raw.split(",") if m.strip())
    if not methods or not set(methods) <= {"dmarc", "spf", "dkim"}:
        raise ConfigError(f"{name} must list some of dmarc, spf, dkim (commas), not {raw!r}")
    return methods


def _mail_oauth(env: Mapping[str, str]) -> dict[str, str | None]:
    """``INTAKE_MAIL_OAUTH_*``: all or nothing (a client id needs a secret, and
    a tenant or a token URL)."""
    client_id = env.get("INTAKE_MAIL_OAUTH_CLIENT_ID", "").strip() or None
    secret = env.get("INTAKE_MAIL_OAUTH_CLIENT_SECRET", "")
    tenant = env.get("INTAKE_MAIL_OAUTH_TENANT", "").strip()
    token_url = env.get("INTAKE_MAIL_OAUTH_TOKEN_URL", "").strip()
    scope = env.get("INTAKE_MAIL_OAUTH_SCOPE", Settings.mail_oauth_scope).strip()
    if client_id is None:
        if secret or tenant or token_url:
            raise ConfigError("INTAKE_MAIL_OAUTH_CLIENT_ID is needed with INTAKE_MAIL_OAUTH_*")
        return {}
    if not secret:
        raise ConfigError("INTAKE_MAIL_OAUTH_CLIENT_SECRET is needed with a client id")
    if not token_url:
        if not tenant:
            raise ConfigError("INTAKE_MAIL_OAUTH_TENANT or INTAKE_MAIL_OAUTH_TOKEN_URL is needed")
        token_url = f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
    if not token_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ConfigError(f"INTAKE_MAIL_OAUTH_TOKEN_URL must be https, not {token_url!r}")
    if not scope:
        raise ConfigError("INTAKE_MAIL_OAUTH_SCOPE must not be empty")
    return dict(
        mail_oauth_client_id=client_id,
        mail_oauth_client_secret=secret,
        mail_oauth_tenant=tenant,
        mail_oauth_token_url=token_url,
        mail_oauth_scope=scope,
    )


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name, default).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _int(
    env: Mapping[str, str], name: str, default: int, *, minimum: int, maximum: int | None = None
) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum else f"at least {minimum}"
        raise ConfigError(f"{name} must be {bound}, not {value}")
    return value


def _share(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number from 0 to 1, not {raw!r}") from None
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"{name} must be from 0 to 1, not {value}")
    return value


def _dev_secret(data_dir: Path) -> str:
    """A per-installation secret kept in the data folder, so a single-machine
    install works without setup and sessions survive restarts."""
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        path.chmod(0o600)
        return key
