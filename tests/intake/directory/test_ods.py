"""ODS organisation files read as published: each report in its legacy
headerless shape and as a header-row export, statuses and settings mapped,
the dental code quirk, the ICB file, replace-by-kind, atomic failure."""

from __future__ import annotations

import zipfile

import pytest
from sqlalchemy import func, select

from bench.make_ods import (
    FIELDS,
    Org,
    legacy_row,
    sub_icb_locations,
    write_header,
    write_legacy,
)
from intake.db import Database
from intake.directory.models import Organisation, Staff
from intake.directory.ods import import_ods, kind_of
from intake.directory.services import DirectoryImportError, import_directory
from intake.migrate import upgrade
from tests.intake.directory.test_directory import FILES, write_directory

ICBS = sub_icb_locations(8)  # 00X..07X, in Q00 and Q01
PRACTICES = [
    Org("A81001", "RIVERSIDE SURGERY", "Q00", "A", "4", "00X"),
    Org("A81002", "HILLTOP MEDICAL CENTRE", "Q01", "C", "4", "05X"),
    Org("A81003", "MOORSIDE SURGERY", "Q00", "D", "4", "01X"),
    Org("A81004", "NEW TOWN SURGERY", "Q00", "P", "4", "01X"),
    Org("Y01234", "CITY WALK-IN CENTRE", "Q00", "A", "1", "00X"),
    Org("Y05678", "HMP SOMEWHERE", "Q01", "A", "25", "04X"),
]
DENTAL = [
    Org("V00123", "OLD MILL DENTAL", "Q00", "A"),
    Org("V012345", "BROOK LANE DENTAL CARE", "Q01", "A"),  # NHS Dental Services' 7 characters
    Org("V81234", "PRIVATE SMILES", "Q01", "C"),
]
OPTICAL = [Org("TAB1", "HILLTOP OPTICIANS LTD"), Org("TAB2", "GONE EYECARE", close="20220101")]


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def published(tmp_path):
    """The four reports in ODS's legacy headerless shape."""
    folder = tmp_path / "ods"
    folder.mkdir()
    return [
        write_legacy(folder / "epraccur.csv", PRACTICES, "epraccur"),
        write_legacy(folder / "egdpprac.csv", DENTAL, "egdpprac"),
        write_legacy(folder / "eopthq.csv", OPTICAL, "eopthq"),
        write_legacy(folder / "eccg.csv", ICBS, "eccg"),
    ]


