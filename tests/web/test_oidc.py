"""Caseworkers sign in through a real OpenID Provider, in headless Chromium.

The provider is the certified ``oidc-provider`` npm package (installed by
``make install``), run by ``oidc_provider.mjs`` on a loopback port with its
own keys and its development login pages. The app runs under waitress with
``INTAKE_OIDC_*`` pointing at it, a worker reads one form into review, and
the people below sign in through the provider's own pages.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from waitress import create_server

from intake.accounts.models import User
from intake.accounts.services import disable_user
from intake.audit import AuditEvent
from intake.config import OidcSettings
from intake.directory.services import import_directory
from intake.service import Intake
from intake.submissions.models import Request, Status
from intake.submissions.services import accept
from sample_forms.scenarios import RECEIVED
from tasks.processing import enqueue
from tests.conftest import ROOT, WorkerProcess, make_settings
from tests.web.test_browser import CONTEXT, SAMPLES, Live, browser  # noqa: F401 (a fixture)
from web import create_app

CLIENT_ID = "pcse-intake"
CLIENT_SECRET = "a client secret for the tests only"
LOW, HIGH = "urn:test:acr:password", "urn:test:acr:smartcard"
PEOPLE = {
    "casey-sub-1": {
        "acr": HIGH,
        "claims": {
            "name": "Casey Jones",
            "preferred_username": "casey.jones",
            "roles": ["pcse-caseworker"],
        },
    },
    "ada-sub-2": {
        "acr": HIGH,
        "claims": {
            "name": "Ada Admin",
            "preferred_username": "ada",
            "roles": ["pcse-admin", "pcse-caseworker"],
        },
    },
    "nora-sub-3": {"acr": HIGH, "claims": {"name": "Nora Nobody", "roles": ["other-service"]}},
    "lou-sub-4": {"acr": LOW, "claims": {"name": "Lou Password", "roles": ["pcse-caseworker"]}},
    "tam-sub-6": {"acr": HIGH, "claims": {"name": "Tam Tamper", "roles": ["pcse-caseworker"]}},
    "dee-sub-7": {"acr": HIGH, "claims": {"name": "Dee Leaver", "roles": ["pcse-caseworker"]}},
    "tess-sub-5": {
        "acr": HIGH,
        "id_token_ttl": 1,
        "claims": {"name": "Tess Late", "roles": ["pcse-caseworker"]},
    },
}
REVIEW_FORM = "review_authoriser_name_mismatch.pdf"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Provider:
    """The Node process serving ``oidc-provider``."""

    def __init__(self, tmp: Path, app_url: str, key_clients: tuple[dict, ...] = ()) -> None:
        self.port = _free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "provider.log"
        self.config = {
            "module": str(ROOT / "node_modules" / "oidc-provider" / "lib" / "index.js"),
            "issuer": self.issuer,
            "port": self.port,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uri": f"{app_url}/login/oidc/callback",
            "post_logout_redirect_uri": f"{app_url}/login",
            "acr_levels": [LOW, HIGH],
            "people": PEOPLE,
            # Clients that sign a JWT with their key (private_key_jwt).
            "key_clients": list(key_clients),
        }
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> Provider:
        node = shutil.which("node")
        assert node, "node is needed to run the OpenID Provider (make install)"
        assert Path(self.config["module"]).exists(), "oidc-provider is not installed: make install"
        self.proc = subprocess.Popen(
            [node, str(Path(__file__).with_name("oidc_provider.mjs"))],
            env={"OIDC_TEST_CONFIG": json.dumps(self.config), "PATH": "/usr/bin:/bin"},
            stdout=subprocess.PIPE,
            stderr=self.log.open("w"),
            text=True,
        )
        line = self.proc.stdout.readline()
        assert line.strip() == "listening", f"the provider did not start:\n{self.log.read_text()}"
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def oidc_live(tmp_path_factory) -> Iterator[tuple[Live, Provider]]:
    tmp = tmp_path_factory.mktemp("oidc")
    # The app's port must be known before the provider (its redirect URI).
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    provider = Provider(tmp, app_url).start()
    worker = server = None
    try:
        oidc = OidcSettings(
            issuer=provider.issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            metadata_url=f"{provider.issuer}/.well-known/openid-configuration",
            scopes="openid profile email roles",
            acr_levels=(LOW, HIGH),
            min_acr=HIGH,
            role_claim="roles",
            role_values=(("pcse-admin", "admin"), ("pcse-caseworker", "caseworker")),
            local_login=False,
            leeway_s=0,
        )
        base = make_settings(tmp, sweep_interval_s=2, resend_after_s=5)
        intake = Intake.start(base)
        import_directory(intake.db, SAMPLES / "directory")
        app = create_app({"INTAKE_SETTINGS": base.with_overrides(oidc=oidc)})
        server = create_server(app, sockets=[sock], threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        worker = WorkerProcess(base, tmp / "worker.log").start(intake)
        with app.app_context():
            accept(
                intake.db,
                intake.store,
                (SAMPLES / REVIEW_FORM).read_bytes(),
                filename=REVIEW_FORM,
                channel="email",
                received_on=RECEIVED,
                sender="practice@nhs.example",
                max_bytes=base.max_upload_bytes,
                after_commit=enqueue,
            )
        live = Live(app_url, intake, tmp)
        live.wait_until_decided()
        yield live, provider
    finally:
        if worker is not None:
            worker.stop()
        if server is not None:
            server.close()
        provider.stop()


def local_page(chromium: Browser) -> Iterator[Page]:
    """A page whose requests never leave the machine (the provider's pages
    ask for a web font)."""
    context = chromium.new_context(**CONTEXT)
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser, oidc_live) -> Iterator[Page]:  # noqa: F811 (the imported fixture)
    yield from local_page(browser)


def provider_sign_in(page: Page, live: Live, who: str) -> None:
    """Start at the service's sign-in page and sign in at the provider."""
    page.goto(f"{live.url}/login")
    page.get_by_role("button", name="Sign in with your NHS account").click()
    page.wait_for_load_state()
    if page.url.startswith(live.url):
        return  # still signed in at the provider: it answered at once
    page.locator("input[name=login]").fill(who)
    page.locator("input[name=password]").fill("anything")
    page.get_by_role("button", name="Sign-in").click()
    consent = page.get_by_role("button", name="Continue")
    if urlsplit(page.url).port != urlsplit(live.url).port and consent.count():
        consent.click()


