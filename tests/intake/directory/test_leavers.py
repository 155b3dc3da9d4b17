"""The leaver sweep flags roles granted here whose holder has left."""

from __future__ import annotations

from intake.decisions import pipeline
from intake.directory.leavers import open_flags, sweep_leavers
from intake.directory.services import import_directory
from tests.intake.directory.test_directory import FILES, write_directory
from tests.intake.factories import GOOD_FORM, reading_of, requests_of, submit


def grant_tom(service):
    submission_id = submit(service)
    pipeline.conclude(service.db, pipeline.claim(service.db, submission_id), reading_of(GOOD_FORM))
    assert requests_of(service, submission_id)[0].status == "applied"


def reimport(service, tmp_path, name, staff):
    import_directory(service.db, write_directory(tmp_path / name, **{"staff.csv": staff}))


def test_it_flags_a_holder_whose_staff_record_became_inactive(service, tmp_path):
    grant_tom(service)
    reimport(
        service,
        tmp_path,
        "later",
        FILES["staff.csv"].replace("salaried_gp,active", "salaried_gp,inactive"),
    )

    result = sweep_leavers(service.db)

    assert [(f.email, f.role_code, f.reason) for f in result.flagged] == [
        ("tom.reed@nhs.net", "GPP_UA", "inactive")
    ]


def test_it_flags_a_holder_missing_from_the_staff_list(service, tmp_path):
    grant_tom(service)
    staff = "\n".join(line for line in FILES["staff.csv"].splitlines() if "tom.reed" not in line)
    reimport(service, tmp_path, "later", staff + "\n")

    assert [f.reason for f in sweep_leavers(service.db).flagged] == ["missing"]


def test_it_flags_each_leaver_once_and_clears_the_flag_when_they_return(service, tmp_path):
    grant_tom(service)
    reimport(
        service,
        tmp_path,
        "gone",
        FILES["staff.csv"].replace("salaried_gp,active", "salaried_gp,inactive"),
    )
    sweep_leavers(service.db)

    assert sweep_leavers(service.db).flagged == []
    assert len(open_flags(service.db)) == 1

    reimport(service, tmp_path, "back", FILES["staff.csv"])
    result = sweep_leavers(service.db)

    assert [f.resolution_note for f in result.cleared] == ["staff record active again"]
    assert open_flags(service.db) == []


def test_an_active_holder_is_not_flagged(service):
    grant_tom(service)

    assert sweep_leavers(service.db).flagged == []
