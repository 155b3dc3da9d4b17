"""Caseworker decisions on review requests: same apply path, hard limits hold."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intake.audit import AuditEvent
from intake.decisions import pipeline
from intake.decisions.review import ReviewRefused, decide_review
from intake.directory.models import RoleHolder
from intake.directory.services import import_directory
from tests.intake.directory.test_directory import FILES, write_directory
from tests.intake.factories import GOOD_FORM, grants, reading_of, requests_of, submit

MAIN_CONTACT_FORM = {**GOOD_FORM, "role": "Main Contact"}  # Mary Main holds it already


def decided(service, form, confidence=None):
    """Push one form through claim and decide; return its request."""
    submission_id = submit(service)
    work = pipeline.claim(service.db, submission_id)
    pipeline.conclude(service.db, work, reading_of(form, confidence=confidence))
    (request,) = requests_of(service, submission_id)
    return request


def add_holders(service, role_code, count):
    with service.db.session() as session:
        for n in range(count):
            session.add(
                RoleHolder(
                    org_code="A81001",
                    role_code=role_code,
                    full_name=f"Holder {n}",
                    email=f"holder{n}@nhs.net",
                    status="active",
                    source="directory",
                )
            )


def test_applying_a_review_request_grants_the_role_and_keeps_the_note(service):
    request = decided(service, MAIN_CONTACT_FORM)
    assert request.status == "review"

    outcome = decide_review(
        service.db,
        request.reference,
        decision="apply",
        note="Mary Main left in October",
        actor="cw.jones",
    )

    assert outcome.status == "applied"
    assert grants(service, role_code="MAIN_CONTACT", email="tom.reed@nhs.net") == 1
    (after,) = requests_of(service, request.submission_id)
    assert (after.decision_note, after.decided_by) == ("Mary Main left in October", "cw.jones")
    with service.db.session() as session:
        events = [
            e.event
            for e in session.scalars(select(AuditEvent).where(AuditEvent.request_id == request.id))
        ]
    assert events[-2:] == ["caseworker applied", "role grant"]


def test_rejecting_a_review_request_grants_nothing(service):
    request = decided(service, MAIN_CONTACT_FORM)

    decide_review(
        service.db,
        request.reference,
        decision="reject",
        note="Mary Main is still in post",
        actor="cw.jones",
    )

    assert requests_of(service, request.submission_id)[0].status == "rejected"
    assert grants(service) == 0


def test_a_decision_needs_a_note(service):
    request = decided(service, MAIN_CONTACT_FORM)

    with pytest.raises(ReviewRefused, match="note is required"):
        decide_review(service.db, request.reference, decision="apply", note="  ", actor="cw")
    assert requests_of(service, request.submission_id)[0].status == "review"


def test_only_a_request_in_review_can_be_decided(service):
    request = decided(service, GOOD_FORM)
    assert request.status == "applied"

    with pytest.raises(ReviewRefused, match="not waiting for a caseworker"):
        decide_review(service.db, request.reference, decision="reject", note="x", actor="cw")


def test_the_gpp_limit_holds_even_when_a_caseworker_applies(service):
    add_holders(service, "GPP_UA", 1)
    request = decided(service, GOOD_FORM)
    assert [r["code"] for r in request.reasons] == ["USER_ADMIN_EXISTS"]
    add_holders(service, "GPP_UA", 3)  # meanwhile the practice reached four

    with pytest.raises(ReviewRefused, match="hard limit") as refused:
        decide_review(service.db, request.reference, decision="apply", note="ok", actor="cw")

    assert "GPP_ADMIN_LIMIT" in [r.code for r in refused.value.reasons]
    assert requests_of(service, request.submission_id)[0].status == "review"
    assert grants(service) == 0


def test_a_closed_organisation_cannot_be_applied_by_a_caseworker(service, tmp_path):
    request = decided(service, MAIN_CONTACT_FORM)
    closed = FILES["organisations.csv"].replace("gp_practice,QWE,active", "gp_practice,QWE,closed")
    import_directory(
        service.db, write_directory(tmp_path / "later", **{"organisations.csv": closed})
    )

    with pytest.raises(ReviewRefused) as refused:
        decide_review(service.db, request.reference, decision="apply", note="ok", actor="cw")

    assert "ORG_CLOSED" in [r.code for r in refused.value.reasons]
    assert grants(service) == 0


def test_a_rule_hidden_by_low_confidence_runs_when_a_caseworker_applies(service):
    form = {**GOOD_FORM, "role": "Joiner & Leaver"}
    request = decided(service, form, confidence={"role": 0.4})
    assert [r["code"] for r in request.reasons] == ["LOW_CONFIDENCE"]

    with pytest.raises(ReviewRefused) as refused:
        decide_review(service.db, request.reference, decision="apply", note="read it", actor="cw")

    assert [r.code for r in refused.value.reasons] == ["ROLE_NOT_UA"]
    assert grants(service) == 0


def test_a_caseworker_can_correct_a_misread_value_before_applying(service):
    form = {**GOOD_FORM, "nominee_email": "tom.reed@nhs.ne"}
    request = decided(service, form, confidence={"nominee_email": 0.5})
    assert request.status == "review"

    decide_review(
        service.db,
        request.reference,
        decision="apply",
        note="checked the scan",
        actor="cw",
        corrections={"nominee_email": "Tom.Reed@nhs.net"},
    )

    (after,) = requests_of(service, request.submission_id)
    assert after.fields["nominee_email"] == "tom.reed@nhs.net"
    assert grants(service, email="tom.reed@nhs.net") == 1
