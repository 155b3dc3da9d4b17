"""The dashboard's search finds a request by any value a caseworker knows
it by, on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from alembic import command
from sqlalchemy import update

from intake.config import Settings
from intake.migrate import alembic_config
from intake.service import Intake
from intake.submissions.models import Request
from intake.submissions.queries import RequestFilter, by_reference, list_requests
from intake.submissions.services import accept

_files = itertools.count()

RIVERSIDE = {
    "org_name": "Riverside Surgery",
    "org_code": "A81001",
    "nominee_name": "Tom Reed",
    "nominee_email": "tom.reed@nhs.net",
    "requester_name": "Priya Shah",
    "requester_email": "practice.manager@nhs.net",
    "authoriser_name": "Dr Sarah Collins",
    "authoriser_email": "sarah.collins@nhs.net",
}
HILLSIDE = {
    "org_name": "Hillside Medical Centre",
    "org_code": "B82002",
    "nominee_name": "Amy Wood",
    "nominee_email": "amy.wood@nhs.net",
    "requester_name": "Amy Wood",
    "requester_email": "amy.wood@nhs.net",
    "authoriser_name": "Dr James Patel",
    "authoriser_email": "james.patel@nhs.net",
}


@pytest.fixture
def service(tmp_path, database_url):
    intake = Intake.start(
        Settings(data_dir=tmp_path / "var", database_url=database_url, secret_key="x")
    )
    yield intake
    intake.db.dispose()


def _request(service, fields, *, filename="form.pdf", sender=None, channel="web") -> str:
    accepted = accept(
        service.db,
        service.store,
        f"%PDF-1.4\n% {next(_files)}\n%%EOF\n".encode(),
        filename=filename,
        channel=channel,
        sender=sender,
        max_bytes=1024 * 1024,
    )
    reference = accepted.references[0]
    with service.db.session() as session:
        by_reference(session, reference).set_fields(fields)
    return reference


def _found(service, q: str) -> set[str]:
    with service.db.session() as session:
        page = list_requests(session, RequestFilter(q=q))
        return {request.reference for request in page.rows}


@pytest.fixture
def two(service):
    riverside = _request(
        service,
        RIVERSIDE,
        filename="Scan_0042 Riverside UA.pdf",
        sender="Reception.Riverside@nhs.net",
        channel="email",
    )
    hillside = _request(service, HILLSIDE, filename="authorisation-hillside.pdf")
    return riverside, hillside


@pytest.mark.parametrize(
    "q",
    [
        "a81001",  # organisation code
        "A810",  # part of it
        "riverside surgery",  # organisation name
        "TOM.REED@",  # nominee email
        "practice.manager@nhs.net",  # requester email
        "sarah.collins",  # authoriser email (and name)
        "reception.riverside@",  # the sender of the email it came in
        "tom reed",  # nominee name
        "priya",  # requester name
        "Dr Sarah Collins",  # authoriser name
        "scan_0042",  # file name
    ],
)
def test_it_finds_a_request_by_any_value_on_it(service, two, q):
    riverside, _ = two

    assert _found(service, q) == {riverside}


def test_it_finds_a_request_by_its_reference(service, two):
    riverside, hillside = two

    assert _found(service, hillside.lower()) == {hillside}
    assert _found(service, riverside) == {riverside}


def test_a_request_not_yet_read_is_found_by_its_file_name_and_reference(service):
    accepted = accept(
        service.db,
        service.store,
        b"%PDF-1.4\n% unread\n%%EOF\n",
        filename="Ünïcode Form.pdf",
        channel="web",
        max_bytes=1024 * 1024,
    )
    reference = accepted.references[0]

    assert _found(service, "ünïcode form") == {reference}
    assert _found(service, reference[-6:]) == {reference}


def test_wildcards_are_taken_literally_and_case_does_not_matter(service, two):
    percent = _request(service, {**HILLSIDE, "nominee_name": "100% Jo_Ann"})

    assert _found(service, "%") == {percent}
    assert _found(service, "100% JO_ANN") == {percent}
    assert _found(service, "jo%ann") == set()
    assert _found(service, "_a") == {percent}


def test_the_migration_fills_the_search_text_of_existing_requests(service, two):
    riverside, _ = two
    with service.db.engine.begin() as connection:
        connection.execute(update(Request).values(search_text=None))
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0011'")
        connection.exec_driver_sql("ALTER TABLE requests DROP COLUMN search_text")

    # Only 0012 again: the later migrations' columns are already here.
    config = alembic_config(service.db.engine)
    with service.db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0012")

    assert _found(service, "reception.riverside@") == {riverside}
    assert _found(service, "dr sarah collins") == {riverside}
