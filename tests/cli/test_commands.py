"""The command line: the schema, directory import and sweep, accounts, review decisions."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

from cli import main
from intake.accounts.services import authenticate, check_api_token, create_user
from intake.service import Intake
from tests.conftest import make_settings, settings_env
from tests.intake.directory.test_directory import FILES, write_directory


@pytest.fixture
def run(tmp_path):
    env = settings_env(make_settings(tmp_path))

    def invoke(*args):
        return CliRunner().invoke(main, list(map(str, args)), env=env)

    assert invoke("db", "upgrade").exit_code == 0
    db = Intake.start(make_settings(tmp_path), migrate=False).db
    create_user(db, "admin", "correct horse battery", role="admin")
    create_user(db, "cw", "correct horse battery", role="caseworker")
    db.dispose()
    return invoke


def test_a_command_on_a_database_without_the_schema_says_what_to_run(tmp_path):
    env = settings_env(make_settings(tmp_path))

    before = CliRunner().invoke(main, ["tokens", "revoke", "robot", "--as", "admin"], env=env)
    upgraded = CliRunner().invoke(main, ["db", "upgrade"], env=env)
    after = CliRunner().invoke(main, ["db", "check"], env=env)

    assert before.exit_code == 1
    assert "the database has no tables yet: run `intake db upgrade` first" in before.output
    assert (upgraded.exit_code, after.exit_code) == (0, 0)
    assert "the database is up to date" in after.output


def test_directory_import_reports_counts_and_sweeps_for_leavers(run, tmp_path):
    result = run("directory", "import", write_directory(tmp_path / "dir"))

    assert result.exit_code == 0, result.output
    assert "staff.csv: 3 rows" in result.output
    assert "leaver sweep: 0 newly flagged" in result.output


def test_a_bad_directory_is_refused_with_file_and_line(run, tmp_path):
    bad = FILES["organisations.csv"] + "Z1,Bad Code,gp_practice,QWE,active\n"

    result = run(
        "directory", "import", write_directory(tmp_path / "dir", **{"organisations.csv": bad})
    )

    assert result.exit_code == 1
    assert "nothing imported: organisations.csv:5: org_code 'Z1' is not an ODS code" in (
        result.output
    )


def test_review_needs_apply_or_reject(run):
    result = run("review", "UA-2026-000001", "--note", "x", "--as", "cw")

    assert result.exit_code == 2
    assert "say --apply or --reject" in result.output


def test_review_of_an_unknown_reference_says_so(run):
    result = run("review", "UA-2026-999999", "--apply", "--note", "x", "--as", "cw")

    assert result.exit_code == 1
    assert "UA-2026-999999 is not waiting for a caseworker" in result.output


def test_as_must_name_an_active_account_and_an_admin_for_tokens(run):
    nobody = run("review", "UA-2026-000001", "--apply", "--note", "x", "--as", "nobody")
    not_admin = run("tokens", "create", "robot", "--as", "cw")

    assert nobody.exit_code == 2
    assert "--as 'nobody': there is no active account of that name" in nobody.output
    assert not_admin.exit_code == 2
    assert "only an admin may do this" in not_admin.output


def test_users_add_makes_an_account_that_can_sign_in(run, tmp_path):
    result = CliRunner().invoke(
        main,
        ["users", "add", "Jo.Case", "--role", "admin", "--password-stdin"],
        input="correct horse battery\n",
        env=settings_env(make_settings(tmp_path)),
    )

    assert result.exit_code == 0, result.output
    db = Intake.start(make_settings(tmp_path)).db
    assert authenticate(db, "jo.case", "correct horse battery").role == "admin"
    assert authenticate(db, "jo.case", "wrong horse battery") is None


def test_a_short_password_is_refused(run, tmp_path):
    result = CliRunner().invoke(
        main,
        ["users", "add", "jo", "--password-stdin"],
        input="short\n",
        env=settings_env(make_settings(tmp_path)),
    )

    assert result.exit_code == 1
    assert "at least 12 characters" in result.output


def test_tokens_create_prints_a_token_that_works_once_and_can_be_revoked(run, tmp_path):
    token = run("tokens", "create", "mailbox robot", "--as", "admin").output.strip()
    db = Intake.start(make_settings(tmp_path)).db

    assert token.startswith("itk_")
    assert check_api_token(db, token).name == "mailbox robot"
    revoked = run("tokens", "revoke", "mailbox robot", "--as", "admin").output
    assert revoked == "revoked token 1 (mailbox robot)\n"
    assert check_api_token(db, token) is None


def test_a_worker_started_while_its_database_is_down_waits_for_it(tmp_path):
    env = {
        **os.environ,
        "INTAKE_DATA_DIR": str(tmp_path),
        "INTAKE_DATABASE_URL": "postgresql+psycopg://intake@127.0.0.1:9/intake",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "worker", "--quiet"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 120
        while sum("the database does not answer" in line for line in said) < 2:
            assert proc.poll() is None, "".join(said)  # still there, waiting
            assert time.monotonic() < deadline, "".join(said)
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_an_admin_sets_a_password_and_disables_an_account(run, tmp_path):
    env = settings_env(make_settings(tmp_path))
    changed = CliRunner().invoke(
        main,
        ["users", "password", "cw", "--as", "admin", "--password-stdin"],
        input="a new correct horse battery\n",
        env=env,
    )
    disabled = run("users", "disable", "cw", "--as", "admin")
    db = Intake.start(make_settings(tmp_path), migrate=False).db

    assert changed.exit_code == 0, changed.output
    assert disabled.exit_code == 0, disabled.output
    assert authenticate(db, "cw", "a new correct horse battery") is None  # disabled
    assert run("users", "disable", "admin", "--as", "cw").exit_code == 2  # cw can no longer act
