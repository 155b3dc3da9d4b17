"""A database outage at every door: 503 with Retry-After, nothing half-stored."""

from __future__ import annotations

import io

import pytest
from sqlalchemy.orm import sessionmaker

from intake.accounts.services import create_api_token
from intake.db import make_engine
from tests.conftest import ROOT

GOOD = ROOT / "sample_forms" / "applied_gp_partner.pdf"
#: Nothing listens there: every connection is refused, as while PostgreSQL restarts.
DOWN = "postgresql+psycopg://intake@127.0.0.1:9/intake"


@pytest.fixture
def outage(app):
    """The app, its database gone from under it (a token made before)."""
    intake = app.extensions["intake"]
    token = create_api_token(intake.db, "robot", created_by="admin")
    intake.db.engine = make_engine(DOWN)
    intake.db.sessions = sessionmaker(intake.db.engine, expire_on_commit=False)
    return app, token


def _stored(app) -> list:
    root = app.extensions["intake"].store.root
    return [p for p in root.rglob("*") if p.is_file()]


def test_an_upload_during_an_outage_is_503_and_stores_nothing(outage):
    app, _token = outage
    before = _stored(app)
    client = app.test_client()

    answer = client.post("/upload", data={"files": (io.BytesIO(GOOD.read_bytes()), "form.pdf")})

    assert answer.status_code == 503
    assert answer.headers["Retry-After"].isdigit()
    assert b"nothing you sent was stored" in answer.data
    assert _stored(app) == before


def test_the_api_during_an_outage_answers_503_in_json(outage):
    app, token = outage
    client = app.test_client()

    answer = client.get(
        "/api/v1/submissions/UA-2026-000001", headers={"Authorization": f"Bearer {token}"}
    )

    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "UNAVAILABLE"
    assert int(answer.headers["Retry-After"]) > 0


def test_signing_in_during_an_outage_is_503(outage):
    app, _token = outage
    answer = app.test_client().post("/login", data={"username": "casey", "password": "x" * 12})
    assert answer.status_code == 503
    assert "Retry-After" in answer.headers