def signed_in(page: Page, live: Live) -> bool:
    answer = page.request.get(f"{live.url}/dashboard", max_redirects=0)
    return answer.status == 200


def test_a_caseworker_signs_in_through_the_provider_and_decides_a_case(oidc_live, page: Page):
    live, provider = oidc_live
    provider_sign_in(page, live, "casey-sub-1")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text("Casey Jones")).to_be_visible()

    with live.intake.db.session() as session:
        reference = session.scalar(select(Request.reference).where(Request.status == Status.REVIEW))
        account = session.scalar(select(User).where(User.oidc_subject == "casey-sub-1"))
    assert reference is not None
    assert (account.oidc_issuer, account.role, account.password_hash) == (
        provider.issuer,
        "caseworker",
        "",
    )

    page.goto(f"{live.url}/dashboard")
    page.get_by_role("link", name=reference).first.click()
    page.get_by_label("Note (required)").fill("Checked the authoriser's name with the practice.")
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_text(f"{reference} is now rejected.")).to_be_visible()
    trail = page.locator("table.audit")
    expect(trail.get_by_text("casey-sub-1")).to_be_visible()
    expect(trail.get_by_text(provider.issuer).first).to_be_visible()

    with live.intake.db.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.actor == account.username)
        ).all()
    assert {e.event for e in events} >= {"signed in"}
    assert len(events) >= 2
    for event in events:
        assert event.detail["identity_subject"] == "casey-sub-1"
        assert event.detail["identity_issuer"] == provider.issuer

    # The same person signing in again is the same account.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name=re.compile("Yes, sign me out", re.I)).click()
    provider_sign_in(page, live, "casey-sub-1")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    with live.intake.db.session() as session:
        assert (
            len(session.scalars(select(User).where(User.oidc_subject == "casey-sub-1")).all()) == 1
        )


def test_the_admin_claim_makes_an_admin(oidc_live, page: Page):
    live, _ = oidc_live
    provider_sign_in(page, live, "ada-sub-2")
    expect(page.get_by_role("link", name="Admin", exact=True)).to_be_visible()


