"""``intake directory import-ods``: what each file gave, and a refusal that
names the file and line and changes nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bench.make_ods import Org, sub_icb_locations, write_legacy
from cli import main
from intake.directory.queries import SqlDirectory
from intake.service import Intake
from tests.conftest import make_settings, settings_env


@pytest.fixture
def run(tmp_path):
    env = settings_env(make_settings(tmp_path))

    def invoke(*args):
        return CliRunner().invoke(main, list(map(str, args)), env=env)

    assert invoke("db", "upgrade").exit_code == 0
    return invoke


@pytest.fixture
def files(tmp_path):
    practices = [
        Org("A81001", "RIVERSIDE SURGERY", "Q00", "A", "4", "00X"),
        Org("A81002", "HILLTOP SURGERY", "02X", "C", "4", "02X"),
        Org("A81003", "NEW TOWN SURGERY", "Q00", "P", "4", "01X"),
        Org("Y01234", "CITY WALK-IN CENTRE", "Q00", "A", "1", "00X"),
    ]
    return [
        write_legacy(tmp_path / "epraccur.csv", practices, "epraccur"),
        write_legacy(tmp_path / "egdpprac.csv", [Org("V012345", "MILL DENTAL", "Q01")], "egdpprac"),
        write_legacy(tmp_path / "eopthq.csv", [Org("TAB1", "HILLTOP OPTICIANS LTD")], "eopthq"),
        write_legacy(tmp_path / "eccg.csv", sub_icb_locations(8), "eccg"),
    ]


def test_import_ods_says_what_each_file_gave(run, tmp_path, files):
    result = run("directory", "import-ods", *files)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "epraccur.csv: GP practices (epraccur, no header): 4 rows" in lines
    assert "  imported 2 (1 active, 1 closed)" in lines
    assert "  skipped 1: proposed (not yet open)" in lines
    assert "  skipped 1: prescribing setting 1 (walk-in centre), not a GP practice" in lines
    assert "  1 codes V0nnnnn written as ODS publishes them (Vnnnnn)" in lines
    assert "  8 Sub ICB Locations, used to resolve and check ICB codes" in lines
    assert "organisations: 4 added, 0 changed, 0 unchanged, removed none" in lines
    assert "ICB codes: 1 resolved from a Sub ICB Location" in lines
    intake = Intake.start(make_settings(tmp_path), migrate=False)
    try:
        with intake.db.session() as session:
            directory = SqlDirectory(session)
            assert directory.organisation("V12345").org_type == "dental"
            assert directory.organisation("A81002").icb_code == "Q00"
            assert directory.organisation("A81003") is None
    finally:
        intake.db.dispose()


def test_a_bad_ods_file_is_refused_with_file_and_line(run, tmp_path, files):
    bad = write_legacy(tmp_path / "eopthq_bad.csv", [Org("TAB1", "OK"), Org("T!", "BAD")], "eopthq")

    result = run("directory", "import-ods", files[0], bad)

    assert result.exit_code == 1
    assert "nothing imported: eopthq_bad.csv:2: organisation code 'T!'" in result.output
    second = run("directory", "import-ods", files[0])
    assert "organisations: 2 added" in second.output  # the refused run wrote nothing
