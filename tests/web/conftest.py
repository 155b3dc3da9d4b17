"""Fixtures for the web app: an app on a fresh SQLite database, its client,
and a factory for requests in any state. No worker is needed: uploads are
queued on the embedded broker under the test's data folder and stay there."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from intake.config import Settings
from intake.queries import by_reference
from intake.submissions import accept
from web import create_app

_counter = itertools.count()


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
        app = create_app(
            {
                "TESTING": True,
                "INTAKE_SETTINGS": settings.with_overrides(**setting_changes),
                **(config or {}),
            }
        )
        return app

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


@pytest.fixture
def make_request(intake):
    """Accept a file and then set its request's columns directly, as a worker
    would have: ``make_request(status="rejected", reasons=[...], fields={...})``.
    Returns the reference."""

    def make(filename: str = "form.pdf", channel: str = "web", **columns: Any) -> str:
        accepted = accept(
            intake.db,
            intake.store,
            pdf_bytes(filename),
            filename=filename,
            channel=channel,
            max_bytes=intake.settings.max_upload_bytes,
        )
        reference = accepted.references[0]
        fields = columns.get("fields") or {}
        columns.setdefault("org_code", fields.get("org_code"))
        columns.setdefault("nominee_email", fields.get("nominee_email"))
        with intake.db.session() as session:
            request = by_reference(session, reference)
            for name, value in columns.items():
                setattr(request, name, value)
        return reference

    return make
