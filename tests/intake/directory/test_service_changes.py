"""The service's own directory changes outlive imports, and the database holds
the limits of SPEC §3 (one Main Contact, four GPP / PL administrators),
on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from intake.audit import AuditEvent
from intake.decisions import pipeline
from intake.decisions.review import decide_review
from intake.directory.models import DirectoryChange, DirectoryConflict, RoleHolder
from intake.directory.services import import_directory
from tests.intake.directory.test_directory import FILES, write_directory
from tests.intake.factories import GOOD_FORM, reading_of, requests_of, submit

HOLDERS = FILES["user_admins.csv"]  # Mary Main is A81001's Main Contact
UPDATE = {**GOOD_FORM, "role": "Main Contact", "request_type": "Update"}
NEW_MAIN_CONTACT = {**GOOD_FORM, "role": "Main Contact"}


def decided(service, form):
    submission_id = submit(service)
    pipeline.conclude(service.db, pipeline.claim(service.db, submission_id), reading_of(form))
    (request,) = requests_of(service, submission_id)
    return request


def active(service, role_code="MAIN_CONTACT", org_code="A81001"):
    with service.db.session() as session:
        return sorted(
            session.scalars(
                select(RoleHolder.email).where(
                    RoleHolder.org_code == org_code,
                    RoleHolder.role_code == role_code,
                    RoleHolder.status == "active",
                )
            )
        )


def reimport(service, tmp_path, name, **files):
    return import_directory(service.db, write_directory(tmp_path / name, **files))


def test_an_update_leaves_one_main_contact_and_outlives_a_stale_import(service, tmp_path):
    request = decided(service, UPDATE)
    assert request.status == "applied", request.reasons
    assert active(service) == ["tom.reed@nhs.net"]

    summary = reimport(service, tmp_path, "stale")  # still lists Mary Main as active

    assert active(service) == ["tom.reed@nhs.net"]
    assert any(
        line.startswith("kept: service change not yet upstream")
        and "deactivated Mary Main" in line
        and request.reference in line
        for line in summary.kept
    ), summary.kept
    assert any("granted to Tom Reed" in line for line in summary.kept), summary.kept
    assert summary.conflicts == []

    # Twice is the same as once.
    again = reimport(service, tmp_path, "stale-again")
    assert active(service) == ["tom.reed@nhs.net"]
    assert len(again.kept) == 2


def test_an_import_that_agrees_confirms_the_changes_and_holds_one_row(service, tmp_path):
    decided(service, UPDATE)
    caught_up = (
        "org_code,role_code,full_name,email,status\n"
        "A81001,MAIN_CONTACT,Mary Main,mary@nhs.net,deactivated\n"
        "A81001,MAIN_CONTACT,Tom Reed,tom.reed@nhs.net,active\n"
    )

    summary = reimport(service, tmp_path, "caught-up", **{"user_admins.csv": caught_up})

    assert summary.kept == []
    assert len(summary.confirmed) == 2
    with service.db.session() as session:
        rows = session.execute(
            select(RoleHolder.email, RoleHolder.status, RoleHolder.source).where(
                RoleHolder.org_code == "A81001"
            )
        ).all()
        pending = session.scalars(
            select(DirectoryChange).where(DirectoryChange.confirmed_at.is_(None))
        ).all()
    assert sorted(rows) == [
        ("mary@nhs.net", "deactivated", "directory"),
        ("tom.reed@nhs.net", "active", "intake"),
    ]
    assert pending == []
    # Later imports that drop the history change nothing of the service's.
    reimport(service, tmp_path, "later", **{"user_admins.csv": caught_up.splitlines()[0]})
    assert active(service) == ["tom.reed@nhs.net"]


def test_a_grant_outlives_an_import_that_does_not_list_it(service, tmp_path):
    request = decided(service, GOOD_FORM)  # GPP_UA for Tom Reed
    assert request.status == "applied", request.reasons

    summary = reimport(service, tmp_path, "stale")

    assert active(service, "GPP_UA") == ["tom.reed@nhs.net"]
    assert summary.kept == [
        f"kept: service change not yet upstream: A81001 GPP_UA granted to Tom Reed "
        f"<tom.reed@nhs.net> by {request.reference}"
    ]


def test_a_caseworker_approving_a_new_main_contact_replaces_the_current_one(service):
    request = decided(service, NEW_MAIN_CONTACT)
    assert request.status == "review"  # USER_ADMIN_EXISTS: Mary Main holds it

    decide_review(service.db, request.reference, decision="apply", note="Mary left", actor="cw")

    assert active(service) == ["tom.reed@nhs.net"]
    with service.db.session() as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.request_id == request.id, AuditEvent.event == "role grant"
            )
        ).one()
    assert event.detail["granted"] == "Tom Reed <tom.reed@nhs.net>"
    assert event.detail["deactivated"] == ["Mary Main <mary@nhs.net>"]


def _insert_holder(service, role_code, email, slot):
    with service.db.session() as session:
        session.execute(
            text(
                "INSERT INTO role_holders (org_code, role_code, full_name, email, status, "
                "source, slot) VALUES ('A81001', :role, 'Direct Insert', :email, 'active', "
                "'directory', :slot)"
            ),
            {"role": role_code, "email": email, "slot": slot},
        )


@pytest.mark.parametrize("slot", [None, 1, 2])
def test_the_database_refuses_a_second_active_main_contact(service, slot):
    with pytest.raises(IntegrityError):
        _insert_holder(service, "MAIN_CONTACT", "second@nhs.net", slot)
    assert active(service) == ["mary@nhs.net"]


@pytest.mark.parametrize("role_code", ["PL_UA", "GPP_UA"])
def test_the_database_refuses_a_fifth_administrator(service, role_code):
    for n in range(1, 5):
        _insert_holder(service, role_code, f"admin{n}@nhs.net", n)
    for slot in (None, 1, 4, 5):
        with pytest.raises(IntegrityError):
            _insert_holder(service, role_code, "fifth@nhs.net", slot)
    assert len(active(service, role_code)) == 4


def test_an_import_naming_another_main_contact_is_held_back_and_reported(service, tmp_path):
    decided(service, UPDATE)  # Tom Reed replaces Mary Main
    other = HOLDERS + "A81001,MAIN_CONTACT,Olive Other,olive@nhs.net,active\n"

    summary = reimport(service, tmp_path, "other", **{"user_admins.csv": other})
    reimport(service, tmp_path, "other-again", **{"user_admins.csv": other})

    assert active(service) == ["tom.reed@nhs.net"]
    assert [line.split(":")[0] for line in summary.conflicts] == ["conflict"]
    assert "Olive Other <olive@nhs.net>" in summary.conflicts[0]
    with service.db.session() as session:
        conflicts = session.execute(
            select(DirectoryConflict.email, DirectoryConflict.kind).where(
                DirectoryConflict.resolved_at.is_(None)
            )
        ).all()
        held = session.scalars(
            select(RoleHolder.status).where(RoleHolder.email == "olive@nhs.net")
        ).all()
    assert conflicts == [("olive@nhs.net", "other_holder")]  # one, however often imported
    assert held == ["held"]


def test_an_import_listing_the_grantee_as_deactivated_is_reported(service, tmp_path):
    decided(service, GOOD_FORM)
    holders = HOLDERS + "A81001,GPP_UA,Tom Reed,tom.reed@nhs.net,deactivated\n"

    summary = reimport(service, tmp_path, "removed", **{"user_admins.csv": holders})

    assert active(service, "GPP_UA") == ["tom.reed@nhs.net"]
    assert len(summary.conflicts) == 1 and "tom.reed@nhs.net" in summary.conflicts[0]


def test_no_import_leaves_more_than_four_administrators(service, tmp_path):
    decided(service, GOOD_FORM)  # the service's GPP_UA takes one place
    four = "".join(f"A81001,GPP_UA,Admin {n},admin{n}@nhs.net,active\n" for n in range(4))

    summary = reimport(service, tmp_path, "four-more", **{"user_admins.csv": HOLDERS + four})

    assert len(active(service, "GPP_UA")) == 4
    assert "tom.reed@nhs.net" in active(service, "GPP_UA")
    assert len(summary.conflicts) == 1 and "admin3@nhs.net" in summary.conflicts[0]


def test_the_import_reports_what_changed(service, tmp_path):
    files = {
        "organisations.csv": FILES["organisations.csv"].replace(
            "Hilltop Opticians", "Hilltop Eye Care"
        )
        + "D84004,New Practice,gp_practice,QWE,active\n",
        "staff.csv": FILES["staff.csv"].replace(
            "A81001,Tom Reed,tom.reed@nhs.net,salaried_gp,active\n", ""
        ),
        "user_admins.csv": HOLDERS.replace("active", "deactivated"),
    }

    summary = reimport(service, tmp_path, "changed", **files)

    assert summary.changes["organisations"] == (1, 0, 1)
    assert summary.changes["staff"] == (0, 1, 0)
    assert summary.changes["AEL entries"] == (0, 0, 0)
    assert summary.changes["role holders"] == (0, 0, 1)
