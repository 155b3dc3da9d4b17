"""`make run` twice in a row keeps every decision: the commands it runs before
serving (the schema, the sample directory) are harmless to run again."""

from __future__ import annotations

import shlex
import subprocess
import sys

import pytest
from sqlalchemy import select

from intake.directory.models import RoleHolder
from intake.service import Intake
from intake.submissions.models import Request
from tests.conftest import ROOT, make_settings, settings_env
from tests.test_end_to_end import SAMPLES, run_submit


def setup_commands() -> list[list[str]]:
    """What `make run` runs through the `intake` command before it serves."""
    printed = subprocess.run(
        ["make", "-n", "-s", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    commands = []
    for line in printed.splitlines():
        # Only the `intake` lines: the install steps (a shell block over several
        # lines when something is out of date) are not the service's.
        first = line.split(maxsplit=1)[0] if line.strip() else ""
        if first.rsplit("/", 1)[-1] != "intake":
            continue
        words = shlex.split(line)
        if words[1:2] != ["serve"]:
            commands.append([sys.executable, "-m", "cli", *words[1:]])
    assert len(commands) >= 2, printed  # the schema and the sample directory at least
    return commands


def state(settings) -> tuple[list, list]:
    db = Intake.start(settings, migrate=False).db
    try:
        with db.session() as session:
            requests = session.execute(
                select(Request.reference, Request.status).order_by(Request.reference)
            ).all()
            holders = session.execute(
                select(RoleHolder.org_code, RoleHolder.role_code, RoleHolder.email)
                .where(RoleHolder.status == "active")
                .order_by(RoleHolder.org_code, RoleHolder.role_code, RoleHolder.email)
            ).all()
    finally:
        db.dispose()
    return requests, holders


@pytest.mark.pipeline
def test_make_run_twice_keeps_every_decision(tmp_path):
    settings = make_settings(tmp_path)
    env = settings_env(settings)

    def set_up() -> str:
        out = []
        for command in setup_commands():
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr[-2000:]
            out.append(done.stdout)
        return "".join(out)

    set_up()
    forms = [SAMPLES / "applied_main_contact_update.pdf", SAMPLES / "applied_gp_partner.pdf"]
    results = run_submit(settings, forms, "2026-11-20")
    assert sorted(row["status"] for row in results) == ["applied", "applied"], results
    before = state(settings)

    report = set_up()

    assert state(settings) == before
    requests, holders = before
    main_contacts = [h for h in holders if h.role_code == "MAIN_CONTACT" and h.org_code == "A81004"]
    assert [h.email for h in main_contacts] == [results[0]["fields"]["nominee_email"]]
    assert report.count("kept: service change not yet upstream") == 3, report
