"""PL_ADMIN_LIMIT through the pipeline: a fifth PL Organisation
Administrator is refused (SQLite and PostgreSQL)."""

from __future__ import annotations

from intake.decisions import pipeline
from intake.directory.models import RoleHolder
from tests.intake.factories import GOOD_FORM, reading_of, requests_of, submit

PL_FORM = {**GOOD_FORM, "role": "PL Organisation User Administrator"}


def _four_pl_holders(service) -> None:
    with service.db.session() as session:
        for n in range(4):
            session.add(
                RoleHolder(
                    org_code=GOOD_FORM["org_code"],
                    role_code="PL_UA",
                    full_name=f"Holder {n}",
                    email=f"pl{n}@nhs.net",
                    status="active",
                    source="directory",
                )
            )


def test_a_fifth_pl_organisation_administrator_is_refused(service):
    _four_pl_holders(service)
    submission_id = submit(service)

    pipeline.conclude(service.db, pipeline.claim(service.db, submission_id), reading_of(PL_FORM))

    (request,) = requests_of(service, submission_id)
    assert request.status == "rejected"
    assert "PL_ADMIN_LIMIT" in [r["code"] for r in request.reasons]
