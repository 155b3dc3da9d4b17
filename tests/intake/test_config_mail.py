"""The mail settings of issue 18: timeouts and OAuth, read strictly."""

from __future__ import annotations

import pytest

from intake.config import ConfigError, Settings
from intake.mail.settings import mailbox_settings, smtp_settings

BASE = {"INTAKE_SECRET_KEY": "x", "INTAKE_IMAP_HOST": "imap", "INTAKE_SMTP_HOST": "smtp"}


def test_timeouts_default_to_the_rfc_and_can_be_set():
    default = Settings.from_env(BASE)
    set_ = Settings.from_env(
        {
            **BASE,
            "INTAKE_IMAP_CONNECT_TIMEOUT_S": "3",
            "INTAKE_IMAP_TIMEOUT_S": "20",
            "INTAKE_SMTP_TIMEOUT_S": "15",
            "INTAKE_SMTP_DATA_TIMEOUT_S": "900",
        }
    )

    assert (smtp_settings(default).data_timeout_s, smtp_settings(default).timeout_s) == (600, 60)
    assert (mailbox_settings(set_).connect_timeout_s, mailbox_settings(set_).timeout_s) == (3, 20)
    assert (smtp_settings(set_).timeout_s, smtp_settings(set_).data_timeout_s) == (15, 900)
    assert mailbox_settings(default).oauth is None


def test_a_tenant_gives_microsofts_token_endpoint_and_outlooks_scope():
    settings = Settings.from_env(
        {
            **BASE,
            "INTAKE_MAIL_OAUTH_CLIENT_ID": "app",
            "INTAKE_MAIL_OAUTH_CLIENT_SECRET": "shh",
            "INTAKE_MAIL_OAUTH_TENANT": "nhs.net",
        }
    )
    client = mailbox_settings(settings).oauth

    assert client == smtp_settings(settings).oauth
    assert client.token_url == "https://login.microsoftonline.com/nhs.net/oauth2/v2.0/token"
    assert client.scope == "https://outlook.office365.com/.default"
    assert "shh" not in repr(client)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"INTAKE_MAIL_OAUTH_TENANT": "nhs.net"}, "INTAKE_MAIL_OAUTH_CLIENT_ID"),
        ({"INTAKE_MAIL_OAUTH_CLIENT_ID": "app"}, "INTAKE_MAIL_OAUTH_CLIENT_SECRET"),
        (
            {"INTAKE_MAIL_OAUTH_CLIENT_ID": "app", "INTAKE_MAIL_OAUTH_CLIENT_SECRET": "s"},
            "INTAKE_MAIL_OAUTH_TENANT",
        ),
        (
            {
                "INTAKE_MAIL_OAUTH_CLIENT_ID": "app",
                "INTAKE_MAIL_OAUTH_CLIENT_SECRET": "s",
                "INTAKE_MAIL_OAUTH_TOKEN_URL": "http://login.example.org/token",
            },
            "INTAKE_MAIL_OAUTH_TOKEN_URL",
        ),
        ({"INTAKE_SMTP_DATA_TIMEOUT_S": "0"}, "INTAKE_SMTP_DATA_TIMEOUT_S"),
        ({"INTAKE_IMAP_CONNECT_TIMEOUT_S": "soon"}, "INTAKE_IMAP_CONNECT_TIMEOUT_S"),
    ],
)
def test_a_bad_mail_setting_is_refused_by_name(env, named):
    with pytest.raises(ConfigError, match=named):
        Settings.from_env({**BASE, **env})