def organisations(db):
    with db.session() as session:
        rows = session.execute(
            select(
                Organisation.org_code,
                Organisation.name,
                Organisation.org_type,
                Organisation.icb_code,
                Organisation.status,
            ).order_by(Organisation.org_code)
        ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_it_reads_each_published_report_in_the_legacy_shape(db, published):
    summary = import_ods(db, published)

    assert organisations(db) == {
        "A81001": ("RIVERSIDE SURGERY", "gp_practice", "Q00", "active"),
        "A81002": ("HILLTOP MEDICAL CENTRE", "gp_practice", "Q01", "closed"),
        "A81003": ("MOORSIDE SURGERY", "gp_practice", "Q00", "closed"),  # dormant
        "V00123": ("OLD MILL DENTAL", "dental", "Q00", "active"),
        "V12345": ("BROOK LANE DENTAL CARE", "dental", "Q01", "active"),
        "V81234": ("PRIVATE SMILES", "dental", "Q01", "closed"),
        "TAB1": ("HILLTOP OPTICIANS LTD", "optometry", "", "active"),
        "TAB2": ("GONE EYECARE", "optometry", "", "closed"),
    }
    gp, dental, optical, icb = summary.files
    assert (gp.rows, gp.active, gp.closed, gp.header) == (6, 1, 2, False)
    assert dict(gp.skipped) == {
        "proposed (not yet open)": 1,
        "prescribing setting 1 (walk-in centre), not a GP practice": 1,
        "prescribing setting 25 (prison), not a GP practice": 1,
    }
    assert (dental.imported, dental.recoded) == (3, 1)
    assert (optical.active, optical.closed) == (1, 1)
    assert (icb.kind.org_type, icb.rows) == (None, 8)
    assert (summary.added, summary.icb_unknown, summary.icb_missing) == (8, {}, 2)


def test_a_header_row_export_gives_the_same_organisations(db, database_url, tmp_path, published):
    import_ods(db, published)
    legacy = organisations(db)
    folder = tmp_path / "export"
    folder.mkdir()
    # Another order, statuses as words, Null columns left out.
    columns = [
        "Name", "Organisation Code", "Status Code", "Postcode", "Prescribing Setting",
        "High Level Health Geography", "Commissioner", "Close Date",
    ]  # fmt: skip
    exports = [
        write_header(folder / "epraccur.csv", PRACTICES, columns),
        write_header(folder / "egdpprac.csv", DENTAL, [c for c in columns if "Presc" not in c]),
        write_header(folder / "eopthq.csv", OPTICAL, ["Organisation Code", "Name", "Close Date"]),
        write_header(folder / "eccg.csv", ICBS, list(FIELDS[:4])),
    ]

    summary = import_ods(db, exports)

    assert organisations(db) == legacy
    assert all(f.header for f in summary.files)
    assert (summary.added, summary.changed, summary.unchanged) == (0, 0, 8)


def test_the_icb_file_resolves_sub_icb_locations_and_flags_unknown_icbs(db, tmp_path):
    practices = [
        Org("B82001", "WRITTEN WITH ITS SUB ICB", "03X", "A", "4", "03X"),
        Org("B82002", "NO ICB GIVEN", "", "A", "4", "06X"),
        Org("B82003", "AN ICB NOT IN THE FILE", "Q99", "A", "4", "00X"),
    ]
    files = [
        write_legacy(tmp_path / "epraccur.csv", practices, "epraccur"),
        write_legacy(tmp_path / "eccg.csv", ICBS, "eccg"),
    ]

    summary = import_ods(db, files)

    assert {code: row[2] for code, row in organisations(db).items()} == {
        "B82001": "Q00",
        "B82002": "Q01",
        "B82003": "Q99",
    }
    assert (summary.icb_resolved, dict(summary.icb_unknown)) == (2, {"Q99": 1})


def test_a_full_file_replaces_its_kind_and_keeps_the_rest(db, tmp_path, published):
    # A81001 and A81777 gp, B82002 optometry, C83003 dental
    gone = FILES["organisations.csv"] + "A81777,Left ODS Surgery,gp_practice,Q00,active\n"
    import_directory(db, write_directory(tmp_path / "dir", **{"organisations.csv": gone}))

    summary = import_ods(db, [published[0]])  # epraccur: A81001, A81002, A81003

    after = organisations(db)
    gps = {code for code, row in after.items() if row[1] == "gp_practice"}
    assert gps == {"A81001", "A81002", "A81003"}
    assert after["A81001"] == ("RIVERSIDE SURGERY", "gp_practice", "Q00", "active")
    assert after["B82002"][1] == "optometry" and after["C83003"][1] == "dental"
    assert (summary.added, summary.changed, dict(summary.removed)) == (2, 1, {"gp_practice": 1})
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Staff)) == 3


def test_a_changes_file_adds_and_updates_only(db, tmp_path, published):
    import_ods(db, published)
    changes = [
        Org("A81001", "RIVERSIDE SURGERY", "Q00", "C", "4", "00X"),
        Org("A89999", "BRAND NEW SURGERY", "Q01", "A", "4", "05X"),
    ]
    path = write_legacy(tmp_path / "epraccur_changes_20260101_to_20260201.csv", changes, "epraccur")

    summary = import_ods(db, [path])

    after = organisations(db)
    assert after["A81001"][3] == "closed" and after["A89999"][3] == "active"
    assert "A81002" in after and "A81003" in after
    assert (summary.files[0].changes_only, summary.removed) == (True, {})


