"""The verify benchmark's forms aim at the reasons their scenario names."""

from __future__ import annotations

import pytest

from bench.forms import RECEIVED, SCENARIOS, build_forms
from bench.make_directory import write_directory
from intake.db import Database
from intake.directory.queries import SqlDirectory
from intake.directory.services import import_directory
from intake.migrate import upgrade
from verification.rules import verify

EXPECTED = {
    "authoriser_inactive": "AUTHORISER_INACTIVE",
    "authoriser_other_org": "AUTHORISER_OTHER_ORG",
    "authoriser_not_found": "AUTHORISER_NOT_FOUND",
    "capacity_mismatch": "AUTHORISER_CAPACITY_MISMATCH",
    "nominee_not_at_org": "NOMINEE_NOT_AT_ORG",
    "org_unknown": "ORG_UNKNOWN",
    "org_closed": "ORG_CLOSED",
}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("directory")
    info = write_directory(folder, orgs=300, staff=3000, seed=2, samples=300)
    db = Database(f"sqlite:///{folder / 'intake.sqlite3'}")
    upgrade(db.engine)
    import_directory(db, folder)
    forms = build_forms(info, 300)
    try:
        with db.session() as session:
            directory = SqlDirectory(session)
            yield [
                (name, verify(form, {}, received=RECEIVED, directory=directory))
                for name, form in forms
            ]
    finally:
        db.dispose()


def test_it_builds_the_number_of_forms_asked_for_the_same_each_time(tmp_path):
    info = write_directory(tmp_path, orgs=100, staff=1000, seed=1)
    assert len(build_forms(info, 50)) == 50
    assert build_forms(info, 50) == build_forms(info, 50)


def test_every_scenario_is_used(verdicts):
    assert {name for name, _ in verdicts} == set(SCENARIOS)


def test_each_scenario_finds_the_reason_it_is_about(verdicts):
    for name, verdict in verdicts:
        codes = {f.code.value for f in verdict.findings}
        if name in EXPECTED:
            assert EXPECTED[name] in codes, (name, codes)
        if name in ("gp_partner", "caldicott_guardian", "icb"):
            wrong = {
                c for c in codes if c.startswith(("AUTHORISER_", "ICB_CONTACT", "ICB_NOT_ORG"))
            }
            assert not wrong, (name, codes)


def test_a_good_share_of_forms_is_applied(verdicts):
    applied = sum(v.outcome.value == "applied" for _, v in verdicts)
    assert applied > len(verdicts) // 5
