"""Account pages: an admin lists, disables, enables, changes roles and sets
passwords; anyone signed in changes their own password. Errors are in a
summary linked to their field, and every form carries its CSRF token."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from intake.accounts.models import User
from intake.accounts.services import active_user, authenticate, create_user
from tests.web.conftest import PASSWORD
from tests.web.test_security import csrf_token

NEW = "a brand new horse battery"


@pytest.fixture
def casey(app, intake):
    """A caseworker signed in on a client of their own."""
    create_user(intake.db, "casey", PASSWORD, display_name="Casey Worker")
    client = app.test_client()
    client.post("/login", data={"username": "casey", "password": PASSWORD})
    assert client.get("/dashboard").status_code == 200
    return client


def user_id(intake, username: str) -> int:
    with intake.db.session() as session:
        return session.scalar(select(User.id).where(User.username == username))


def test_the_users_page_lists_each_account_with_its_role_state_and_last_sign_in(
    admin, casey, intake
):
    create_user(intake.db, "gone", PASSWORD)
    admin.post(f"/admin/users/{user_id(intake, 'gone')}/active", data={"active": "no"})

    page = admin.get("/admin/users").get_data(as_text=True)

    rows = re.findall(r'<tr class="nhsuk-table__row" data-user="([^"]+)">(.*?)</tr>', page, re.S)
    assert [name for name, _ in rows] == ["ada", "casey", "gone"]
    row = dict(rows)
    assert "Casey Worker" in row["casey"] and "Active" in row["casey"]
    assert "Disabled" in row["gone"] and "Never" in row["gone"]
    assert "Never" not in row["casey"]  # signed in just now
    assert '<option value="admin" selected>' in row["ada"]


def test_a_caseworker_cannot_reach_the_users_page(casey, intake):
    assert casey.get("/admin/users").status_code == 403
    admin_id = user_id(intake, "casey")
    assert casey.post(f"/admin/users/{admin_id}/role", data={"role": "admin"}).status_code == 403


def test_disabling_an_account_ends_its_sessions_and_enabling_lets_it_back(admin, casey, intake):
    casey_id = user_id(intake, "casey")

    answer = admin.post(f"/admin/users/{casey_id}/active", data={"active": "no"})

    assert answer.status_code == 302
    assert casey.get("/dashboard").status_code == 302  # signed out
    assert authenticate(intake.db, "casey", PASSWORD) is None
    admin.post(f"/admin/users/{casey_id}/active", data={"active": "yes"})
    assert authenticate(intake.db, "casey", PASSWORD) is not None


def test_the_last_active_admin_cannot_be_disabled(admin, intake):
    ada = user_id(intake, "ada")

    answer = admin.post(f"/admin/users/{ada}/active", data={"active": "no"})

    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "<title>Error: Users" in page
    assert f'<a href="#active-{ada}">ada is the last active admin' in page
    assert f'id="active-{ada}" type="submit" aria-describedby="active-{ada}-error"' in page
    assert f'<span class="nhsuk-error-message" id="active-{ada}-error">' in page
    assert active_user(intake.db, "ada") is not None
    assert admin.get("/admin/users").status_code == 200  # still signed in


def test_the_last_active_admin_cannot_be_made_a_caseworker(admin, intake):
    ada = user_id(intake, "ada")

    answer = admin.post(f"/admin/users/{ada}/role", data={"role": "caseworker"})

    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert f'<a href="#role-{ada}">ada is the last active admin' in page
    assert f'id="role-{ada}" name="role" aria-describedby="role-{ada}-error" aria-invalid' in page
    assert active_user(intake.db, "ada").role == "admin"


def test_an_admin_makes_a_caseworker_an_admin_and_back(admin, casey, intake):
    casey_id = user_id(intake, "casey")

    made = admin.post(
        f"/admin/users/{casey_id}/role", data={"role": "admin"}, follow_redirects=True
    )

    assert "casey is now an admin." in made.get_data(as_text=True)
    assert casey.get("/admin/users").status_code == 200  # the session goes on, as an admin
    admin.post(f"/admin/users/{casey_id}/role", data={"role": "caseworker"})
    assert casey.get("/admin/users").status_code == 403


def test_an_admin_sets_a_new_password_typed_twice_and_the_users_sessions_end(admin, casey, intake):
    url = f"/admin/users/{user_id(intake, 'casey')}/password"

    mismatch = admin.post(url, data={"password": NEW, "password_confirm": NEW + "x"})
    short = admin.post(url, data={"password": "short", "password_confirm": "short"})
    done = admin.post(url, data={"password": NEW, "password_confirm": NEW})

    page = mismatch.get_data(as_text=True)
    assert mismatch.status_code == 400
    assert "<title>Error: Set a new password for casey" in page
    assert '<a href="#password-confirm">Enter the same new password again</a>' in page
    assert 'aria-describedby="password-confirm-error" aria-invalid="true"' in page
    assert '<a href="#password">Enter a password of at least 12 characters</a>' in (
        short.get_data(as_text=True)
    )
    assert done.status_code == 302
    assert casey.get("/dashboard").status_code == 302  # the session the user had has ended
    assert authenticate(intake.db, "casey", NEW) is not None
    assert authenticate(intake.db, "casey", PASSWORD) is None


def test_changing_your_own_password_keeps_this_session_and_ends_the_others(app, casey, intake):
    other = app.test_client()
    other.post("/login", data={"username": "casey", "password": PASSWORD})

    answer = casey.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": NEW, "password_confirm": NEW},
        follow_redirects=True,
    )

    assert answer.status_code == 200
    assert "Your password has been changed." in answer.get_data(as_text=True)
    assert casey.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302
    assert authenticate(intake.db, "casey", NEW) is not None


def test_your_own_password_needs_the_current_one(casey, intake):
    wrong = casey.post(
        "/account/password",
        data={"current_password": "not my password", "password": NEW, "password_confirm": NEW},
    )
    empty = casey.post("/account/password", data={})

    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 400
    assert "<title>Error: Change your password" in page
    assert '<a href="#current-password">Your current password is not right</a>' in page
    assert 'id="current-password" name="current_password"' in page
    assert [link for link in re.findall(r'<a href="#([^"]+)">', empty.get_data(as_text=True))] == [
        "current-password",
        "password",
    ]
    assert authenticate(intake.db, "casey", PASSWORD) is not None


def test_the_change_password_page_needs_a_signed_in_user(client):
    assert client.get("/account/password").status_code == 302


def test_every_account_form_carries_its_csrf_token(make_app):
    strict = make_app({"WTF_CSRF_ENABLED": True})
    create_user(strict.extensions["intake"].db, "root", PASSWORD, role="admin")
    create_user(strict.extensions["intake"].db, "casey", PASSWORD)
    client = strict.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "root", "password": PASSWORD, "csrf_token": token})
    casey_id = user_id(strict.extensions["intake"], "casey")

    for path in ("/admin/users", f"/admin/users/{casey_id}/password", "/account/password"):
        page = client.get(path).get_data(as_text=True)
        main = page[page.index("<h1") :]
        forms = re.findall(r"<form .*?</form>", main, re.S)
        assert forms, path
        assert all('name="csrf_token"' in form for form in forms), path
    refused = client.post(f"/admin/users/{casey_id}/active", data={"active": "no"})
    assert refused.status_code == 400
    assert active_user(strict.extensions["intake"].db, "casey") is not None
