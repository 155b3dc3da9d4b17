"""A generated directory through import_directory's fast paths: a failed
re-import keeps the old rows *and* the indexes (SQLite rebuilds them inside
the import's transaction; PostgreSQL streams with COPY)."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, inspect, select

from bench.make_directory import write_directory
from intake.db import Database
from intake.directory.models import Organisation, Staff
from intake.directory.services import DirectoryImportError, import_directory
from intake.migrate import upgrade


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


def index_names(db):
    inspector = inspect(db.engine)
    return {
        table: {ix["name"] for ix in inspector.get_indexes(table)}
        for table in ("staff", "ael_entries", "icb_contacts", "role_holders")
    }


def test_a_failed_reimport_keeps_the_rows_and_the_indexes(db, tmp_path):
    good = tmp_path / "good"
    info = write_directory(good, orgs=200, staff=2500, seed=5)
    import_directory(db, good)
    indexes = index_names(db)
    assert "ix_staff_email" in indexes["staff"]

    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    with open(bad / "icb_contacts.csv", "a", encoding="utf-8") as handle:
        handle.write("QAA,Nobody,not-an-email,active\n")
    line = info.counts["icb_contacts.csv"] + 2
    with pytest.raises(DirectoryImportError, match=rf"icb_contacts\.csv:{line}: email"):
        import_directory(db, bad)

    assert index_names(db) == indexes
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Staff)) == 2500
        assert session.scalar(select(func.count()).select_from(Organisation)) == 200


def test_a_repeated_org_code_names_its_line(db, tmp_path):
    write_directory(tmp_path, orgs=30, staff=100, seed=5)
    with open(tmp_path / "organisations.csv", "a", encoding="utf-8") as handle:
        handle.write("A00000,Again Surgery,gp_practice,QAA,active\n")
    with pytest.raises(DirectoryImportError, match=r"organisations\.csv:32: org_code A00000"):
        import_directory(db, tmp_path)
