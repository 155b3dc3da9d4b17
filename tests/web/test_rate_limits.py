"""Rate limits: pages answer 429 with a page, the API with a JSON error."""

from __future__ import annotations

import pytest

from intake.accounts.services import create_api_token
from tests.conftest import make_settings
from web import create_app


@pytest.fixture
def limited_app(tmp_path):
    app = create_app(
        {
            "INTAKE_SETTINGS": make_settings(tmp_path),
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_LOGIN": "3 per minute",
            "RATELIMIT_API_READ": "2 per minute",
        }
    )
    yield app
    app.extensions["intake"].db.dispose()


def test_repeated_sign_in_attempts_are_slowed_down(limited_app):
    client = limited_app.test_client()
    answers = [
        client.post("/login", data={"username": "x", "password": "guess"}).status_code
        for _ in range(4)
    ]

    assert answers == [401, 401, 401, 429]
    page = client.post("/login", data={"username": "x", "password": "guess"})
    assert b"Too many requests" in page.data
    assert client.get("/login").status_code == 200  # reading the form is not limited


def test_the_api_limit_is_per_token_and_answers_in_json(limited_app):
    token = create_api_token(limited_app.extensions["intake"].db, "robot", created_by="admin")
    other = create_api_token(limited_app.extensions["intake"].db, "other", created_by="admin")
    client = limited_app.test_client()

    def get(with_token):
        return client.get(
            "/api/v1/submissions/UA-2026-000001",
            headers={"Authorization": f"Bearer {with_token}"},
        )

    assert [get(token).status_code for _ in range(3)] == [404, 404, 429]
    limited = get(token)
    assert limited.get_json()["error"]["code"] == "RATE_LIMITED"
    assert get(other).status_code == 404


def test_limits_fall_back_to_memory_while_their_storage_is_down(tmp_path):
    # Nothing listens on this port: the shared counters cannot be reached.
    app = create_app(
        {
            "INTAKE_SETTINGS": make_settings(tmp_path),
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0",
            "RATELIMIT_LOGIN": "3 per minute",
        }
    )
    try:
        client = app.test_client()
        answers = [
            client.post("/login", data={"username": "x", "password": "guess"}).status_code
            for _ in range(4)
        ]
        assert client.get("/").status_code == 200
    finally:
        app.extensions["intake"].db.dispose()

    # No 500: the limit is still counted, in this process's memory.
    assert answers == [401, 401, 401, 429]
