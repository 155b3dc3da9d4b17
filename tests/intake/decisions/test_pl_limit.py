"""PL_ADMIN_LIMIT through the pipeline: a fifth PL Organisation
Administrator is refused (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from intake.decisions import pipeline, review
from intake.directory.models import RoleHolder, Staff
from tests.intake.factories import GOOD_FORM, reading_of, requests_of, submit

PL_FORM = {**GOOD_FORM, "role": "PL Organisation User Administrator"}


def _pl_holders(service, count: int) -> None:
    with service.db.session() as session:
        for n in range(count):
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
    _pl_holders(service, 4)
    submission_id = submit(service)

    pipeline.conclude(service.db, pipeline.claim(service.db, submission_id), reading_of(PL_FORM))

    (request,) = requests_of(service, submission_id)
    assert request.status == "rejected"
    assert "PL_ADMIN_LIMIT" in [r["code"] for r in request.reasons]


def _three_pl_holders_and_a_second_nominee(service) -> None:
    _pl_holders(service, 3)
    with service.db.session() as session:
        session.add(
            Staff(
                org_code=GOOD_FORM["org_code"],
                full_name="Ann Other",
                email="ann.other@nhs.net",
                staff_role="salaried_gp",
                status="active",
            )
        )


@pytest.mark.parametrize("org_lock", ["locked", "database alone"])
def test_two_decisions_racing_for_the_fourth_place_grant_it_once(service, monkeypatch, org_lock):
    """Two PL requests wait in review (USER_ADMIN_EXISTS: three holders), and
    two caseworkers apply them at the same moment: one place, one grant.

    With the organisation lock the second waits, sees four holders and is
    refused by the hard limit. With the lock switched off, the database
    still refuses the second holder (both take place 4), and the decision is
    tried again and refused the same way.
    """
    if org_lock == "database alone":
        monkeypatch.setattr(review, "lock_organisation", lambda session, org_code: None)
    _three_pl_holders_and_a_second_nominee(service)
    forms = [
        PL_FORM,
        {**PL_FORM, "nominee_name": "Ann Other", "nominee_email": "ann.other@nhs.net"},
    ]
    waiting = []
    for form in forms:
        submission_id = submit(service)
        pipeline.conclude(service.db, pipeline.claim(service.db, submission_id), reading_of(form))
        (request,) = requests_of(service, submission_id)
        assert request.status == "review", request.reasons
        waiting.append(request.reference)
    start = threading.Barrier(len(waiting))
    outcomes: dict[str, str] = {}

    def apply(reference: str) -> None:
        start.wait()
        try:
            review.decide_review(
                service.db, reference, decision="apply", note="checked", actor=reference
            )
            outcomes[reference] = "applied"
        except review.ReviewRefused as refused:
            outcomes[reference] = refused.message

    threads = [threading.Thread(target=apply, args=(ref,)) for ref in waiting]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert list(outcomes.values()).count("applied") == 1, outcomes
    (refusal,) = [message for message in outcomes.values() if message != "applied"]
    assert "PL_ADMIN_LIMIT" in refusal
    with service.db.session() as session:
        places = session.scalars(
            select(RoleHolder.slot).where(
                RoleHolder.role_code == "PL_UA", RoleHolder.status == "active"
            )
        ).all()
    assert sorted(places) == [1, 2, 3, 4]