def test_a_person_without_a_mapped_role_is_refused_with_no_session(oidc_live, page: Page):
    live, _ = oidc_live
    provider_sign_in(page, live, "nora-sub-3")
    expect(
        page.get_by_role("heading", name="You do not have access to this service")
    ).to_be_visible()
    assert not signed_in(page, live)
    with live.intake.db.session() as session:
        assert session.scalar(select(User).where(User.oidc_subject == "nora-sub-3")) is None


def test_a_sign_in_weaker_than_the_minimum_acr_is_refused(oidc_live, page: Page):
    live, _ = oidc_live
    provider_sign_in(page, live, "lou-sub-4")
    expect(page.get_by_role("heading", name="Sign in with a stronger method")).to_be_visible()
    assert not signed_in(page, live)


def test_an_expired_id_token_is_refused(oidc_live, page: Page):
    live, _ = oidc_live
    provider_sign_in(page, live, "tess-sub-5")
    expect(page.get_by_role("heading", name="We could not sign you in")).to_be_visible()
    assert not signed_in(page, live)


def test_a_tampered_state_is_refused(oidc_live, page: Page):
    live, _ = oidc_live
    page.goto(f"{live.url}/login")
    page.get_by_role("button", name="Sign in with your NHS account").click()
    page.locator("input[name=login]").fill("tam-sub-6")
    page.locator("input[name=password]").fill("anything")
    page.get_by_role("button", name="Sign-in").click()
    # Consent is given outside the browser's navigation (same cookies), so
    # the provider's answer can be caught before it reaches the service.
    consent = page.locator("form", has=page.get_by_role("button", name="Continue"))
    answer = page.request.post(
        urljoin(page.url, consent.get_attribute("action")),
        form={"prompt": "consent"},
        max_redirects=0,
    )
    location = urljoin(page.url, answer.headers["location"])
    while not location.startswith(f"{live.url}/login/oidc/callback"):
        answer = page.request.get(location, max_redirects=0)
        location = urljoin(location, answer.headers["location"])
    parts = urlsplit(location)
    query = dict(parse_qsl(parts.query))
    assert query["code"] and query["state"]
    tampered = {**query, "state": query["state"][:-4] + "AAAA"}

    page.goto(parts._replace(query=urlencode(tampered)).geturl())
    expect(page.get_by_role("heading", name="We could not sign you in")).to_be_visible()
    assert not signed_in(page, live)
    # The same answer with its own state signs in: only the state was wrong.
    page.goto(location)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_signing_out_ends_the_provider_session_too(oidc_live, page: Page):
    live, provider = oidc_live
    provider_sign_in(page, live, "casey-sub-1")
    page.get_by_role("button", name="Sign out").click()
    # The provider asks to confirm its own sign-out, then sends us back.
    expect(page).to_have_url(re.compile(re.escape(provider.issuer)))
    page.get_by_role("button", name=re.compile("Yes, sign me out", re.I)).click()
    expect(page).to_have_url(re.compile(re.escape(f"{live.url}/login")))
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    assert not signed_in(page, live)
    # The provider forgot the person: signing in asks for the login again.
    page.get_by_role("button", name="Sign in with your NHS account").click()
    expect(page.locator("input[name=login]")).to_be_visible()


def test_a_disabled_account_is_refused_even_with_a_live_session(oidc_live, page: Page):
    live, _ = oidc_live
    provider_sign_in(page, live, "dee-sub-7")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    with live.intake.db.session() as session:
        username = session.scalar(select(User.username).where(User.oidc_subject == "dee-sub-7"))
    disable_user(live.intake.db, username, actor="operator")
    assert not signed_in(page, live)
    provider_sign_in(page, live, "dee-sub-7")
    expect(page.get_by_role("heading", name="Your account has been disabled")).to_be_visible()
    assert not signed_in(page, live)


def test_local_sign_in_is_off_when_configured(oidc_live, page: Page):
    live, _ = oidc_live
    page.goto(f"{live.url}/login")
    expect(page.get_by_label("Password")).to_have_count(0)
    assert page.request.post(
        f"{live.url}/login", form={"username": "x", "password": "y"}
    ).status in (400, 404)
