"""Two real worker processes racing on duplicate requests grant the role once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from intake.directory.models import RoleHolder
from intake.directory.services import import_directory
from intake.service import Intake
from tests.conftest import make_settings
from tests.test_end_to_end import SAMPLES, run_submit

COPIES = 6


@pytest.fixture(params=["sqlite+embedded", "postgresql+redis"])
def race_settings(request, tmp_path):
    if request.param == "sqlite+embedded":
        return make_settings(tmp_path)
    return make_settings(
        tmp_path,
        database_url=request.getfixturevalue("postgres_url"),
        broker_url=request.getfixturevalue("redis_server"),
    )


@pytest.mark.pipeline
def test_duplicate_requests_decided_at_once_grant_the_role_exactly_once(
    race_settings, start_worker, tmp_path
):
    intake = Intake.start(race_settings)
    import_directory(intake.db, SAMPLES / "directory")
    start_worker(race_settings, intake, concurrency=1)
    start_worker(race_settings, intake, concurrency=1)
    original = (SAMPLES / "applied_gp_partner.pdf").read_bytes()
    copies = []
    for n in range(COPIES):  # the same form, different bytes: not the same upload
        path = tmp_path / f"copy-{n}.pdf"
        path.write_bytes(original + f"% copy {n}\n".encode())
        copies.append(path)

    results = run_submit(race_settings, copies, "2026-11-20")

    statuses = sorted(row["status"] for row in results)
    assert statuses.count("applied") == 1, results
    assert len(results) == COPIES
    for row in results:
        if row["status"] != "applied":
            codes = {reason["code"] for reason in row["reasons"]}
            assert {"NOMINEE_ALREADY_HOLDS_ROLE", "DUPLICATE_REQUEST"} <= codes, row
    with intake.db.session() as session:
        granted = session.scalar(
            select(func.count()).select_from(RoleHolder).where(RoleHolder.source == "intake")
        )
    assert granted == 1