def test_a_code_held_under_another_kind_is_replaced_by_code(db, tmp_path):
    organisations_csv = (
        "org_code,name,org_type,icb_code,status\nV00123,OLD MILL,pharmacy,Q00,active\n"
    )
    import_directory(
        db, write_directory(tmp_path / "dir", **{"organisations.csv": organisations_csv})
    )

    import_ods(db, [write_legacy(tmp_path / "egdpprac.csv", DENTAL[:1], "egdpprac")])

    assert organisations(db)["V00123"] == ("OLD MILL DENTAL", "dental", "Q00", "active")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (Org("A8100", "SHORT OK", status="X"), r"epraccur\.csv:3: status 'X' is not one of"),
        (Org("A8100!", "BAD CODE"), r"epraccur\.csv:3: organisation code 'A8100!'"),
        (Org("A81009", "   "), r"epraccur\.csv:3: name is empty"),
        (
            Org("A81001", "AGAIN"),
            r"epraccur\.csv:3: organisation code A81001 also at epraccur\.csv:1",
        ),
    ],
)
def test_a_malformed_file_names_file_and_line_and_changes_nothing(
    db, tmp_path, published, bad, message
):
    import_ods(db, published)
    before = organisations(db)
    good = write_legacy(tmp_path / "egdpprac.csv", [Org("V55555", "NEW DENTAL", "Q00")], "egdpprac")
    broken = write_legacy(tmp_path / "epraccur.csv", [*PRACTICES[:2], bad], "epraccur")

    with pytest.raises(DirectoryImportError, match=message):
        import_ods(db, [good, broken])

    assert organisations(db) == before


def test_a_dental_code_of_seven_characters_not_in_the_v0_form_is_refused(db, tmp_path):
    path = write_legacy(
        tmp_path / "egdpprac.csv", [Org("V812345", "NEWER CODE", "Q00")], "egdpprac"
    )

    with pytest.raises(DirectoryImportError, match=r"egdpprac\.csv:1: organisation code 'V812345'"):
        import_ods(db, [path])


def test_short_rows_and_empty_full_files_are_refused(db, tmp_path):
    short = tmp_path / "epraccur.csv"
    short.write_text('"A81001","RIVERSIDE SURGERY","Y56","Q00"\r\n', encoding="utf-8")
    empty = tmp_path / "eopthq.csv"
    empty.write_text("", encoding="utf-8")

    with pytest.raises(DirectoryImportError, match=r"epraccur\.csv:1: 4 columns, epraccur needs"):
        import_ods(db, [short])
    with pytest.raises(DirectoryImportError, match=r"eopthq\.csv: no rows"):
        import_ods(db, [empty])


def test_a_published_zip_and_a_windows_encoded_file_are_read(db, tmp_path):
    inner = write_legacy(tmp_path / "epraccur.csv", PRACTICES[:1], "epraccur")
    archive = tmp_path / "epraccur.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(inner, "epraccur.csv")
    optical = tmp_path / "eopthq.csv"
    row = legacy_row(Org("TAB9", "BEAUMONT OPTIQUE \u00e9"), "eopthq")
    optical.write_bytes((",".join(f'"{value}"' for value in row) + "\r\n").encode("cp1252"))

    import_ods(db, [archive, optical])

    after = organisations(db)
    assert after["A81001"][0] == "RIVERSIDE SURGERY"
    assert after["TAB9"] == ("BEAUMONT OPTIQUE \u00e9", "optometry", "", "active")


def test_optical_sites_are_left_out_with_why_and_unknown_files_are_refused(db, tmp_path):
    sites = write_legacy(tmp_path / "eoptsite.csv", [Org("TAB1A", "A SITE")], "eopthq")
    opt = write_legacy(tmp_path / "eopthq.csv", OPTICAL[:1], "eopthq")

    summary = import_ods(db, [sites, opt])

    assert "optical headquarters" in summary.files[0].ignored
    assert set(organisations(db)) == {"TAB1"}
    with pytest.raises(DirectoryImportError, match=r"practices\.csv: not an ODS file"):
        kind_of(tmp_path / "practices.csv")
