"""Directory import: atomic replace, errors with file and line, indexed lookups."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from intake.config import Settings
from intake.directory.models import RoleHolder, Staff
from intake.directory.queries import SqlDirectory
from intake.directory.services import DirectoryImportError, import_directory
from intake.service import Intake

FILES = {
    "organisations.csv": "org_code,name,org_type,icb_code,status\n"
    "A81001,Riverside Surgery,gp_practice,QWE,active\n"
    "B82002,Hilltop Opticians,optometry,QWE,active\n"
    "C83003,Old Mill Dental,dental,QHM,closed\n",
    "staff.csv": "org_code,full_name,email,staff_role,status\n"
    "A81001,Dr Sarah Collins, Sarah.Collins@NHS.net ,gp_partner,active\n"
    "A81001,Tom Reed,tom.reed@nhs.net,salaried_gp,active\n"
    "B82002,Sarah Collins,sarah.collins@nhs.net,optometrist,inactive\n",
    "ael.csv": "org_code,email,status\nA81001,ael.user@nhs.net,active\n",
    "icb_contacts.csv": "icb_code,full_name,email,status\nQWE,Ian Contact,ian@icb.nhs.uk,active\n",
    "user_admins.csv": "org_code,role_code,full_name,email,status\n"
    "A81001,MAIN_CONTACT,Mary Main,mary@nhs.net,active\n",
}


def write_directory(folder, **overrides):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**FILES, **overrides}.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def service(tmp_path, database_url):
    intake = Intake.start(
        Settings(data_dir=tmp_path / "var", database_url=database_url, secret_key="x")
    )
    yield intake
    intake.db.dispose()


def test_it_imports_every_file_and_normalises_emails(service, tmp_path):
    summary = import_directory(service.db, write_directory(tmp_path / "dir"))

    assert summary.counts == {
        "organisations.csv": 3,
        "staff.csv": 3,
        "ael.csv": 1,
        "icb_contacts.csv": 1,
        "user_admins.csv": 1,
    }
    with service.db.session() as session:
        directory = SqlDirectory(session)
        records = directory.staff_by_email("sarah.collins@nhs.net")
        assert {(r.org_code, r.status) for r in records} == {
            ("A81001", "active"),
            ("B82002", "inactive"),
        }
        assert directory.organisation("C83003").status == "closed"
        assert directory.organisation("Z99999") is None
        assert directory.has_active_authoriser("A81001")
        assert not directory.has_active_authoriser("B82002")
        assert [h.email for h in directory.role_holders("A81001", "MAIN_CONTACT")] == [
            "mary@nhs.net"
        ]


def test_a_bad_line_names_file_and_line_and_changes_nothing(service, tmp_path):
    import_directory(service.db, write_directory(tmp_path / "good"))
    bad_staff = FILES["staff.csv"] + "A81001,No Email,not-an-email,admin,active\n"

    with pytest.raises(DirectoryImportError, match=r"staff\.csv:5: email"):
        import_directory(service.db, write_directory(tmp_path / "bad", **{"staff.csv": bad_staff}))

    with service.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Staff)) == 3


def test_it_refuses_a_file_with_a_missing_column(service, tmp_path):
    folder = write_directory(tmp_path / "dir", **{"ael.csv": "org_code,email\nA81001,x@nhs.net\n"})
    with pytest.raises(DirectoryImportError, match=r"ael\.csv:1: missing column\(s\) status"):
        import_directory(service.db, folder)


def test_it_refuses_a_folder_without_organisations(service, tmp_path):
    folder = write_directory(tmp_path / "dir", **{"organisations.csv": None})
    with pytest.raises(DirectoryImportError, match="organisations.csv: missing"):
        import_directory(service.db, folder)


def test_reimport_replaces_imported_holders_but_keeps_the_services_grants(service, tmp_path):
    import_directory(service.db, write_directory(tmp_path / "one"))
    with service.db.session() as session:
        session.add(
            RoleHolder(
                org_code="A81001",
                role_code="GPP_UA",
                full_name="Granted Here",
                email="granted@nhs.net",
                status="active",
                source="intake",
            )
        )
    import_directory(
        service.db,
        write_directory(
            tmp_path / "two", **{"user_admins.csv": "org_code,role_code,full_name,email,status\n"}
        ),
    )

    with service.db.session() as session:
        holders = session.scalars(select(RoleHolder.email)).all()
    assert holders == ["granted@nhs.net"]


def test_lookups_see_what_the_same_transaction_changed_but_did_not_flush(service, tmp_path):
    # A file with two forms is decided in one transaction: the second form
    # must see the first one's grant and the first holder's removal.
    import_directory(service.db, write_directory(tmp_path / "dir"))
    with service.db.session() as session:
        directory = SqlDirectory(session)
        mary = session.scalars(select(RoleHolder).where(RoleHolder.email == "mary@nhs.net")).one()
        mary.status = "deactivated"
        session.add(
            RoleHolder(
                org_code="A81001",
                role_code="MAIN_CONTACT",
                full_name="Granted Here",
                email="granted@nhs.net",
                status="active",
                source="intake",
            )
        )
        assert [h.email for h in directory.role_holders("A81001", "MAIN_CONTACT")] == [
            "granted@nhs.net"
        ]
