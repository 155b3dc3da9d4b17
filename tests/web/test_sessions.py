"""Sessions that end, and doors that refuse control characters (#14)."""

from __future__ import annotations

import pytest

from tests.web.conftest import PASSWORD
from tests.web.test_security import csrf_token

SESSION_COOKIE = "session"


def test_a_session_cookie_replayed_after_sign_out_is_refused(caseworker):
    kept = caseworker.get_cookie(SESSION_COOKIE).value
    assert caseworker.get("/dashboard").status_code == 200

    caseworker.post("/logout")
    caseworker.set_cookie(SESSION_COOKIE, kept)

    assert caseworker.get("/dashboard").status_code == 302


def test_signing_out_ends_the_accounts_other_sessions_too(make_app, auth):
    auth.login()
    other = auth.client.application.test_client()
    other.post("/login", data={"username": "casey", "password": PASSWORD})
    assert other.get("/dashboard").status_code == 200

    auth.logout()

    assert other.get("/dashboard").status_code == 302


def test_the_csrf_token_changes_at_sign_in(make_app, auth):
    auth.login()  # makes the account
    strict = make_app({"WTF_CSRF_ENABLED": True}).test_client()
    before = csrf_token(strict.get("/login").get_data(as_text=True))

    signed_in = strict.post(
        "/login", data={"username": "casey", "password": PASSWORD, "csrf_token": before}
    )
    after = csrf_token(strict.get("/").get_data(as_text=True))

    assert signed_in.status_code == 302
    assert after != before
    assert strict.post("/logout", data={"csrf_token": before}).status_code == 400
    assert strict.post("/logout", data={"csrf_token": after}).status_code == 302


@pytest.mark.parametrize(
    "path, form",
    [
        ("/status/st_abc%00def", None),
        ("/dashboard?q=a%00b", None),
        ("/login", {"username": "casey\x00", "password": PASSWORD}),
        ("/login", {"username": "casey", "password": "x\x07" * 8}),
    ],
)
def test_a_control_character_at_any_door_is_400_before_sign_in_too(client, auth, path, form):
    auth.login()
    auth.logout()

    answer = client.post(path, data=form) if form else client.get(path)

    assert answer.status_code == 400
    assert b"control character" in answer.data


def test_a_note_may_hold_line_ends(caseworker, make_request):
    reference = make_request(status="review")

    answer = caseworker.post(
        f"/dashboard/requests/{reference}/decision",
        data={"decision": "reject", "note": "First line.\r\nSecond line."},
    )

    assert answer.status_code != 400


def test_pages_json_and_images_are_never_cached_but_the_design_system_is(client, api_token):
    api = client.get(
        "/api/v1/submissions/UA-2026-000001", headers={"Authorization": f"Bearer {api_token}"}
    )

    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert api.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/app.css").headers.get("Cache-Control", "")


def test_hsts_is_sent_when_the_service_is_public_over_https(make_app):
    https = make_app(public_url="https://intake.example.nhs.uk").test_client().get("/")
    plain = make_app().test_client().get("/")

    assert https.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in plain.headers


@pytest.mark.parametrize("change", ["password", "disabled"])
def test_a_new_password_or_a_disabled_account_ends_its_sessions(caseworker, intake, change):
    from intake.accounts.services import disable_user, set_password

    assert caseworker.get("/dashboard").status_code == 200

    if change == "password":
        set_password(intake.db, "casey", "a new correct horse battery", actor="ada")
    else:
        disable_user(intake.db, "casey", actor="ada")

    assert caseworker.get("/dashboard").status_code == 302
