from __future__ import annotations

import pytest

from intake.config import Settings
from intake.directory.services import import_directory
from intake.service import Intake
from tests.intake.directory.test_directory import write_directory


@pytest.fixture
def service(tmp_path, database_url):
    """The service on SQLite and on PostgreSQL, with a small directory loaded."""
    intake = Intake.start(
        Settings(data_dir=tmp_path / "var", database_url=database_url, secret_key="x")
    )
    import_directory(intake.db, write_directory(tmp_path / "dir"))
    yield intake
    intake.db.dispose()
