"""INTAKE_OIDC_* is parsed strictly; without it nothing changes."""

from __future__ import annotations

import pytest

from intake.config import ConfigError, Settings

BASE = {"INTAKE_SECRET_KEY": "x", "INTAKE_DATA_DIR": "/tmp/intake-config-test"}
OIDC = {
    "INTAKE_OIDC_ISSUER": "https://login.example.nhs.uk/tenant/v2.0",
    "INTAKE_OIDC_CLIENT_ID": "pcse-intake",
    "INTAKE_OIDC_CLIENT_SECRET": "secret",
    "INTAKE_OIDC_ROLE_VALUES": "admin=pcse-admin, caseworker=pcse-caseworker",
}


def test_without_oidc_variables_there_is_no_provider():
    assert Settings.from_env(BASE).oidc is None


def test_it_reads_a_provider():
    oidc = Settings.from_env(
        {**BASE, **OIDC, "INTAKE_OIDC_ACR_LEVELS": "low,mid,high", "INTAKE_OIDC_MIN_ACR": "mid"}
    ).oidc
    assert oidc.metadata_url == OIDC["INTAKE_OIDC_ISSUER"] + "/.well-known/openid-configuration"
    assert oidc.role_values == (("pcse-admin", "admin"), ("pcse-caseworker", "caseworker"))
    assert oidc.accepted_acr == ("mid", "high")
    assert oidc.local_login is True


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"INTAKE_OIDC_CLIENT_SECRET": ""}, "INTAKE_OIDC_CLIENT_SECRET"),
        ({"INTAKE_OIDC_ISSUER": "http://idp.example"}, "INTAKE_OIDC_ISSUER"),
        ({"INTAKE_OIDC_ROLE_VALUES": "boss=pcse-admin"}, "INTAKE_OIDC_ROLE_VALUES"),
        ({"INTAKE_OIDC_ROLE_VALUES": ""}, "INTAKE_OIDC_ROLE_VALUES"),
        ({"INTAKE_OIDC_SCOPES": "profile"}, "INTAKE_OIDC_SCOPES"),
        ({"INTAKE_OIDC_MIN_ACR": "top", "INTAKE_OIDC_ACR_LEVELS": "low"}, "INTAKE_OIDC_MIN_ACR"),
        ({"INTAKE_OIDC_LOCAL_LOGIN": "maybe"}, "INTAKE_OIDC_LOCAL_LOGIN"),
        ({"INTAKE_OIDC_LEEWAY_S": "-1"}, "INTAKE_OIDC_LEEWAY_S"),
    ],
)
def test_it_refuses_a_bad_value_by_name(change, named):
    with pytest.raises(ConfigError, match=named):
        Settings.from_env({**BASE, **OIDC, **change})
