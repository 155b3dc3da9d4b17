"""``intake users`` and ``intake tokens``: accounts listed and changed by an
admin, the last admin kept, tokens revoked by id, the first account added
without a terminal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from intake.accounts.services import authenticate, check_api_token, create_user
from intake.service import Intake
from tests.conftest import make_settings, settings_env

PASSWORD = "correct horse battery"


@pytest.fixture
def env(tmp_path):
    return settings_env(make_settings(tmp_path))


@pytest.fixture
def db(tmp_path):
    service = Intake.start(make_settings(tmp_path))
    yield service.db
    service.db.dispose()


@pytest.fixture
def run(env, tmp_path):
    def invoke(*args, input=None):
        return CliRunner().invoke(main, list(map(str, args)), env=env, input=input)

    assert invoke("db", "upgrade").exit_code == 0
    db = Intake.start(make_settings(tmp_path), migrate=False).db
    create_user(db, "admin", PASSWORD, role="admin", display_name="Ada Admin")
    create_user(db, "cw", PASSWORD, role="caseworker", display_name="Casey Worker")
    db.dispose()
    return invoke


def test_users_list_shows_each_account_to_an_admin(run, db):
    authenticate(db, "cw", PASSWORD)
    run("users", "disable", "cw", "--as", "admin")

    listed = run("users", "list", "--as", "admin")

    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].split() == ["USERNAME", "ROLE", "STATE", "LAST", "SIGN-IN", "NAME"]
    assert lines[1].split() == ["admin", "admin", "active", "-", "Ada", "Admin"]
    assert lines[2].split()[:3] == ["cw", "caseworker", "disabled"]
    assert lines[2].endswith("UTC  Casey Worker")
    assert run("users", "list", "--as", "cw").exit_code == 2  # not an admin (and disabled)


def test_an_admin_disables_enables_and_changes_roles(run, db):
    assert run("users", "role", "cw", "admin", "--as", "admin").output == "cw: admin\n"
    assert run("users", "disable", "admin", "--as", "cw").exit_code == 0
    assert authenticate(db, "admin", PASSWORD) is None

    enabled = run("users", "enable", "admin", "--as", "cw")

    assert enabled.output == "admin: enabled\n"
    assert authenticate(db, "admin", PASSWORD).role == "admin"


def test_the_last_active_admin_cannot_be_disabled_or_demoted(run, db):
    disabled = run("users", "disable", "admin", "--as", "admin")
    demoted = run("users", "role", "admin", "caseworker", "--as", "admin")

    assert disabled.exit_code == demoted.exit_code == 1
    assert "admin is the last active admin: make another account an admin" in disabled.output
    assert "before you make a caseworker this one" in demoted.output
    assert authenticate(db, "admin", PASSWORD).role == "admin"


def test_a_role_must_be_caseworker_or_admin(run):
    result = run("users", "role", "cw", "root", "--as", "admin")

    assert result.exit_code == 2
    assert "'root' is not one of 'caseworker', 'admin'" in result.output


def test_users_password_without_a_terminal_reads_standard_input(run, db):
    result = run("users", "password", "cw", "--as", "admin", input="a new correct horse\n")

    assert result.exit_code == 0, result.output
    assert authenticate(db, "cw", "a new correct horse") is not None


def test_users_add_with_nothing_on_standard_input_says_how_to_give_a_password(run):
    result = run("users", "add", "jo", input="")

    assert result.exit_code == 2
    assert "no password on standard input" in result.output


def test_the_readme_first_account_line_works_without_a_terminal(tmp_path, env, db):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "`.venv/bin/intake users add yourname --role admin`" in readme
    intake = Path(sys.executable).with_name("intake")

    # A new session: no controlling terminal to ask on, as under a script or CI.
    added = subprocess.run(
        [str(intake), "users", "add", "yourname", "--role", "admin"],
        input="correct horse battery\n",
        capture_output=True,
        text=True,
        env=env,
        start_new_session=True,
        timeout=120,
    )

    assert added.returncode == 0, added.stderr
    assert added.stdout == "added admin yourname\n"
    assert authenticate(db, "yourname", "correct horse battery").role == "admin"


def test_two_tokens_cannot_share_a_name(run):
    assert run("tokens", "create", "robot", "--as", "admin").exit_code == 0

    again = run("tokens", "create", "robot", "--as", "admin")

    assert again.exit_code == 1
    assert "A token called robot already exists (id 1): choose another name" in again.output


def test_tokens_are_listed_and_revoked_by_id_and_the_other_keeps_working(run, db):
    kept = run("tokens", "create", "robot one", "--as", "admin").output.strip()
    gone = run("tokens", "create", "robot two", "--as", "admin").output.strip()
    gone_id = check_api_token(db, gone).id

    revoked = run("tokens", "revoke", gone_id, "--as", "admin")
    listed = run("tokens", "list", "--as", "admin").output.splitlines()

    assert revoked.output == f"revoked token {gone_id} (robot two)\n"
    assert check_api_token(db, gone) is None
    assert check_api_token(db, kept) is not None
    assert listed[0].split() == ["ID", "SCOPE", "STATE", "LAST", "USED", "CREATED", "BY", "NAME"]
    assert [line.split()[:3] for line in listed[1:]] == [
        ["1", "submitter", "live"],
        ["2", "submitter", "revoked"],
    ]
    assert kept not in "\n".join(listed)


def test_a_token_is_revoked_by_name_only_when_one_unrevoked_token_has_it(run, db):
    token = run("tokens", "create", "mailbox robot", "--as", "admin").output.strip()

    unknown = run("tokens", "revoke", "no such robot", "--as", "admin")
    by_name = run("tokens", "revoke", "mailbox robot", "--as", "admin")
    twice = run("tokens", "revoke", "1", "--as", "admin")

    assert unknown.exit_code == 1
    assert "No unrevoked token is called no such robot; unrevoked tokens' ids: 1." in (
        unknown.output
    )
    assert by_name.output == "revoked token 1 (mailbox robot)\n"
    assert check_api_token(db, token) is None
    assert twice.exit_code == 1 and "Token 1 (mailbox robot) is already revoked." in twice.output
