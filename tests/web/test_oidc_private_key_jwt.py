"""The service proves itself to the provider with a signed JWT (private_key_jwt).

The same real ``oidc-provider`` as ``test_oidc.py`` registers one more
client, which may only authenticate at the token endpoint with a JWT signed
by the key whose public half it registered (RFC 7523). Two apps use that
client: one with the registered private key, one with another key.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from waitress import create_server

from intake.accounts.models import User
from intake.config import Settings
from intake.service import Intake
from tests.conftest import make_settings
from tests.web.test_browser import CONTEXT, Live, browser  # noqa: F401 (a fixture)
from tests.web.test_oidc import HIGH, LOW, Provider, local_page, provider_sign_in, signed_in
from web import create_app

KEY_CLIENT_ID = "pcse-intake-signed"
KEY_ID = "intake-test-key-1"


def _private_key_file(path: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def _listening() -> tuple[socket.socket, str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture(scope="module")
def signed_apps(tmp_path_factory) -> Iterator[tuple[Live, Live, Provider]]:
    """(the app with the registered key, the app with another key, the provider)"""
    tmp = tmp_path_factory.mktemp("oidc-key")
    good_key = _private_key_file(tmp / "client-key.pem")
    wrong_key = _private_key_file(tmp / "another-key.pem")
    registered = {
        **RSAKey.import_key(good_key.read_bytes()).as_dict(private=False),
        "kid": KEY_ID,
        "use": "sig",
        "alg": "RS256",
    }
    sockets = [_listening(), _listening()]
    urls = [url for _, url in sockets]
    client = {
        "client_id": KEY_CLIENT_ID,
        "jwks": {"keys": [registered]},
        "redirect_uris": [f"{url}/login/oidc/callback" for url in urls],
        "post_logout_redirect_uris": [f"{url}/login" for url in urls],
    }
    provider = Provider(tmp, urls[0], key_clients=(client,)).start()
    servers = []
    try:
        base = make_settings(tmp)
        intake = Intake.start(base)
        lives = []
        for (sock, url), key in zip(sockets, (good_key, wrong_key), strict=True):
            # Read as the service reads its environment: no client secret.
            oidc = Settings.from_env(
                {
                    "INTAKE_SECRET_KEY": "x",
                    "INTAKE_OIDC_ISSUER": provider.issuer,
                    "INTAKE_OIDC_CLIENT_ID": KEY_CLIENT_ID,
                    "INTAKE_OIDC_CLIENT_AUTH": "private_key_jwt",
                    "INTAKE_OIDC_PRIVATE_KEY_FILE": str(key),
                    "INTAKE_OIDC_KEY_ID": KEY_ID,
                    "INTAKE_OIDC_SCOPES": "openid profile email roles",
                    "INTAKE_OIDC_ACR_LEVELS": f"{LOW},{HIGH}",
                    "INTAKE_OIDC_MIN_ACR": HIGH,
                    "INTAKE_OIDC_ROLE_VALUES": "admin=pcse-admin,caseworker=pcse-caseworker",
                    "INTAKE_OIDC_LOCAL_LOGIN": "off",
                    "INTAKE_OIDC_LEEWAY_S": "0",
                }
            ).oidc
            assert oidc.client_secret == ""
            app = create_app({"INTAKE_SETTINGS": base.with_overrides(oidc=oidc)})
            server = create_server(app, sockets=[sock], threads=4)
            servers.append(server)
            threading.Thread(target=server.run, daemon=True).start()
            lives.append(Live(url, intake, tmp))
        yield lives[0], lives[1], provider
    finally:
        for server in servers:
            server.close()
        for sock, _ in sockets:
            sock.close()
        provider.stop()


@pytest.fixture
def page(browser: Browser, signed_apps) -> Iterator[Page]:  # noqa: F811 (the imported fixture)
    yield from local_page(browser)


def test_a_caseworker_signs_in_with_the_service_proving_itself_by_its_key(signed_apps, page):
    live, _, provider = signed_apps
    provider_sign_in(page, live, "casey-sub-1")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text("Casey Jones")).to_be_visible()
    assert signed_in(page, live)
    with live.intake.db.session() as session:
        account = session.scalar(select(User).where(User.oidc_subject == "casey-sub-1"))
    assert (account.oidc_issuer, account.role) == (provider.issuer, "caseworker")

    # The public half, as the provider's registration can fetch it.
    jwks = page.request.get(f"{live.url}/oidc/jwks.json")
    assert jwks.status == 200
    (published,) = jwks.json()["keys"]
    (registered,) = provider.config["key_clients"][0]["jwks"]["keys"]
    assert published == registered
    assert "d" not in published


def test_a_key_the_provider_does_not_know_is_refused_with_no_session(signed_apps, page):
    _, wrong, _ = signed_apps
    provider_sign_in(page, wrong, "ada-sub-2")
    expect(
        page.get_by_role("heading", name="The sign-in service did not accept this service")
    ).to_be_visible()
    assert not signed_in(page, wrong)
    with wrong.intake.db.session() as session:
        assert session.scalar(select(User).where(User.oidc_subject == "ada-sub-2")) is None
