"""INTAKE_OIDC_* is parsed strictly; without it nothing changes."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

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


def _key_file(path, key) -> str:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(path)


def _signed(key_file: str, **more: str) -> dict[str, str]:
    env = {**BASE, **OIDC, "INTAKE_OIDC_CLIENT_AUTH": "private_key_jwt"}
    del env["INTAKE_OIDC_CLIENT_SECRET"]
    return {**env, "INTAKE_OIDC_PRIVATE_KEY_FILE": key_file, **more}


def test_the_client_authenticates_with_its_secret_by_default():
    oidc = Settings.from_env({**BASE, **OIDC}).oidc
    assert (oidc.client_auth, oidc.private_key_file, oidc.key_id) == (
        "client_secret_basic",
        None,
        None,
    )
    post = {"INTAKE_OIDC_CLIENT_AUTH": "client_secret_post"}
    assert Settings.from_env({**BASE, **OIDC, **post}).oidc.client_auth == "client_secret_post"


@pytest.mark.parametrize(
    "key",
    [
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        ec.generate_private_key(ec.SECP256R1()),
    ],
    ids=["rsa", "ec"],
)
def test_private_key_jwt_reads_a_key_and_needs_no_secret(tmp_path, key):
    key_file = _key_file(tmp_path / "key.pem", key)
    oidc = Settings.from_env(_signed(key_file, INTAKE_OIDC_KEY_ID=" key-1 ")).oidc
    assert (oidc.client_auth, str(oidc.private_key_file), oidc.key_id) == (
        "private_key_jwt",
        key_file,
        "key-1",
    )
    assert oidc.client_secret == ""


def test_private_key_jwt_refuses_a_missing_unreadable_or_wrong_key_by_name(tmp_path):
    named = "INTAKE_OIDC_PRIVATE_KEY_FILE"
    with pytest.raises(ConfigError, match=f"needs {named}"):
        Settings.from_env(_signed(""))
    with pytest.raises(ConfigError, match=f"{named} .* cannot be read"):
        Settings.from_env(_signed(str(tmp_path / "absent.pem")))
    (tmp_path / "notes.pem").write_text("not a key\n")
    with pytest.raises(ConfigError, match=f"{named} .* not a PEM private key"):
        Settings.from_env(_signed(str(tmp_path / "notes.pem")))
    small = _key_file(
        tmp_path / "small.pem", rsa.generate_private_key(public_exponent=65537, key_size=1024)
    )
    with pytest.raises(ConfigError, match=f"{named} .* 2048 bits"):
        Settings.from_env(_signed(small))
    curve = _key_file(tmp_path / "k1.pem", ec.generate_private_key(ec.SECP256K1()))
    with pytest.raises(ConfigError, match=f"{named} .* P-256"):
        Settings.from_env(_signed(curve))


def test_settings_for_another_client_authentication_are_refused_by_name(tmp_path):
    key_file = _key_file(tmp_path / "key.pem", ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(ConfigError, match="INTAKE_OIDC_CLIENT_AUTH"):
        Settings.from_env({**BASE, **OIDC, "INTAKE_OIDC_CLIENT_AUTH": "client_secret_jwt"})
    with pytest.raises(ConfigError, match="INTAKE_OIDC_CLIENT_SECRET is not used"):
        Settings.from_env(_signed(key_file, INTAKE_OIDC_CLIENT_SECRET="secret"))
    for name, value in (("INTAKE_OIDC_PRIVATE_KEY_FILE", key_file), ("INTAKE_OIDC_KEY_ID", "k")):
        with pytest.raises(ConfigError, match=f"{name} is not used"):
            Settings.from_env({**BASE, **OIDC, name: value})
