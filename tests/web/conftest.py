"""Fixtures for the web app: an app on a fresh SQLite database, its client, a
signed-in caseworker, an API token, and a factory for requests in any state.

CSRF is off in these unit tests (``test_security.py`` proves it is enforced
when on). No worker is needed: uploads are queued on the embedded broker
under the test's data folder and stay there."""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from intake.accounts.services import create_api_token, create_user
from intake.config import Settings
from intake.submissions.queries import by_reference
from intake.submissions.services import accept
from web import create_app

_counter = itertools.count()

PASSWORD = "correct horse battery"


def pdf_bytes(label: str = "") -> bytes:
    """Distinct bytes each call (the service de-duplicates identical files)."""
    return f"%PDF-1.4\n% test file {label} {next(_counter)}\n%%EOF\n".encode()


@pytest.fixture
def new_pdf():
    """A function returning distinct PDF-looking bytes at each call."""
    return pdf_bytes


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path}/t.sqlite3",
        secret_key="test",
    )


@pytest.fixture
def make_app(settings):
    """Build an app; keyword arguments override settings or Flask config."""

    def make(config: dict[str, Any] | None = None, **setting_changes: Any):
        return create_app(
            {
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "INTAKE_SETTINGS": settings.with_overrides(**setting_changes),
                **(config or {}),
            }
        )

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def intake(app):
    return app.extensions["intake"]


@dataclass
class Auth:
    """Signs a user in and out through the real /login and /logout routes."""

    client: Any
    db: Any

    def login(self, username: str = "casey", role: str = "caseworker"):
        # The account may exist from an earlier login in the same test.
        with contextlib.suppress(ValueError):
            create_user(self.db, username, PASSWORD, role=role, display_name=username.title())
        return self.client.post("/login", data={"username": username, "password": PASSWORD})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client, intake) -> Auth:
    return Auth(client, intake.db)


@pytest.fixture
def caseworker(auth):
    """The client, signed in as a caseworker."""
    auth.login()
    return auth.client


@pytest.fixture
def admin(auth):
    """The client, signed in as an admin."""
    auth.login("ada", role="admin")
    return auth.client


@pytest.fixture
def api_token(intake) -> str:
    return create_api_token(intake.db, "tests", created_by="pytest")


@pytest.fixture
def api_headers(api_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token}"}


@pytest.fixture
def make_request(intake):
    """Accept a file and then set its request's columns directly, as a worker
    would have: ``make_request(status="rejected", reasons=[...], fields={...})``.
    Returns the reference; ``make_request.tokens[reference]`` is its status token."""

    tokens: dict[str, str] = {}

    def make(
        filename: str = "form.pdf", channel: str = "web", data: bytes | None = None, **columns
    ) -> str:
        accepted = accept(
            intake.db,
            intake.store,
            data or pdf_bytes(filename),
            filename=filename,
            channel=channel,
            max_bytes=intake.settings.max_upload_bytes,
        )
        reference = accepted.references[0]
        tokens[reference] = accepted.status_token
        fields = columns.pop("fields", None)
        with intake.db.session() as session:
            request = by_reference(session, reference)
            if fields is not None:
                request.set_fields(fields)  # the filter copies and the search text too
            for name, value in columns.items():
                setattr(request, name, value)
        return reference

    make.tokens = tokens
    return make
