"""Accounts and tokens: the names stored are the names a person sees; the
service always keeps an active admin; a new password ends sessions; each
unrevoked token has a name of its own and is revoked by its id."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from intake.accounts.models import ApiToken, User
from intake.accounts.services import (
    AccountError,
    WrongPassword,
    active_user,
    authenticate,
    change_password,
    check_api_token,
    create_api_token,
    create_user,
    disable_user,
    enable_user,
    list_users,
    revoke_api_token,
    set_password,
    set_role,
    unrevoked_token_id,
)
from intake.audit import AuditEvent
from intake.config import Settings
from intake.db import Database
from intake.migrate import alembic_config, upgrade
from intake.service import Intake

PASSWORD = "correct horse battery"


@pytest.fixture
def db(tmp_path, database_url):
    """The service's database on SQLite and on PostgreSQL, with an admin
    (ada) and a caseworker (casey)."""
    service = Intake.start(
        Settings(data_dir=tmp_path / "var", database_url=database_url, secret_key="x")
    )
    create_user(service.db, "ada", PASSWORD, role="admin", display_name="Ada Admin")
    create_user(service.db, "casey", PASSWORD, display_name="Casey Worker")
    yield service.db
    service.db.dispose()


def _session_version(db, username: str) -> int:
    with db.session() as session:
        return session.scalar(select(User.session_version).where(User.username == username))


def _events(db) -> list[tuple[str, str, dict]]:
    with db.session() as session:
        rows = session.execute(select(AuditEvent.event, AuditEvent.actor, AuditEvent.detail))
        return [(event, actor, detail or {}) for event, actor, detail in rows]


def test_names_lose_controls_and_bidi_overrides(intake):
    user = create_user(
        intake.db,
        "ca\u202esey",
        "correct horse battery",
        display_name="Casey\u202e nosmaS\x00",
    )
    create_api_token(intake.db, "robot\u2066 one\u2069", created_by="casey")

    assert (user.username, user.display_name) == ("casey", "Casey nosmaS")
    with intake.db.session() as session:
        assert session.scalar(select(ApiToken.name)) == "robot one"
    assert active_user(intake.db, "casey\u202e").username == "casey"
    assert active_user(intake.db, "nobody") is None


def test_the_list_shows_each_account_role_state_and_last_sign_in(db):
    authenticate(db, "casey", PASSWORD)
    disable_user(db, "casey", actor="ada")

    listed = {user.username: user for user in list_users(db)}

    assert list(listed) == ["ada", "casey"]  # active first
    assert (listed["ada"].role, listed["ada"].active, listed["ada"].display_name) == (
        "admin",
        True,
        "Ada Admin",
    )
    assert listed["ada"].last_signed_in_at is None
    assert (listed["casey"].active, listed["casey"].last_signed_in_at is not None) == (False, True)


def test_the_last_active_admin_cannot_be_disabled_or_made_a_caseworker(db):
    with pytest.raises(AccountError, match="ada is the last active admin"):
        disable_user(db, "ada", actor="ada")
    with pytest.raises(AccountError, match="ada is the last active admin"):
        set_role(db, "ada", "caseworker", actor="ada")

    assert active_user(db, "ada").role == "admin"


def test_an_admin_can_be_disabled_or_demoted_while_another_admin_is_active(db):
    set_role(db, "casey", "admin", actor="ada")

    disable_user(db, "ada", actor="casey")
    with pytest.raises(AccountError, match="casey is the last active admin"):
        set_role(db, "casey", "caseworker", actor="casey")
    enable_user(db, "ada", actor="casey")
    set_role(db, "casey", "caseworker", actor="ada")

    assert authenticate(db, "ada", PASSWORD).role == "admin"
    assert active_user(db, "casey").role == "caseworker"


def test_a_disabled_admin_does_not_count_as_the_admin_the_service_keeps(db):
    create_user(db, "bob", PASSWORD, role="admin")
    disable_user(db, "bob", actor="ada")

    with pytest.raises(AccountError, match="last active admin"):
        disable_user(db, "ada", actor="ada")


def test_a_password_an_admin_sets_ends_the_accounts_sessions(db):
    before = _session_version(db, "casey")

    set_password(db, "casey", "a brand new horse battery", actor="ada")

    assert _session_version(db, "casey") == before + 1
    assert authenticate(db, "casey", PASSWORD) is None
    assert authenticate(db, "casey", "a brand new horse battery").username == "casey"


def test_changing_your_own_password_needs_the_current_one_and_ends_sessions(db):
    before = _session_version(db, "casey")

    with pytest.raises(WrongPassword):
        change_password(db, "casey", "not my password at all", "a brand new horse battery")
    with pytest.raises(AccountError, match="at least 12 characters"):
        change_password(db, "casey", PASSWORD, "short")
    assert _session_version(db, "casey") == before

    user = change_password(db, "casey", PASSWORD, "a brand new horse battery")

    assert user.session_version == before + 1 == _session_version(db, "casey")
    assert authenticate(db, "casey", "a brand new horse battery") is not None


def test_a_disabled_account_cannot_sign_in_until_enabled(db):
    disable_user(db, "casey", actor="ada")
    assert authenticate(db, "casey", PASSWORD) is None

    enable_user(db, "casey", actor="ada")

    assert authenticate(db, "casey", PASSWORD) is not None


def test_every_change_is_an_audit_event_naming_who_made_it(db):
    set_role(db, "casey", "admin", actor="ada")
    disable_user(db, "casey", actor="ada")
    enable_user(db, "casey", actor="ada")
    set_password(db, "casey", "a brand new horse battery", actor="ada")
    change_password(db, "ada", PASSWORD, "ada's own new battery")
    token = create_api_token(db, "robot", created_by="ada")
    revoke_api_token(db, check_api_token(db, token).id, actor="casey")

    events = [(event, actor, detail.get("username")) for event, actor, detail in _events(db)]

    assert events[2:] == [
        ("user role changed", "ada", "casey"),
        ("user disabled", "ada", "casey"),
        ("user enabled", "ada", "casey"),
        ("password changed", "ada", "casey"),
        ("password changed", "ada", "ada"),
        ("api token created", "ada", None),
        ("api token revoked", "casey", None),
    ]


def test_unknown_accounts_and_roles_are_refused(db):
    with pytest.raises(AccountError, match="There is no user called nobody"):
        disable_user(db, "nobody", actor="ada")
    with pytest.raises(AccountError, match="Role must be one of"):
        set_role(db, "casey", "superuser", actor="ada")


def test_two_unrevoked_tokens_cannot_share_a_name(db):
    first = create_api_token(db, "mailbox robot", created_by="ada")

    with pytest.raises(AccountError, match=r"A token called mailbox robot already exists \(id"):
        create_api_token(db, " mailbox  robot ", created_by="ada")

    revoke_api_token(db, check_api_token(db, first).id, actor="ada")
    second = create_api_token(db, "mailbox robot", created_by="ada")
    assert check_api_token(db, second).name == "mailbox robot"


def test_the_database_itself_refuses_a_second_unrevoked_token_of_a_name(db):
    create_api_token(db, "robot", created_by="ada")

    with pytest.raises(IntegrityError), db.session() as session:
        session.add(ApiToken(name="robot", token_hash="0" * 64, created_by="ada"))


def test_revoking_a_token_by_id_leaves_the_other_tokens_working(db):
    kept = create_api_token(db, "robot one", created_by="ada")
    gone = create_api_token(db, "robot two", created_by="ada")

    revoked = revoke_api_token(db, check_api_token(db, gone).id, actor="ada")

    assert revoked.name == "robot two"
    assert check_api_token(db, gone) is None
    assert check_api_token(db, kept).name == "robot one"
    with pytest.raises(
        AccountError, match=f"Token {revoked.id} \\(robot two\\) is already revoked"
    ):
        revoke_api_token(db, revoked.id, actor="ada")
    with pytest.raises(AccountError, match="There is no token with id 999"):
        revoke_api_token(db, 999, actor="ada")


def test_a_name_gives_a_tokens_id_only_when_one_unrevoked_token_has_it(db):
    token = create_api_token(db, "robot one", created_by="ada")
    other = create_api_token(db, "robot two", created_by="ada")
    ids = [check_api_token(db, t).id for t in (token, other)]

    assert unrevoked_token_id(db, "robot one") == ids[0]
    with pytest.raises(AccountError) as refused:
        unrevoked_token_id(db, "robot three")
    assert str(refused.value) == (
        f"No unrevoked token is called robot three; unrevoked tokens' ids: {ids[0]}, {ids[1]}."
    )


def test_the_upgrade_renames_unrevoked_tokens_that_shared_a_name(database_url):
    db = Database(database_url)
    try:
        config = alembic_config(db.engine)
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0009")
            for n, revoked in enumerate([None, None, "2026-01-01", None]):
                connection.execute(
                    text(
                        "INSERT INTO api_tokens (name, token_hash, created_by, created_at, "
                        "revoked_at, scope) VALUES ('robot', :hash, 'ada', '2026-01-01', "
                        ":revoked, 'submitter')"
                    ),
                    {"hash": f"{n:064d}", "revoked": revoked},
                )
        upgrade(db.engine)
        with db.session() as session:
            names = session.execute(select(ApiToken.id, ApiToken.name).order_by(ApiToken.id))
            names = [name for _, name in names]
    finally:
        db.dispose()

    assert names == ["robot", "robot #2", "robot", "robot #4"]
