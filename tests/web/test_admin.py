import re

from sqlalchemy import select

from intake.accounts.models import ApiToken
from intake.accounts.services import check_api_token
from intake.db import utcnow
from intake.directory.models import LeaverFlag, RoleHolder


def test_an_admin_creates_a_token_that_is_shown_once(admin, intake):
    response = admin.post("/admin/tokens", data={"name": "email-bridge"})

    page = response.get_data(as_text=True)
    token = re.search(r"data-new-token>(itk_[^<]+)<", page).group(1)
    assert check_api_token(intake.db, token) is not None
    assert token not in admin.get("/admin/tokens").get_data(as_text=True)
    with intake.db.session() as session:
        row = session.scalar(select(ApiToken))
        assert row.created_by == "ada" and row.token_hash != token


def test_a_token_needs_a_name(admin):
    response = admin.post("/admin/tokens", data={"name": " "})

    assert response.status_code == 400
    assert "Give the token a name" in response.get_data(as_text=True)


def test_an_admin_revokes_a_token_by_id_and_the_other_keeps_working(admin, intake):
    tokens = []
    for name in ("old", "new"):
        page = admin.post("/admin/tokens", data={"name": name}).get_data(as_text=True)
        tokens.append(re.search(r"data-new-token>(itk_[^<]+)<", page).group(1))
    old = check_api_token(intake.db, tokens[0])

    response = admin.post(f"/admin/tokens/{old.id}/revoke", follow_redirects=True)

    assert f"Token {old.id} (old) is revoked." in response.get_data(as_text=True)
    assert check_api_token(intake.db, tokens[0]) is None
    assert check_api_token(intake.db, tokens[1]).name == "new"


def test_a_second_token_of_a_name_is_refused_with_the_error_linked_to_the_name(admin):
    admin.post("/admin/tokens", data={"name": "robot"})

    response = admin.post("/admin/tokens", data={"name": "robot"})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: API tokens" in page
    assert '<a href="#name">A token called robot already exists (id 1)' in page
    assert 'aria-describedby="name-hint name-error" aria-invalid="true"' in page
    assert 'id="name-error"' in page


def test_revoking_a_revoked_token_says_so(admin, intake, api_token):
    token_id = check_api_token(intake.db, api_token).id
    admin.post(f"/admin/tokens/{token_id}/revoke")

    again = admin.post(f"/admin/tokens/{token_id}/revoke", follow_redirects=True)

    assert f"Token {token_id} (tests) is already revoked." in again.get_data(as_text=True)


def test_the_token_list_shows_who_made_each_and_when_it_was_used(admin, intake, api_token):
    check_api_token(intake.db, api_token)

    page = admin.get("/admin/tokens").get_data(as_text=True)

    assert "tests" in page and "pytest" in page
    assert "Never" not in page


def test_the_leaver_page_lists_open_flags_first(admin, intake):
    with intake.db.session() as session:
        holders = [
            RoleHolder(
                org_code="A81001",
                role_code="GPP_UA",
                full_name=name,
                email=email,
                status="active",
                source="intake",
            )
            for name, email in (("Gone", "gone@nhs.net"), ("Back", "back@nhs.net"))
        ]
        session.add_all(holders)
        session.flush()
        session.add_all(
            [
                LeaverFlag(
                    role_holder_id=holders[1].id,
                    org_code="A81001",
                    role_code="GPP_UA",
                    email="back@nhs.net",
                    reason="inactive",
                    resolved_at=utcnow(),
                    resolved_by="import",
                ),
                LeaverFlag(
                    role_holder_id=holders[0].id,
                    org_code="A81001",
                    role_code="GPP_UA",
                    email="gone@nhs.net",
                    reason="missing",
                ),
            ]
        )

    page = admin.get("/admin/leavers").get_data(as_text=True)

    assert page.index("gone@nhs.net") < page.index("back@nhs.net")
    assert "Not on the staff list" in page and "Inactive on the staff list" in page
