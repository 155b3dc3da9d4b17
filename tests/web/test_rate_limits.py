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


def _app_behind(tmp_path, proxies: int):
    return create_app(
        {
            "INTAKE_SETTINGS": make_settings(tmp_path, trusted_proxies=proxies),
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_LOGIN": "2 per minute",
            "RATELIMIT_STATUS": "2 per minute",
        }
    )


def test_behind_a_trusted_proxy_sign_in_is_limited_per_client_not_for_everyone(tmp_path):
    client = _app_behind(tmp_path, proxies=1).test_client()

    def sign_in(address: str) -> int:
        return client.post(
            "/login",
            data={"username": "x", "password": "guess"},
            headers={"X-Forwarded-For": address},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},  # the proxy
        ).status_code

    first = [sign_in("203.0.113.7") for _ in range(3)]

    assert first == [401, 401, 429]
    assert sign_in("198.51.100.9") == 401  # another client has a budget of its own


def test_without_a_trusted_proxy_the_forwarded_address_is_not_believed(tmp_path):
    client = _app_behind(tmp_path, proxies=0).test_client()

    answers = [
        client.post(
            "/login",
            data={"username": "x", "password": "guess"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        ).status_code
        for n in range(3)
    ]

    assert answers == [401, 401, 429]


def test_status_pages_are_limited_per_link_not_per_address(tmp_path):
    client = _app_behind(tmp_path, proxies=0).test_client()

    one = [client.get("/status/st_first").status_code for _ in range(3)]
    other = client.get("/status/st_second").status_code

    assert one == [404, 404, 429]
    assert other == 404
