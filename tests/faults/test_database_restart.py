"""PostgreSQL restarting under the web doors: each answers 503 with
Retry-After while it is down, stores nothing half-way, and works again as
soon as it is back."""

from __future__ import annotations

import io
import itertools

import pytest

from intake.accounts.services import create_api_token, create_user
from tests.conftest import ROOT, make_settings
from web import create_app

GOOD = (ROOT / "sample_forms" / "applied_gp_partner.pdf").read_bytes()
PASSWORD = "correct horse battery"
_unique = itertools.count()


def a_form() -> tuple[io.BytesIO, str]:
    return io.BytesIO(GOOD + f"\n%{next(_unique)}\n".encode()), "form.pdf"


def knock_on_every_door(client, token: str, reference: str) -> dict:
    """One request at each door; the answers by door. The caseworker who
    signs in stays signed in, as one at work during a restart would be."""
    api = {"Authorization": f"Bearer {token}"}
    answers = {
        "upload": client.post("/upload", data={"files": a_form()}),
        "api upload": client.post("/api/v1/submissions", data={"file": a_form()}, headers=api),
        "api status": client.get(f"/api/v1/submissions/{reference}", headers=api),
        "sign in": client.post("/login", data={"username": "casey", "password": PASSWORD}),
        "dashboard": client.get("/dashboard"),
    }
    return answers


@pytest.mark.pipeline
def test_every_door_answers_503_while_postgresql_restarts_and_recovers(tmp_path, private_postgres):
    settings = make_settings(tmp_path, database_url=private_postgres.url)
    app = create_app({"INTAKE_SETTINGS": settings, "WTF_CSRF_ENABLED": False})
    intake = app.extensions["intake"]
    token = create_api_token(intake.db, "robot", created_by="admin", scope="reader")
    create_user(intake.db, "casey", PASSWORD, role="caseworker", display_name="Casey")
    client = app.test_client()
    reference = intake.accept(GOOD, filename="first.pdf", channel="api").references[0]

    before = knock_on_every_door(client, token, reference)
    files_before = sorted(p for p in intake.store.root.rglob("*") if p.is_file())
    private_postgres.stop()
    during = knock_on_every_door(client, token, reference)
    files_during = sorted(p for p in intake.store.root.rglob("*") if p.is_file())
    private_postgres.start()
    after = knock_on_every_door(client, token, reference)

    ok = {door: answer.status_code for door, answer in before.items()}
    assert ok == {
        "upload": 200,
        "api upload": 202,
        "api status": 200,
        "sign in": 302,
        "dashboard": 200,
    }
    assert {door: answer.status_code for door, answer in during.items()} == dict.fromkeys(ok, 503)
    assert all(int(answer.headers["Retry-After"]) > 0 for answer in during.values())
    assert files_during == files_before  # nothing stored half-way
    assert {door: answer.status_code for door, answer in after.items()} == ok
