"""Sign-in, CSRF, cookie flags and security headers."""

import io
import re

import pytest

from intake.audit import AuditEvent
from tests.conftest import ROOT
from tests.web.conftest import PASSWORD


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


@pytest.fixture
def strict(make_app):
    """An app with CSRF protection on, as in production."""
    return make_app({"WTF_CSRF_ENABLED": True})


def test_the_login_page_has_a_csrf_protected_form(strict):
    page = strict.test_client().get("/login").get_data(as_text=True)

    assert 'name="username"' in page and 'type="password"' in page
    assert csrf_token(page)


def test_signing_in_without_the_csrf_token_is_refused(strict, auth):
    auth.login()  # makes the account (CSRF is off for the shared client)
    client = strict.test_client()

    response = client.post("/login", data={"username": "casey", "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 302


def test_signing_in_with_the_csrf_token_works(strict, auth):
    auth.login()
    client = strict.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))

    response = client.post(
        "/login", data={"username": "casey", "password": PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize(
    "path", ["/upload", "/logout", "/dashboard/requests/UA-2026-000001/decision", "/admin/tokens"]
)
def test_every_form_post_needs_the_csrf_token(strict, path):
    assert strict.test_client().post(path, data={}).status_code == 400


def test_a_wrong_password_is_refused_and_says_so(client, auth):
    auth.login()
    auth.logout()

    response = client.post("/login", data={"username": "casey", "password": "wrong password!"})

    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_signing_in_is_audited(auth, intake):
    auth.login()

    with intake.db.session() as session:
        assert session.query(AuditEvent).filter_by(event="signed in", actor="casey").count() == 1


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/dashboard/queue", "/dashboard/queue"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/", "/dashboard"),
    ],
)
def test_after_signing_in_it_goes_back_only_within_the_site(client, auth, target, landing):
    auth.login()
    auth.logout()

    response = client.post(
        "/login", query_string={"next": target}, data={"username": "casey", "password": PASSWORD}
    )

    assert response.headers["Location"] == landing


def test_the_session_cookie_is_secure_httponly_and_samesite(client, auth):
    response = auth.login()

    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_cookie_flags_are_on_without_any_configuration(app):
    for name in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "REMEMBER_COOKIE_SECURE"):
        assert app.config[name] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("path", ["/", "/login", "/status/st_x", "/dashboard"])
def test_every_page_has_a_content_security_policy(client, path):
    response = client.get(path)

    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_page_has_inline_script_or_style(caseworker, make_request):
    reference = make_request(status="processing")
    token = make_request.tokens[reference]

    for path in (
        "/",
        "/login",
        f"/status/{token}",
        "/dashboard",
        "/dashboard/queue",
        "/dashboard/audit",
        f"/dashboard/requests/{reference}",
    ):
        page = caseworker.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page), path
        assert " style=" not in page and "<style" not in page, path
        assert " on" + "click=" not in page, path


def test_a_caseworker_is_not_an_admin(caseworker):
    assert caseworker.get("/admin/tokens").status_code == 403
    assert caseworker.post("/admin/tokens", data={"name": "x"}).status_code == 403


def test_an_upload_may_carry_several_files_at_the_per_file_limit(strict):
    # CSRF reads the form before the view: it must not hold the request to one file's size.
    client = strict.test_client()
    token = csrf_token(client.get("/").get_data(as_text=True))
    form = (ROOT / "sample_forms" / "applied_gp_partner.pdf").read_bytes()
    limit = strict.extensions["intake"].settings.max_upload_bytes
    big = form + b" " * (limit - len(form) - 1024)  # padding after %%EOF: still the form
    files = [(io.BytesIO(big), f"form{i}.pdf") for i in range(2)]

    answer = client.post("/upload", data={"csrf_token": token, "files": files})

    assert answer.status_code == 200, answer.status_code
    assert answer.get_data(as_text=True).count("UA-") >= 1
